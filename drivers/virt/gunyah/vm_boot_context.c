// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's boot context: the registers GH_VM_SET_BOOT_CONTEXT gives the
 * boot vCPU, kept until the start hands them to the RM
 * (VM_SET_BOOT_CONTEXT, one call per register), after VM_INIT.
 *
 * Locking: called with the VM's lock held.
 */

#include <linux/bitmap.h>
#include <linux/gunyah.h>

#include "rsc_mgr.h"
#include "vm.h"

/*
 * Where each register set's values are kept in @vm->boot_regs: X0..X31 (the
 * posted header's range; the RM takes X31 as it takes the others), the PC,
 * SP_EL0 and SP_EL1.
 */
static const struct {
	u8 first;	/* slot of index 0 */
	u8 count;	/* indices the set has */
} gunyah_boot_reg_sets[] = {
	[GH_VM_BOOT_REG_SET_X]	= { .first = 0, .count = 32 },
	[GH_VM_BOOT_REG_SET_PC]	= { .first = 32, .count = 1 },
	[GH_VM_BOOT_REG_SET_SP]	= { .first = 33, .count = 2 },
};

/* The register set a slot of @vm->boot_regs belongs to. */
static u8 gunyah_boot_reg_set_of(unsigned int slot)
{
	u8 set = ARRAY_SIZE(gunyah_boot_reg_sets) - 1;

	while (slot < gunyah_boot_reg_sets[set].first)
		set--;
	return set;
}

/**
 * gunyah_vm_boot_context_set() - record a register of the boot context
 * @vm: a VM not started yet
 * @ctx: the register and its value, from GH_VM_SET_BOOT_CONTEXT
 *
 * Return: 0, or -EINVAL for a register the set does not have.
 */
int gunyah_vm_boot_context_set(struct gunyah_vm *vm,
			       const struct gh_vm_boot_context *ctx)
{
	u32 set = ctx->reg >> GH_VM_BOOT_CONTEXT_REG_SHIFT;
	u32 index = ctx->reg & (BIT(GH_VM_BOOT_CONTEXT_REG_SHIFT) - 1);
	unsigned int slot;

	if (ctx->reserved || set >= ARRAY_SIZE(gunyah_boot_reg_sets) ||
	    index >= gunyah_boot_reg_sets[set].count)
		return -EINVAL;
	slot = gunyah_boot_reg_sets[set].first + index;
	vm->boot_regs[slot] = ctx->value;
	__set_bit(slot, vm->boot_regs_set);
	return 0;
}

/**
 * gunyah_vm_boot_context_apply() - give the RM the registers recorded
 * @vm: a VM being started, after VM_INIT
 *
 * Return: 0 or the error of the first register the RM refused.
 */
int gunyah_vm_boot_context_apply(struct gunyah_vm *vm)
{
	unsigned int i;
	u8 set;
	int ret;

	for_each_set_bit(i, vm->boot_regs_set, GUNYAH_VM_BOOT_REGS) {
		set = gunyah_boot_reg_set_of(i);
		ret = gunyah_rm_vm_set_boot_context(vm->mgr->rm, vm->vmid, set,
						    i - gunyah_boot_reg_sets[set].first,
						    vm->boot_regs[i]);
		if (ret)
			return ret;
	}
	return 0;
}
