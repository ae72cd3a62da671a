// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated RM's VMs: VM_* requests and the VM state machine. The
 * checks of the guest's devicetree at VM_INIT are vm_config.c's.
 *
 * States follow the public RM: VM_ALLOCATE creates a VM in LOAD (no
 * notification, as in the RM); CONFIG_IMAGE moves LOAD or RESET to INIT,
 * or to INIT_FAILED if its image parcel or offsets are refused (the RM
 * then has no configuration of the VM, and crashes if asked to reset it);
 * VM_INIT moves INIT to READY, or INIT_FAILED when the devicetree is
 * refused; VM_START moves READY to RUNNING after accepting every parcel
 * lent or shared to the VM; VM_STOP with FORCE (or the guest, from debugfs)
 * moves RUNNING to EXITED; VM_RESET moves EXITED, READY or INIT_FAILED to
 * RESETTING, releases every accepted parcel and ends in RESET;
 * VM_DEALLOCATE frees a VM in LOAD or RESET. Every state change is
 * announced with a VM_STATUS notification.
 *
 * Locking: every function here runs with the simulator's @lock held (the
 * request worker, or debugfs acting as the guest); see rm_sim.h.
 */

#include <linux/device.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "rm_sim.h"

/**
 * rm_sim_vm_lookup() - find a VM
 * @sim: the simulated RM
 * @vmid: its id
 *
 * Context: @sim->lock held.
 * Return: the VM, or NULL.
 */
struct rm_sim_vm *rm_sim_vm_lookup(struct gunyah_rm_sim *sim, u16 vmid)
{
	lockdep_assert_held(&sim->lock);
	return xa_load(&sim->vms, vmid);
}

/**
 * rm_sim_vm_status() - change a VM's state and tell the host
 * @sim: the simulated RM
 * @vm: the VM
 * @state: its new &enum gunyah_rm_vm_status
 * @notifs: where the VM_STATUS notification goes
 */
void rm_sim_vm_status(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
		      u8 state, struct list_head *notifs)
{
	struct gunyah_rm_vm_status_payload st = {
		.vmid = cpu_to_le16(vm->vmid),
		.vm_status = state,
	};

	vm->state = state;
	rm_sim_queue_notif(sim, notifs, GUNYAH_RM_NOTIF_VM_STATUS, &st,
			   sizeof(st));
}

/**
 * rm_sim_vm_exited() - a VM exits
 * @sim: the simulated RM
 * @vm: the VM, running
 * @exit_type: VM_EXITED's exit type
 * @reason: the exit reason word
 * @notifs: where the VM_STATUS and VM_EXITED notifications go
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_exited(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
		      u16 exit_type, u32 reason, struct list_head *notifs)
{
	struct {
		struct gunyah_rm_vm_exited_payload hdr;
		__le32 reason;
	} __packed ex = {
		.hdr.vmid = cpu_to_le16(vm->vmid),
		.hdr.exit_type = cpu_to_le16(exit_type),
		.hdr.exit_reason_size = cpu_to_le32(sizeof(ex.reason)),
		.reason = cpu_to_le32(reason),
	};

	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_EXITED, notifs);
	rm_sim_queue_notif(sim, notifs, GUNYAH_RM_NOTIF_VM_EXITED, &ex,
			   sizeof(ex));
	/* vCPUs waiting for an interrupt run once more and see the exit. */
	rm_sim_vm_wake_all(sim, vm);
}

/**
 * rm_sim_vm_deferred_exits() - carry out the exits a sleepy RM slept through
 * @sim: the simulated RM
 * @notifs: where their notifications go
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_deferred_exits(struct gunyah_rm_sim *sim, struct list_head *notifs)
{
	struct rm_sim_vm *vm;
	unsigned long vmid;

	lockdep_assert_held(&sim->lock);
	xa_for_each(&sim->vms, vmid, vm) {
		if (!vm->deferred_exit)
			continue;
		if (vm->state == GUNYAH_RM_VM_STATUS_RUNNING)
			rm_sim_vm_exited(sim, vm, vm->deferred_exit, 0, notifs);
		vm->deferred_exit = 0;
	}
}

/**
 * rm_sim_guest_exit() - the guest ends itself (PSCI SYSTEM_OFF and the like)
 * @sim: the simulated RM
 * @vmid: the VM
 * @exit_type: VM_EXITED's exit type
 * @reason: the exit reason word
 *
 * Return: 0, -ENOENT for an unknown VM, -EBUSY if it is not running.
 */
int rm_sim_guest_exit(struct gunyah_rm_sim *sim, u16 vmid, u16 exit_type,
		      u32 reason)
{
	struct rm_sim_vm *vm;
	LIST_HEAD(notifs);
	int ret = 0;

	mutex_lock(&sim->lock);
	vm = rm_sim_vm_lookup(sim, vmid);
	if (!vm) {
		ret = -ENOENT;
	} else if (vm->state != GUNYAH_RM_VM_STATUS_RUNNING &&
		   vm->state != GUNYAH_RM_VM_STATUS_PAUSED) {
		ret = -EBUSY;
	} else {
		rm_sim_vm_exited(sim, vm, exit_type, reason, &notifs);
		rm_sim_flush_notifs(sim, &notifs);
	}
	mutex_unlock(&sim->lock);
	return ret;
}

/* ---- Requests ---------------------------------------------------------- */

/* The common {vmid, reserved} request: finds the VM. */
static u32 rm_sim_vm_common(struct gunyah_rm_sim *sim, struct rm_sim_req *req,
			    struct rm_sim_vm **vmp)
{
	const struct gunyah_rm_vm_common_req *r = req->payload;

	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	if (r->reserved)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	*vmp = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	return *vmp ? GUNYAH_RM_ERROR_OK : GUNYAH_RM_ERROR_VMID_INVALID;
}

static u32 rm_sim_vm_alloc(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_common_req *r = req->payload;
	struct gunyah_rm_vm_alloc_resp *resp;
	struct rm_sim_vm *vm;
	u16 vmid;

	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	if (r->reserved)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	vmid = le16_to_cpu(r->vmid);
	if (!vmid) {
		for (vmid = RM_SIM_DYN_VMID_MIN; vmid <= RM_SIM_DYN_VMID_MAX; vmid++)
			if (!xa_load(&sim->vms, vmid))
				break;
		if (vmid > RM_SIM_DYN_VMID_MAX)
			return GUNYAH_RM_ERROR_NORESOURCE;
		resp = rm_sim_resp_alloc(req, sizeof(*resp));
		if (!resp)
			return GUNYAH_RM_ERROR_NOMEM;
		resp->vmid = cpu_to_le32(vmid);
	} else if (vmid < RM_SIM_STATIC_VMID_MIN || vmid > RM_SIM_STATIC_VMID_MAX ||
		   xa_load(&sim->vms, vmid)) {
		return GUNYAH_RM_ERROR_NORESOURCE;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return GUNYAH_RM_ERROR_NOMEM;
	vm->vmid = vmid;
	vm->state = GUNYAH_RM_VM_STATUS_LOAD;
	vm->image_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	if (xa_err(xa_store(&sim->vms, vmid, vm, GFP_KERNEL))) {
		kfree(vm);
		return GUNYAH_RM_ERROR_NOMEM;
	}
	return GUNYAH_RM_ERROR_OK;
}

/**
 * rm_sim_vm_free() - forget a VM and what the hypervisor made for it
 * @sim: the simulated RM
 * @vm: the VM
 *
 * Context: @sim->lock held, or @sim being destroyed.
 */
void rm_sim_vm_free(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm)
{
	xa_erase(&sim->vms, vm->vmid);
	rm_sim_vm_hyp_destroy(sim, vm);
	kfree(vm);
}

static u32 rm_sim_vm_dealloc(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	struct rm_sim_vm *vm;
	u32 err;

	err = rm_sim_vm_common(sim, req, &vm);
	if (err)
		return err;
	if (vm->state != GUNYAH_RM_VM_STATUS_LOAD &&
	    vm->state != GUNYAH_RM_VM_STATUS_RESET)
		return GUNYAH_RM_ERROR_VM_STATE;
	rm_sim_vm_free(sim, vm);
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_config_image(struct gunyah_rm_sim *sim,
				  struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_config_image_req *r = req->payload;
	u64 img_off, img_size, dtb_off, dtb_size, psize;
	struct rm_sim_parcel *p;
	struct rm_sim_vm *vm;
	u16 auth;
	u32 err;

	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	vm = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	if (!vm)
		return GUNYAH_RM_ERROR_VMID_INVALID;
	if (vm->state != GUNYAH_RM_VM_STATUS_LOAD &&
	    vm->state != GUNYAH_RM_VM_STATUS_RESET)
		return GUNYAH_RM_ERROR_VM_STATE;
	auth = le16_to_cpu(r->auth_mech);
	if (auth != GUNYAH_RM_AUTH_NONE)
		/* Authenticated images (PIL, Android pVM) are not simulated. */
		return auth <= 2 ? GUNYAH_RM_ERROR_UNIMPLEMENTED :
				   GUNYAH_RM_ERROR_ARGUMENT_INVALID;

	/*
	 * The image parcel: lent to this VM alone, with RWX, label 0. From
	 * here a refusal leaves the VM in INIT_FAILED, as in the RM.
	 */
	p = rm_sim_parcel_lookup(sim, le32_to_cpu(r->mem_handle));
	if (!p || !rm_sim_parcel_acl(p, vm->vmid)) {
		err = GUNYAH_RM_ERROR_HANDLE_INVALID;
		goto failed;
	}
	err = GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (p->open || !p->lend || p->label || p->n_acl != 1 ||
	    p->acl[0].perms != GUNYAH_RM_ACL_RWX || p->n_attrs ||
	    p->mem_type != GUNYAH_RM_MEM_TYPE_NORMAL)
		goto failed;

	psize = rm_sim_parcel_size(p);
	img_off = le64_to_cpu(r->image_offset);
	img_size = le64_to_cpu(r->image_size);
	dtb_off = le64_to_cpu(r->dtb_offset);
	dtb_size = le64_to_cpu(r->dtb_size);
	if (img_off > psize || img_size > psize - img_off ||
	    !dtb_size || !PAGE_ALIGNED(dtb_off) || !PAGE_ALIGNED(dtb_size) ||
	    dtb_off >= psize || dtb_size > psize - dtb_off)
		goto failed;

	vm->image_handle = p->handle;
	vm->image_offset = img_off;
	vm->image_size = img_size;
	vm->dtb_offset = dtb_off;
	vm->dtb_size = dtb_size;
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_INIT, &req->notifs);
	return GUNYAH_RM_ERROR_OK;

failed:
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_INIT_FAILED, &req->notifs);
	return err;
}

static u32 rm_sim_vm_init(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	struct rm_sim_vm *vm;
	u32 err;

	err = rm_sim_vm_common(sim, req, &vm);
	if (err)
		return err;
	if (vm->state != GUNYAH_RM_VM_STATUS_INIT)
		return GUNYAH_RM_ERROR_VM_STATE;
	err = rm_sim_vm_read_dt(sim, vm);
	rm_sim_vm_status(sim, vm, err ? GUNYAH_RM_VM_STATUS_INIT_FAILED :
					GUNYAH_RM_VM_STATUS_READY, &req->notifs);
	return err;
}

static u32 rm_sim_vm_start(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	struct rm_sim_parcel *p;
	struct rm_sim_vm *vm;
	u32 err;

	err = rm_sim_vm_common(sim, req, &vm);
	if (err)
		return err;
	if (vm->state != GUNYAH_RM_VM_STATUS_READY)
		return GUNYAH_RM_ERROR_VM_STATE;
	/* The image parcel may have been reclaimed since VM_INIT. */
	p = rm_sim_parcel_lookup(sim, vm->image_handle);
	if (!p || !rm_sim_parcel_acl(p, vm->vmid)) {
		rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_INIT_FAILED,
				 &req->notifs);
		return GUNYAH_RM_ERROR_NORESOURCE;
	}
	rm_sim_accept_all(sim, vm->vmid, &req->notifs);
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_RUNNING, &req->notifs);
	/* "exit_on_start": the guest powers off as soon as it runs. */
	if (sim->exit_on_start) {
		sim->exit_on_start = false;
		rm_sim_vm_exited(sim, vm, GUNYAH_RM_VM_EXIT_PLATFORM_OFF, 0,
				 sim->exit_early ? &req->notifs : &req->late_notifs);
	}
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_stop(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_stop_req *r = req->payload;
	struct rm_sim_vm *vm;

	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	vm = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	if (!vm)
		return GUNYAH_RM_ERROR_VMID_INVALID;
	if ((r->flags & ~GUNYAH_RM_VM_STOP_FLAG_FORCE) || r->reserved)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (vm->state != GUNYAH_RM_VM_STATUS_RUNNING &&
	    vm->state != GUNYAH_RM_VM_STATUS_PAUSED)
		return GUNYAH_RM_ERROR_VM_STATE;
	/*
	 * Without FORCE the RM only asks the guest to shut down, over the
	 * guest's own RM link, which the simulated guest does not have.
	 */
	if (r->flags & GUNYAH_RM_VM_STOP_FLAG_FORCE)
		rm_sim_vm_exited(sim, vm, GUNYAH_RM_VM_EXIT_STOP_FORCED, 0,
				 &req->notifs);
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_reset(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	struct rm_sim_vm *vm;
	u32 err;

	err = rm_sim_vm_common(sim, req, &vm);
	if (err)
		return err;
	if (vm->state != GUNYAH_RM_VM_STATUS_EXITED &&
	    vm->state != GUNYAH_RM_VM_STATUS_READY &&
	    vm->state != GUNYAH_RM_VM_STATUS_INIT_FAILED)
		return GUNYAH_RM_ERROR_VM_STATE;
	/* Never configured: the RM's teardown of the config it lacks crashes. */
	if (vm->image_handle == GUNYAH_RM_MEM_HANDLE_INVAL) {
		sim->stats.fatal_resets++;
		dev_err(sim->dev, "VM %u: reset without a configuration, which crashes the public RM\n",
			vm->vmid);
		return GUNYAH_RM_ERROR_VM_STATE;
	}
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_RESETTING, &req->notifs);

	/* What the RM does after answering: tear down, release, RESET. */
	rm_sim_release_all(sim, vm->vmid, &req->late_notifs);
	vm->image_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	rm_sim_vm_hyp_destroy(sim, vm);
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_RESET, &req->late_notifs);
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_get_resources(struct gunyah_rm_sim *sim,
				   struct rm_sim_req *req)
{
	struct gunyah_rm_hyp_resources *res;
	struct rm_sim_vm *vm;
	unsigned int i, n;
	u32 err;

	err = rm_sim_vm_common(sim, req, &vm);
	if (err)
		return err;
	/* There is a vm_config only between CONFIG_IMAGE and the reset. */
	if (vm->state == GUNYAH_RM_VM_STATUS_LOAD ||
	    vm->state == GUNYAH_RM_VM_STATUS_RESETTING ||
	    vm->state == GUNYAH_RM_VM_STATUS_RESET)
		return GUNYAH_RM_ERROR_VM_STATE;

	n = vm->n_vcpus + vm->n_bells;
	res = rm_sim_resp_alloc(req, struct_size(res, entries, n));
	if (!res)
		return GUNYAH_RM_ERROR_NOMEM;
	res->n_entries = cpu_to_le32(n);
	/* The vCPUs, by index, then the doorbells the host rings. */
	for (i = 0; i < vm->n_vcpus; i++) {
		const struct rm_sim_vcpu *vcpu = &vm->vcpus[i];
		struct gunyah_rm_hyp_resource *e = &res->entries[i];

		e->type = GUNYAH_RESOURCE_TYPE_VCPU;
		e->partner_vmid = cpu_to_le16(vm->vmid);
		e->resource_handle = cpu_to_le32(lower_32_bits(vcpu->capid));
		e->resource_label = cpu_to_le32(i);
		e->cap_id = cpu_to_le64(vcpu->capid);
		e->virq_handle = cpu_to_le32(vcpu->virq);
		e->virq = cpu_to_le32(vcpu->virq);
	}
	for (i = 0; i < vm->n_bells; i++) {
		const struct rm_sim_bell *bell = &vm->bells[i];
		struct gunyah_rm_hyp_resource *e = &res->entries[vm->n_vcpus + i];

		e->type = GUNYAH_RESOURCE_TYPE_BELL_TX;
		e->partner_vmid = cpu_to_le16(vm->vmid);
		e->resource_handle = cpu_to_le32(lower_32_bits(bell->capid));
		e->resource_label = cpu_to_le32(bell->label);
		e->cap_id = cpu_to_le64(bell->capid);
	}
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_get_vmid(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	__le32 *vmid;

	if (req->len)
		return GUNYAH_RM_ERROR_INVALID;
	vmid = rm_sim_resp_alloc(req, sizeof(*vmid));
	if (!vmid)
		return GUNYAH_RM_ERROR_NOMEM;
	*vmid = cpu_to_le32(RM_SIM_HOST_VMID);
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_vm_boot_context(struct gunyah_rm_sim *sim,
				  struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_boot_context_req *r = req->payload;
	struct rm_sim_vm *vm;

	/* The public RM defines the call but does not implement it. */
	if (!sim->boot_context)
		return GUNYAH_RM_ERROR_UNIMPLEMENTED;
	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	vm = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	if (!vm)
		return GUNYAH_RM_ERROR_VMID_INVALID;
	if (vm->state != GUNYAH_RM_VM_STATUS_INIT &&
	    vm->state != GUNYAH_RM_VM_STATUS_READY)
		return GUNYAH_RM_ERROR_VM_STATE;
	/*
	 * Register sets: 0 = X0..X31, 1 = PC, 2 = SP_EL1. (The public RM has
	 * no VM_SET_BOOT_CONTEXT; X31 is taken as the posted header allows.)
	 */
	if (r->reserved || r->reg_set > 2 ||
	    (r->reg_set == 0 && r->reg_index > 31) ||
	    (r->reg_set && r->reg_index))
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	return GUNYAH_RM_ERROR_OK;
}

/**
 * rm_sim_vm_failed() - what a failed creation step does to a VM
 * @sim: the simulated RM
 * @req: a request that an injected fault fails
 *
 * A fault has no effect, except the one the public RM always has when
 * CONFIG_IMAGE, VM_INIT or VM_START fails: the VM, if it was in a state
 * the call needs, moves to INIT_FAILED. From there it can be reset, unless
 * it never had a configuration (CONFIG_IMAGE failed). (Without that a
 * failed VM_INIT would leave the VM in INIT, where nothing can remove it.)
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_failed(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_common_req *r = req->payload;
	struct rm_sim_vm *vm;
	size_t len;
	u8 needs;

	lockdep_assert_held(&sim->lock);
	if (req->msg_id == GUNYAH_RM_RPC_VM_INIT)
		needs = GUNYAH_RM_VM_STATUS_INIT;
	else if (req->msg_id == GUNYAH_RM_RPC_VM_START)
		needs = GUNYAH_RM_VM_STATUS_READY;
	else if (req->msg_id == GUNYAH_RM_RPC_VM_CONFIG_IMAGE)
		needs = GUNYAH_RM_VM_STATUS_LOAD;
	else
		return;
	/* Every VM request names its VM first; CONFIG_IMAGE's is longer. */
	len = needs == GUNYAH_RM_VM_STATUS_LOAD ?
	      sizeof(struct gunyah_rm_vm_config_image_req) : sizeof(*r);
	if (req->len != len)
		return;
	vm = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	if (!vm)
		return;
	/* CONFIG_IMAGE may also follow a reset; it never has a config then. */
	if (vm->state == needs ||
	    (needs == GUNYAH_RM_VM_STATUS_LOAD &&
	     vm->state == GUNYAH_RM_VM_STATUS_RESET))
		rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_INIT_FAILED,
				 &req->notifs);
}

/**
 * rm_sim_vm_handles() - whether a request is a VM-management call
 * @msg_id: the request
 *
 * Return: true if rm_sim_vm_handle() handles it.
 */
bool rm_sim_vm_handles(u32 msg_id)
{
	switch (msg_id) {
	case GUNYAH_RM_RPC_VM_ALLOC_VMID:
	case GUNYAH_RM_RPC_VM_DEALLOC_VMID:
	case GUNYAH_RM_RPC_VM_CONFIG_IMAGE:
	case GUNYAH_RM_RPC_VM_INIT:
	case GUNYAH_RM_RPC_VM_START:
	case GUNYAH_RM_RPC_VM_STOP:
	case GUNYAH_RM_RPC_VM_RESET:
	case GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES:
	case GUNYAH_RM_RPC_VM_GET_VMID:
	case GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT:
		return true;
	default:
		return false;
	}
}

/**
 * rm_sim_vm_handle() - handle a VM-management request
 * @sim: the simulated RM
 * @req: the request
 *
 * Context: @sim->lock held.
 * Return: the RM error code of the reply.
 */
u32 rm_sim_vm_handle(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	lockdep_assert_held(&sim->lock);

	switch (req->msg_id) {
	case GUNYAH_RM_RPC_VM_ALLOC_VMID:
		return rm_sim_vm_alloc(sim, req);
	case GUNYAH_RM_RPC_VM_DEALLOC_VMID:
		return rm_sim_vm_dealloc(sim, req);
	case GUNYAH_RM_RPC_VM_CONFIG_IMAGE:
		return rm_sim_vm_config_image(sim, req);
	case GUNYAH_RM_RPC_VM_INIT:
		return rm_sim_vm_init(sim, req);
	case GUNYAH_RM_RPC_VM_START:
		return rm_sim_vm_start(sim, req);
	case GUNYAH_RM_RPC_VM_STOP:
		return rm_sim_vm_stop(sim, req);
	case GUNYAH_RM_RPC_VM_RESET:
		return rm_sim_vm_reset(sim, req);
	case GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES:
		return rm_sim_vm_get_resources(sim, req);
	case GUNYAH_RM_RPC_VM_GET_VMID:
		return rm_sim_vm_get_vmid(sim, req);
	case GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT:
		return rm_sim_vm_boot_context(sim, req);
	default:
		return GUNYAH_RM_ERROR_UNIMPLEMENTED;
	}
}

/**
 * rm_sim_vms_destroy() - forget every VM
 * @sim: the simulated RM, being destroyed
 */
void rm_sim_vms_destroy(struct gunyah_rm_sim *sim)
{
	struct rm_sim_vm *vm;
	unsigned long vmid;

	xa_for_each(&sim->vms, vmid, vm)
		rm_sim_vm_free(sim, vm);
}
