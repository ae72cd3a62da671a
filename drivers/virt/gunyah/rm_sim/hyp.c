// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated hypervisor behind the simulated RM: the calls a VM's
 * functions make (the hypervisor-call interface of ../hypercall_ops.h)
 * acting on simulated objects.
 *
 * vCPUs: at VM_INIT every vCPU of the devicetree gets a capability id and a
 * wake-up virq. A vCPU runs a script queued from debugfs ("vcpu" commands
 * of the control file): each vcpu_run takes the next entry and returns what
 * a guest doing it would make the hypervisor return. With nothing queued
 * the guest is idle and a run returns EXPECTS_WAKEUP; queuing an entry
 * then raises the vCPU's wake-up virq, as the interrupt that ends the
 * guest's WFI would. vcpu_run never waits for the script.
 *
 * Doorbells: every devicetree node with vdevice-type = "doorbell" and a
 * label becomes a doorbell the host rings (a BELL_TX resource). Ringing one
 * wakes the vCPUs of its VM that a "block" entry put to sleep.
 *
 * Virqs: the numbers GET_HYP_RESOURCES hands out are RM_SIM_VIRQ_BASE plus
 * a hwirq of an irq_sim domain; virq_to_irq maps them, and the simulator
 * raises them with irq_set_irqchip_state(IRQCHIP_STATE_PENDING).
 *
 * Locking: all of it is under the simulator's @lock; see rm_sim.h.
 */

#include <linux/device.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/irqdomain.h>
#include <linux/libfdt.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../hypercall_ops.h"
#include "rm_sim.h"

static struct gunyah_rm_sim *to_sim(struct gunyah_hyp *hyp)
{
	return container_of(hyp, struct gunyah_rm_sim, hyp);
}

/* ---- Virqs -------------------------------------------------------------- */

/**
 * rm_sim_irq_init() - create the simulator's irq_sim domain
 * @sim: the simulated RM, being created
 *
 * Return: 0 or a negative errno.
 */
int rm_sim_irq_init(struct gunyah_rm_sim *sim)
{
	struct irq_domain *d;

	d = irq_domain_create_sim(NULL, RM_SIM_NR_VIRQS);
	if (IS_ERR(d))
		return PTR_ERR(d);
	sim->irq_domain = d;
	return 0;
}

/**
 * rm_sim_irq_exit() - dispose of every mapping and remove the domain
 * @sim: the simulated RM, being destroyed; nobody may hold its irqs
 */
void rm_sim_irq_exit(struct gunyah_rm_sim *sim)
{
	unsigned int hwirq, irq;

	/*
	 * Nobody holds these irqs any more. A virq raised just before its
	 * handler was freed was delivered by then: the irq_sim's irq_work
	 * runs as soon as it is queued, on the CPU that raised it.
	 */
	for (hwirq = 0; hwirq < RM_SIM_NR_VIRQS; hwirq++) {
		irq = irq_find_mapping(sim->irq_domain, hwirq);
		if (irq)
			irq_dispose_mapping(irq);
	}
	irq_domain_remove_sim(sim->irq_domain);
	sim->irq_domain = NULL;
}

static int rm_sim_virq_to_irq(struct gunyah_hyp *hyp, u32 virq)
{
	struct gunyah_rm_sim *sim = to_sim(hyp);
	unsigned int irq;

	if (virq < RM_SIM_VIRQ_BASE || virq >= RM_SIM_VIRQ_BASE + RM_SIM_NR_VIRQS)
		return -EINVAL;
	irq = irq_create_mapping(sim->irq_domain, virq - RM_SIM_VIRQ_BASE);
	return irq ? irq : -ENOMEM;
}

/* Raise a vCPU's wake-up virq, if anybody mapped it. */
static void rm_sim_vcpu_kick(struct gunyah_rm_sim *sim,
			     struct rm_sim_vcpu *vcpu)
{
	unsigned int irq;

	lockdep_assert_held(&sim->lock);
	vcpu->waiting = false;
	vcpu->wakeups++;
	irq = irq_find_mapping(sim->irq_domain, vcpu->virq - RM_SIM_VIRQ_BASE);
	if (irq && irq_set_irqchip_state(irq, IRQCHIP_STATE_PENDING, true))
		dev_dbg(sim->dev, "cannot raise virq %u\n", vcpu->virq);
}

/**
 * rm_sim_vm_wake_all() - raise the wake-up virq of every waiting vCPU
 * @sim: the simulated RM
 * @vm: the VM, which just exited
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_wake_all(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < vm->n_vcpus; i++) {
		vm->vcpus[i].asleep = false;
		vm->vcpus[i].off = false;
		if (vm->vcpus[i].waiting)
			rm_sim_vcpu_kick(sim, &vm->vcpus[i]);
	}
}

/* ---- Creation and teardown at VM_INIT / VM_RESET --------------------- */

/* Collect the doorbells of the devicetree. Returns how many, or -errno. */
static int rm_sim_dt_bells(struct gunyah_rm_sim *sim, const void *fdt,
			   u32 *labels)
{
	int node, depth = 0, n = 0, len, i;
	const fdt32_t *label;
	const char *type;

	for (node = fdt_next_node(fdt, -1, &depth); node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		type = fdt_getprop(fdt, node, "vdevice-type", &len);
		if (!type || len != sizeof("doorbell") ||
		    memcmp(type, "doorbell", len))
			continue;
		label = fdt_getprop(fdt, node, "label", &len);
		if (!label || len != sizeof(*label)) {
			dev_dbg(sim->dev, "vm-config: doorbell without a label\n");
			return -EINVAL;
		}
		if (n == RM_SIM_MAX_BELLS) {
			dev_dbg(sim->dev, "vm-config: too many doorbells\n");
			return -EINVAL;
		}
		labels[n] = fdt32_to_cpu(*label);
		for (i = 0; i < n; i++) {
			if (labels[i] == labels[n]) {
				dev_dbg(sim->dev, "vm-config: doorbell label %u twice\n",
					labels[n]);
				return -EINVAL;
			}
		}
		n++;
	}
	return n;
}

/**
 * rm_sim_vm_hyp_create() - create a VM's vCPUs and doorbells at VM_INIT
 * @sim: the simulated RM
 * @vm: the VM, with none yet
 * @fdt: its devicetree, already checked
 * @n_vcpus: vCPUs the devicetree asks for
 *
 * Context: @sim->lock held.
 * Return: @n_vcpus, or -ENOMEM, -ENOSPC (no virq left) or -EINVAL (bad
 * doorbell nodes), and nothing was created.
 */
int rm_sim_vm_hyp_create(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
			 const void *fdt, unsigned int n_vcpus)
{
	u32 labels[RM_SIM_MAX_BELLS];
	unsigned int i;
	int n_bells, ret, hwirq;

	lockdep_assert_held(&sim->lock);
	n_bells = rm_sim_dt_bells(sim, fdt, labels);
	if (n_bells < 0)
		return n_bells;
	vm->rm_link = fdt_node_offset_by_prop_value(fdt, -1, "vdevice-type",
						    "rm-rpc",
						    sizeof("rm-rpc")) >= 0;

	vm->vcpus = kcalloc(n_vcpus, sizeof(*vm->vcpus), GFP_KERNEL);
	vm->bells = kcalloc(n_bells, sizeof(*vm->bells), GFP_KERNEL);
	if (!vm->vcpus || (n_bells && !vm->bells)) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < n_vcpus; i++) {
		struct rm_sim_vcpu *vcpu = &vm->vcpus[i];

		vcpu->vm = vm;
		vcpu->index = i;
		INIT_LIST_HEAD(&vcpu->script);
		hwirq = ida_alloc_max(&sim->virqs, RM_SIM_NR_VIRQS - 1,
				      GFP_KERNEL);
		if (hwirq < 0) {
			ret = hwirq == -ENOMEM ? -ENOMEM : -ENOSPC;
			goto err;
		}
		vcpu->virq = RM_SIM_VIRQ_BASE + hwirq;
		vcpu->capid = sim->next_cap++;
		ret = xa_insert(&sim->vcpu_caps, vcpu->capid, vcpu, GFP_KERNEL);
		if (ret) {
			ida_free(&sim->virqs, hwirq);
			goto err;
		}
		vm->n_vcpus = i + 1;
	}
	for (i = 0; i < n_bells; i++) {
		struct rm_sim_bell *bell = &vm->bells[i];

		bell->vm = vm;
		bell->label = labels[i];
		bell->capid = sim->next_cap++;
		ret = xa_insert(&sim->bell_caps, bell->capid, bell, GFP_KERNEL);
		if (ret)
			goto err;
		vm->n_bells = i + 1;
	}
	return n_vcpus;

err:
	rm_sim_vm_hyp_destroy(sim, vm);
	return ret == -EBUSY ? -ENOSPC : ret;
}

/**
 * rm_sim_vm_hyp_destroy() - free a VM's vCPUs, scripts and doorbells
 * @sim: the simulated RM
 * @vm: the VM; it has none afterwards
 *
 * Their capability ids name nothing afterwards, and their virqs may be
 * handed out again (the Linux irq of a virq stays mapped).
 *
 * Context: @sim->lock held, or the simulator being destroyed.
 */
void rm_sim_vm_hyp_destroy(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm)
{
	struct rm_sim_vcpu_cmd *cmd, *tmp;
	unsigned int i;

	for (i = 0; i < vm->n_vcpus; i++) {
		struct rm_sim_vcpu *vcpu = &vm->vcpus[i];

		xa_erase(&sim->vcpu_caps, vcpu->capid);
		ida_free(&sim->virqs, vcpu->virq - RM_SIM_VIRQ_BASE);
		list_for_each_entry_safe(cmd, tmp, &vcpu->script, list) {
			list_del(&cmd->list);
			kfree(cmd);
		}
	}
	for (i = 0; i < vm->n_bells; i++)
		xa_erase(&sim->bell_caps, vm->bells[i].capid);
	kfree(vm->vcpus);
	kfree(vm->bells);
	vm->vcpus = NULL;
	vm->bells = NULL;
	vm->n_vcpus = 0;
	vm->n_bells = 0;
	vm->halt = 0;
	vm->deferred_exit = 0;
	vm->rm_link = false;
}

/* ---- The hypervisor calls ---------------------------------------------- */

/* What a run of a vCPU whose guest ended itself returns. */
static void rm_sim_vcpu_halted(struct rm_sim_vm *vm,
			       struct gunyah_hypercall_vcpu_run_resp *resp)
{
	resp->state = vm->halt;
	if (vm->halt == GUNYAH_VCPU_STATE_POWERED_OFF)
		resp->state_data[0] = GUNYAH_VCPU_POWEROFF_EXITED;
}

/* The guest ends itself: the VM exits, the host hears of it. */
static void rm_sim_vcpu_exit(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
			     u64 halt, u16 exit_type)
{
	LIST_HEAD(notifs);

	vm->halt = halt;
	/* A sleepy RM hears of it with the next request ("sleepy"). */
	if (sim->sleepy) {
		sim->sleepy--;
		vm->deferred_exit = exit_type;
		return;
	}
	rm_sim_vm_exited(sim, vm, exit_type, 0, &notifs);
	rm_sim_flush_notifs(sim, &notifs);
}

/* Do one script entry: what the hypervisor returns for it. */
static void rm_sim_vcpu_do(struct gunyah_rm_sim *sim, struct rm_sim_vcpu *vcpu,
			   const struct rm_sim_vcpu_cmd *cmd,
			   struct gunyah_hypercall_vcpu_run_resp *resp)
{
	struct rm_sim_vm *vm = vcpu->vm;

	switch (cmd->op) {
	case RM_SIM_VCPU_MMIO_WRITE:
		resp->state = GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
		resp->state_data[0] = cmd->addr;
		resp->state_data[1] = cmd->len;
		resp->state_data[2] = cmd->value;
		break;
	case RM_SIM_VCPU_MMIO_READ:
		resp->state = GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ;
		resp->state_data[0] = cmd->addr;
		resp->state_data[1] = cmd->len;
		vcpu->read_pending = true;
		break;
	case RM_SIM_VCPU_BLOCK:
		vcpu->asleep = true;
		vcpu->waiting = true;
		resp->state = GUNYAH_VCPU_STATE_EXPECTS_WAKEUP;
		break;
	case RM_SIM_VCPU_CPU_OFF:
		/* Off, the VM still running: state_data[0] has no EXITED. */
		vcpu->asleep = true;
		vcpu->off = true;
		vcpu->waiting = true;
		resp->state = GUNYAH_VCPU_STATE_POWERED_OFF;
		break;
	case RM_SIM_VCPU_POWEROFF:
		/*
		 * As on the public hypervisor: the vCPU that called SYSTEM_OFF
		 * reports itself off but not exited, and once the RM has
		 * killed it with its VM, vcpu_run finds nothing to run.
		 */
		rm_sim_vcpu_exit(sim, vm, GUNYAH_VCPU_STATE_POWERED_OFF,
				 GUNYAH_RM_VM_EXIT_PLATFORM_OFF);
		resp->state = GUNYAH_VCPU_STATE_POWERED_OFF;
		vcpu->gone = true;
		break;
	case RM_SIM_VCPU_RESET:
		rm_sim_vcpu_exit(sim, vm, GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET,
				 GUNYAH_RM_VM_EXIT_RESET);
		rm_sim_vcpu_halted(vm, resp);
		break;
	default:
		/*
		 * As the public RM does with a vCPU's halt: a fault ends the
		 * VM as a software error.
		 */
		rm_sim_vcpu_exit(sim, vm, GUNYAH_VCPU_STATE_FAULT,
				 GUNYAH_RM_VM_EXIT_SOFTWARE_ERROR);
		rm_sim_vcpu_halted(vm, resp);
		break;
	}
}

static int rm_sim_vcpu_run(struct gunyah_hyp *hyp, u64 capid,
			   const u64 resume_data[3],
			   struct gunyah_hypercall_vcpu_run_resp *resp)
{
	struct gunyah_rm_sim *sim = to_sim(hyp);
	struct rm_sim_vcpu_cmd *cmd;
	struct rm_sim_vcpu *vcpu;
	struct rm_sim_vm *vm;
	int ret = 0;

	memset(resp, 0, sizeof(*resp));
	mutex_lock(&sim->lock);
	vcpu = xa_load(&sim->vcpu_caps, capid);
	if (!vcpu) {
		ret = -EINVAL;	/* no such capability */
		goto out;
	}
	vm = vcpu->vm;
	if (vcpu->gone) {
		/* Killed with its VM after it powered off: nothing to run. */
		ret = -EBUSY;
		goto out;
	}
	if (vm->halt) {
		vcpu->runs++;
		rm_sim_vcpu_halted(vm, resp);
		goto out;
	}
	if (vm->state != GUNYAH_RM_VM_STATUS_RUNNING) {
		ret = -EPERM;	/* the vCPU is not activated */
		goto out;
	}
	vcpu->runs++;
	if (vcpu->retrying) {
		/* "retry_forever": the hypervisor never gets to run it. */
		ret = -EAGAIN;
		goto out;
	}
	cmd = list_first_entry_or_null(&vcpu->script, struct rm_sim_vcpu_cmd,
				       list);
	if (!vcpu->asleep && cmd && cmd->op == RM_SIM_VCPU_RETRY) {
		/* As the hypervisor's RETRY: nothing of resume_data is taken. */
		list_del(&cmd->list);
		vcpu->n_script--;
		kfree(cmd);
		ret = -EAGAIN;
		goto out;
	}
	vcpu->waiting = false;
	if (vcpu->read_pending) {
		vcpu->read_pending = false;
		vcpu->last_read = resume_data[0];
	}

	if (vcpu->asleep || !cmd) {
		/* In WFI until an interrupt, or off until CPU_ON. */
		vcpu->waiting = true;
		resp->state = vcpu->off ? GUNYAH_VCPU_STATE_POWERED_OFF :
					  GUNYAH_VCPU_STATE_EXPECTS_WAKEUP;
		goto out;
	}
	list_del(&cmd->list);
	vcpu->n_script--;
	rm_sim_vcpu_do(sim, vcpu, cmd, resp);
	kfree(cmd);
out:
	mutex_unlock(&sim->lock);
	return ret;
}

static int rm_sim_bell_send(struct gunyah_hyp *hyp, u64 capid,
			    u64 new_flags)
{
	struct gunyah_rm_sim *sim = to_sim(hyp);
	struct rm_sim_bell *bell;
	struct rm_sim_vm *vm;
	unsigned int i;
	int ret = 0;

	mutex_lock(&sim->lock);
	bell = xa_load(&sim->bell_caps, capid);
	if (bell) {
		bell->rings++;
		bell->flags = new_flags;
		/* The guest takes the interrupt: sleeping vCPUs wake up. */
		vm = bell->vm;
		for (i = 0; i < vm->n_vcpus; i++) {
			struct rm_sim_vcpu *vcpu = &vm->vcpus[i];

			/* Only CPU_ON ("wake") starts a vCPU that is off. */
			if (!vcpu->asleep || vcpu->off)
				continue;
			vcpu->asleep = false;
			if (vcpu->waiting)
				rm_sim_vcpu_kick(sim, vcpu);
		}
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&sim->lock);
	return ret;
}

static int rm_sim_bell_set_mask(struct gunyah_hyp *hyp, u64 capid,
				u64 enable_mask, u64 ack_mask)
{
	struct gunyah_rm_sim *sim = to_sim(hyp);
	struct rm_sim_bell *bell;
	int ret = 0;

	mutex_lock(&sim->lock);
	bell = xa_load(&sim->bell_caps, capid);
	if (bell) {
		bell->enable_mask = enable_mask;
		bell->ack_mask = ack_mask;
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&sim->lock);
	return ret;
}

const struct gunyah_hyp_ops rm_sim_hyp_ops = {
	.vcpu_run	= rm_sim_vcpu_run,
	.bell_send	= rm_sim_bell_send,
	.bell_set_mask	= rm_sim_bell_set_mask,
	.virq_to_irq	= rm_sim_virq_to_irq,
};

/* ---- debugfs ------------------------------------------------------------- */

static const char * const rm_sim_vcpu_ops[] = {
	[RM_SIM_VCPU_MMIO_WRITE]	= "mmio_write",
	[RM_SIM_VCPU_MMIO_READ]		= "mmio_read",
	[RM_SIM_VCPU_BLOCK]		= "block",
	[RM_SIM_VCPU_POWEROFF]		= "poweroff",
	[RM_SIM_VCPU_RESET]		= "reset",
	[RM_SIM_VCPU_FAULT]		= "fault",
	[RM_SIM_VCPU_CPU_OFF]		= "cpu_off",
	[RM_SIM_VCPU_RETRY]		= "retry",
};

/* Commands that are not queued but take effect at once. */
enum rm_sim_vcpu_now {
	RM_SIM_VCPU_NOW_WAKE,
	RM_SIM_VCPU_NOW_RETRY_FOREVER,
	RM_SIM_VCPU_NOW_RETRY_STOP,
};

static const char * const rm_sim_vcpu_now_ops[] = {
	[RM_SIM_VCPU_NOW_WAKE]		= "wake",
	[RM_SIM_VCPU_NOW_RETRY_FOREVER]	= "retry_forever",
	[RM_SIM_VCPU_NOW_RETRY_STOP]	= "retry_stop",
};

static void rm_sim_vcpu_now(struct rm_sim_vcpu *vcpu, enum rm_sim_vcpu_now now)
{
	switch (now) {
	case RM_SIM_VCPU_NOW_WAKE:
		vcpu->asleep = false;
		vcpu->off = false;
		break;
	case RM_SIM_VCPU_NOW_RETRY_FOREVER:
		vcpu->retrying = true;
		break;
	case RM_SIM_VCPU_NOW_RETRY_STOP:
		vcpu->retrying = false;
		break;
	}
}

/* Operands each op takes after its name. */
static const unsigned int rm_sim_vcpu_nargs[ARRAY_SIZE(rm_sim_vcpu_ops)] = {
	[RM_SIM_VCPU_MMIO_WRITE]	= 3,
	[RM_SIM_VCPU_MMIO_READ]		= 2,
};

/**
 * rm_sim_vcpu_command() - carry out a "vcpu" command of the control file
 * @sim: the simulated RM
 * @argc: words after "vcpu"
 * @argv: the words: <vmid> <index> <op> [operands]
 *
 * Return: 0, -EINVAL for a malformed command, -ENOENT for an unknown VM or
 * vCPU, -ENOSPC when the script is full, -ENOMEM.
 */
int rm_sim_vcpu_command(struct gunyah_rm_sim *sim, int argc, char **argv)
{
	struct rm_sim_vcpu_cmd *cmd = NULL;
	struct rm_sim_vcpu *vcpu;
	struct rm_sim_vm *vm;
	u64 v[3] = { };
	u32 vmid, index;
	int now, op, i, ret;

	if (argc < 3 || kstrtou32(argv[0], 0, &vmid) || vmid > U16_MAX ||
	    kstrtou32(argv[1], 0, &index))
		return -EINVAL;
	now = match_string(rm_sim_vcpu_now_ops, ARRAY_SIZE(rm_sim_vcpu_now_ops),
			   argv[2]);
	op = now >= 0 ? 0 : match_string(rm_sim_vcpu_ops,
					 ARRAY_SIZE(rm_sim_vcpu_ops), argv[2]);
	if (op < 0)
		return -EINVAL;
	if (argc - 3 != (now >= 0 ? 0 : rm_sim_vcpu_nargs[op]))
		return -EINVAL;
	for (i = 3; i < argc; i++)
		if (kstrtou64(argv[i], 0, &v[i - 3]))
			return -EINVAL;
	if (now < 0 && (op == RM_SIM_VCPU_MMIO_WRITE || op == RM_SIM_VCPU_MMIO_READ)) {
		/* An access of 1, 2, 4 or 8 bytes, and a value that fits. */
		if (v[1] > 8 || !is_power_of_2(v[1]) ||
		    (v[1] < 8 && v[2] >> (8 * v[1])))
			return -EINVAL;
	}

	if (now < 0) {
		cmd = kzalloc(sizeof(*cmd), GFP_KERNEL);
		if (!cmd)
			return -ENOMEM;
		cmd->op = op;
		cmd->addr = v[0];
		cmd->len = v[1];
		cmd->value = v[2];
	}

	mutex_lock(&sim->lock);
	vm = rm_sim_vm_lookup(sim, vmid);
	if (!vm || index >= vm->n_vcpus) {
		ret = -ENOENT;
		goto out;
	}
	vcpu = &vm->vcpus[index];
	ret = 0;
	if (now >= 0) {
		rm_sim_vcpu_now(vcpu, now);
	} else if (vcpu->n_script == RM_SIM_MAX_SCRIPT) {
		ret = -ENOSPC;
		goto out;
	} else {
		list_add_tail(&cmd->list, &vcpu->script);
		vcpu->n_script++;
		cmd = NULL;
	}
	/* An interrupt ends the guest's wait, unless it is asleep. */
	if (vcpu->waiting && !vcpu->asleep)
		rm_sim_vcpu_kick(sim, vcpu);
out:
	mutex_unlock(&sim->lock);
	kfree(cmd);
	return ret;
}

/**
 * rm_sim_vm_hyp_show() - print a VM's vCPU and doorbell counters
 * @sim: the simulated RM
 * @vm: the VM
 * @s: where to print them
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_hyp_show(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
			struct seq_file *s)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < vm->n_vcpus; i++) {
		const struct rm_sim_vcpu *vcpu = &vm->vcpus[i];

		seq_printf(s, "vm.%u.vcpu%u.runs %llu\n", vm->vmid, i, vcpu->runs);
		seq_printf(s, "vm.%u.vcpu%u.script %u\n", vm->vmid, i,
			   vcpu->n_script);
		seq_printf(s, "vm.%u.vcpu%u.last_read %llu\n", vm->vmid, i,
			   vcpu->last_read);
		seq_printf(s, "vm.%u.vcpu%u.asleep %u\n", vm->vmid, i,
			   vcpu->asleep);
		seq_printf(s, "vm.%u.vcpu%u.wakeups %llu\n", vm->vmid, i,
			   vcpu->wakeups);
	}
	for (i = 0; i < vm->n_bells; i++) {
		const struct rm_sim_bell *bell = &vm->bells[i];

		seq_printf(s, "vm.%u.bell%u.rings %llu\n", vm->vmid, bell->label,
			   bell->rings);
		seq_printf(s, "vm.%u.bell%u.flags %llu\n", vm->vmid, bell->label,
			   bell->flags);
		seq_printf(s, "vm.%u.bell%u.enable_mask %llu\n", vm->vmid,
			   bell->label, bell->enable_mask);
		seq_printf(s, "vm.%u.bell%u.ack_mask %llu\n", vm->vmid,
			   bell->label, bell->ack_mask);
	}
}
