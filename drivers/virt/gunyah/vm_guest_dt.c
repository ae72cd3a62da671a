// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the driver needs to know from the guest's devicetree, read from the
 * VMM's image binding just before the VM starts, while the host still owns
 * that memory. The Resource Manager parses the whole devicetree itself; the
 * driver looks only for what changes its own behaviour: whether the guest
 * has an RM RPC link (a vdevice of type "rm-rpc" in its vm-config), without
 * which it cannot accept memory given after it started.
 *
 * Locking: called with the VM's lock held, like everything at start.
 */

#include <linux/libfdt.h>
#include <linux/slab.h>

#include "vm.h"
#include "mem_binding.h"

/* Larger devicetrees are not searched: the guest is taken to have no link. */
#define GUNYAH_GUEST_DT_MAX	SZ_1M

/**
 * gunyah_vm_guest_has_rm_link() - does the guest have an RM RPC link?
 * @vm: a VM about to start, whose devicetree binding is not given yet
 *
 * Return: true if its devicetree declares a vdevice of type "rm-rpc"; false
 * if not, or if the devicetree cannot be read (the RM will refuse the start
 * then anyway).
 */
bool gunyah_vm_guest_has_rm_link(struct gunyah_vm *vm)
{
	static const char rm_rpc[] = "rm-rpc";
	size_t size = vm->dtb.size;
	bool link = false;
	void *fdt;

	if (size < sizeof(struct fdt_header) || size > GUNYAH_GUEST_DT_MAX)
		return false;
	fdt = kvmalloc(size, GFP_KERNEL);
	if (!fdt)
		return false;
	if (!gunyah_vm_mem_read(vm, vm->dtb.guest_phys_addr, fdt, size) &&
	    !fdt_check_header(fdt) && fdt_totalsize(fdt) <= size)
		link = fdt_node_offset_by_prop_value(fdt, -1, "vdevice-type",
						     rm_rpc, sizeof(rm_rpc)) >= 0;
	kvfree(fdt);
	return link;
}
