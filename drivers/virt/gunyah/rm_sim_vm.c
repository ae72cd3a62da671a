// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated RM's VMs: VM_* requests, the VM state machine, and the
 * vm-config checks the public RM makes on the guest's devicetree at
 * VM_INIT.
 *
 * States follow the public RM: VM_ALLOCATE creates a VM in LOAD (no
 * notification, as in the RM); CONFIG_IMAGE moves LOAD or RESET to INIT;
 * VM_INIT moves INIT to READY, or INIT_FAILED when the devicetree is
 * refused; VM_START moves READY to RUNNING after accepting every parcel
 * lent or shared to the VM; VM_STOP with FORCE (or the guest, from debugfs)
 * moves RUNNING to EXITED; VM_RESET moves EXITED, READY or INIT_FAILED to
 * RESETTING, releases every accepted parcel and ends in RESET;
 * VM_DEALLOCATE frees a VM in LOAD or RESET. Every state change is
 * announced with a VM_STATUS notification.
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

/* ---- vm-config devicetree checks --------------------------------------- */

/* A property that holds one NUL-terminated string, or NULL. */
static const char *rm_sim_dt_string(const void *fdt, int node,
				    const char *name, int *lenp)
{
	const char *s;
	int len;

	s = fdt_getprop(fdt, node, name, &len);
	if (!s || len < 1 || strnlen(s, len) != len - 1)
		return NULL;
	if (lenp)
		*lenp = len - 1;
	return s;
}

static bool rm_sim_dt_has(const void *fdt, int node, const char *name,
			  const char *str)
{
	const char *list;
	int len;

	list = fdt_getprop(fdt, node, name, &len);
	return list && fdt_stringlist_contains(list, len, str);
}

static bool rm_sim_dt_u32(const void *fdt, int node, const char *name,
			  u32 *val)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != sizeof(*p))
		return false;
	*val = fdt32_to_cpu(*p);
	return true;
}

/* The vcpus node: returns the number of vCPUs, or a negative errno. */
static int rm_sim_dt_vcpus(struct gunyah_rm_sim *sim, const void *fdt,
			   int cfg)
{
	const char *affinity = "static", *path = "/cpus";
	int vcpus, cpus, cpu, len, n = 0;
	u32 val;

	vcpus = fdt_subnode_offset(fdt, cfg, "vcpus");
	if (vcpus < 0) {
		dev_dbg(sim->dev, "vm-config: no vcpus node\n");
		return -EINVAL;
	}
	if (fdt_getprop(fdt, vcpus, "config", NULL)) {
		path = rm_sim_dt_string(fdt, vcpus, "config", NULL);
		if (!path)
			return -EINVAL;
	}
	cpus = fdt_path_offset(fdt, path);
	if (cpus < 0) {
		dev_dbg(sim->dev, "vm-config: no cpus node %s\n", path);
		return -EINVAL;
	}
	fdt_for_each_subnode(cpu, fdt, cpus) {
		const char *type = rm_sim_dt_string(fdt, cpu, "device_type", NULL);

		if (!type || strcmp(type, "cpu"))
			continue;
		/* Secondaries are powered on through PSCI or Gunyah's call. */
		if (n && !rm_sim_dt_has(fdt, cpu, "enable-method", "psci") &&
		    !rm_sim_dt_has(fdt, cpu, "enable-method", "qcom,gunyah-hvc")) {
			dev_dbg(sim->dev, "vm-config: cpu %d has no enable-method\n", n);
			return -EINVAL;
		}
		n++;
	}
	if (cpu != -FDT_ERR_NOTFOUND || n < 1 || n > RM_SIM_MAX_VCPUS) {
		dev_dbg(sim->dev, "vm-config: %d vcpus\n", n);
		return -EINVAL;
	}

	if (fdt_getprop(fdt, vcpus, "affinity", NULL)) {
		affinity = rm_sim_dt_string(fdt, vcpus, "affinity", NULL);
		if (!affinity)
			return -EINVAL;
	}
	if (!strcmp(affinity, "proxy"))
		return n;
	if (strcmp(affinity, "static") && strcmp(affinity, "sticky") &&
	    strcmp(affinity, "pinned")) {
		dev_dbg(sim->dev, "vm-config: affinity %s\n", affinity);
		return -EINVAL;
	}
	/* Scheduled by the hypervisor: it needs a CPU map and parameters. */
	if (!fdt_getprop(fdt, vcpus, "affinity-map", &len) ||
	    len != n * (int)sizeof(fdt32_t) ||
	    !rm_sim_dt_u32(fdt, vcpus, "sched-timeslice", &val) ||
	    val < 100 || val > 100000 ||
	    !rm_sim_dt_u32(fdt, vcpus, "sched-priority", &val) ||
	    (s32)val > -1) {
		dev_dbg(sim->dev, "vm-config: bad %s scheduling\n", affinity);
		return -EINVAL;
	}
	return n;
}

/* A GICv3 the guest's interrupts are routed to. */
static int rm_sim_dt_gic(struct gunyah_rm_sim *sim, const void *fdt, int cfg)
{
	const fdt32_t *ref;
	int gic, irqs, len;
	u32 phandle, val;

	gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (gic < 0 || !fdt_getprop(fdt, gic, "interrupt-controller", NULL) ||
	    !rm_sim_dt_u32(fdt, gic, "#interrupt-cells", &val) || val != 3) {
		dev_dbg(sim->dev, "vm-config: no usable GICv3 node\n");
		return -EINVAL;
	}
	phandle = fdt_get_phandle(fdt, gic);
	if (!phandle) {
		dev_dbg(sim->dev, "vm-config: the GIC has no phandle\n");
		return -EINVAL;
	}
	/* Named by the root's interrupt-parent ... */
	if (rm_sim_dt_u32(fdt, 0, "interrupt-parent", &val) && val == phandle)
		return 0;
	/* ... or by vm-config/interrupts/config, a path or a phandle. */
	irqs = fdt_subnode_offset(fdt, cfg, "interrupts");
	if (irqs >= 0) {
		const char *path = rm_sim_dt_string(fdt, irqs, "config", NULL);

		if (path && path[0] == '/' && fdt_path_offset(fdt, path) == gic)
			return 0;
		ref = fdt_getprop(fdt, irqs, "config", &len);
		if (ref && len == sizeof(*ref) && fdt32_to_cpu(*ref) == phandle)
			return 0;
	}
	dev_dbg(sim->dev, "vm-config: nothing names the GIC\n");
	return -EINVAL;
}

/* No memory node other than /memory, and a well-formed structure. */
static int rm_sim_dt_memory_nodes(struct gunyah_rm_sim *sim, const void *fdt)
{
	int node, depth = 0;

	/* Every node under the root; the walk ends at depth -1. */
	for (node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const char *name, *type;

		name = fdt_get_name(fdt, node, NULL);
		if (!name)
			return -EINVAL;
		type = rm_sim_dt_string(fdt, node, "device_type", NULL);
		if (depth == 1 && !strcmp(name, "memory"))
			continue;
		if ((type && !strcmp(type, "memory")) ||
		    (depth == 1 && !strncmp(name, "memory@", 7))) {
			dev_dbg(sim->dev, "vm-config: memory node %s\n", name);
			return -EINVAL;
		}
	}
	return node < 0 && node != -FDT_ERR_NOTFOUND ? -EINVAL : 0;
}

/*
 * The checks of the public RM's vm-config parser that decide whether
 * VM_INIT succeeds. Returns the number of vCPUs or a negative errno.
 */
static int rm_sim_check_fdt(struct gunyah_rm_sim *sim, const void *fdt,
			    size_t size)
{
	const char *name;
	int cfg, mem, len, n, ret;
	const void *prop;
	u64 base = 0;

	if (fdt_check_header(fdt) || fdt_totalsize(fdt) > size) {
		dev_dbg(sim->dev, "vm-config: not a devicetree\n");
		return -EINVAL;
	}
	ret = rm_sim_dt_memory_nodes(sim, fdt);
	if (ret)
		return ret;

	cfg = fdt_path_offset(fdt, "/gunyah-vm-config");
	if (cfg < 0)
		cfg = fdt_path_offset(fdt, "/qcom,vm-config");
	if (cfg < 0) {
		dev_dbg(sim->dev, "vm-config: no vm-config node\n");
		return -EINVAL;
	}
	name = rm_sim_dt_string(fdt, cfg, "image-name", &len);
	if (!name || len >= RM_SIM_IMAGE_NAME_MAX) {
		dev_dbg(sim->dev, "vm-config: bad image-name\n");
		return -EINVAL;
	}

	mem = fdt_subnode_offset(fdt, cfg, "memory");
	prop = mem >= 0 ? fdt_getprop(fdt, mem, "base-address", &len) : NULL;
	if (prop && len == sizeof(fdt64_t))
		base = fdt64_ld(prop);
	else if (prop && len == sizeof(fdt32_t))
		base = fdt32_ld(prop);
	else
		prop = NULL;
	if (!prop || !IS_ALIGNED(base, SZ_4K)) {
		dev_dbg(sim->dev, "vm-config: bad memory/base-address\n");
		return -EINVAL;
	}

	n = rm_sim_dt_vcpus(sim, fdt, cfg);
	if (n < 0)
		return n;
	ret = rm_sim_dt_gic(sim, fdt, cfg);
	if (ret)
		return ret;

	if (fdt_path_offset(fdt, "/chosen") < 0) {
		dev_dbg(sim->dev, "vm-config: no /chosen\n");
		return -EINVAL;
	}
	if (fdt_path_offset(fdt, "/hypervisor") >= 0) {
		dev_dbg(sim->dev, "vm-config: /hypervisor is the RM's\n");
		return -EINVAL;
	}
	return n;
}

/*
 * Read the VM's devicetree from its image parcel. The parcel is lent, so
 * its pages are not in the kernel's direct map: they are mapped for the
 * check, and only those between dtb_offset and the devicetree's end.
 */
static u32 rm_sim_vm_read_dt(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm)
{
	struct rm_sim_parcel *p;
	u64 map_size;
	void *fdt;
	u32 total;
	int n;

	p = rm_sim_parcel_lookup(sim, vm->image_handle);
	if (!p || !rm_sim_parcel_acl(p, vm->vmid))
		return GUNYAH_RM_ERROR_HANDLE_INVALID;

	fdt = rm_sim_parcel_vmap(p, vm->dtb_offset, PAGE_SIZE);
	if (!fdt)
		return GUNYAH_RM_ERROR_NOMEM;
	total = fdt_magic(fdt) == FDT_MAGIC ? fdt_totalsize(fdt) : 0;
	vunmap(fdt);
	if (total < sizeof(struct fdt_header) || total > vm->dtb_size) {
		dev_dbg(sim->dev, "vm %u: no devicetree, or larger than %llu bytes\n",
			vm->vmid, vm->dtb_size);
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	}

	map_size = PAGE_ALIGN(total);
	fdt = rm_sim_parcel_vmap(p, vm->dtb_offset, map_size);
	if (!fdt)
		return GUNYAH_RM_ERROR_NOMEM;
	n = rm_sim_check_fdt(sim, fdt, total);
	/* The vCPUs and the doorbells the devicetree asks for. */
	if (n >= 0)
		n = rm_sim_vm_hyp_create(sim, vm, fdt, n);
	vunmap(fdt);
	if (n == -ENOMEM)
		return GUNYAH_RM_ERROR_NOMEM;
	if (n == -ENOSPC)
		return GUNYAH_RM_ERROR_NORESOURCE;
	if (n < 0)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	return GUNYAH_RM_ERROR_OK;
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
	xa_erase(&sim->vms, vm->vmid);
	rm_sim_vm_hyp_destroy(sim, vm);
	kfree(vm);
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

	/* The image parcel: lent to this VM alone, with RWX, label 0. */
	p = rm_sim_parcel_lookup(sim, le32_to_cpu(r->mem_handle));
	if (!p || !rm_sim_parcel_acl(p, vm->vmid))
		return GUNYAH_RM_ERROR_HANDLE_INVALID;
	if (p->open || !p->lend || p->label || p->n_acl != 1 ||
	    p->acl[0].perms != GUNYAH_RM_ACL_RWX || p->n_attrs ||
	    p->mem_type != GUNYAH_RM_MEM_TYPE_NORMAL)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;

	psize = rm_sim_parcel_size(p);
	img_off = le64_to_cpu(r->image_offset);
	img_size = le64_to_cpu(r->image_size);
	dtb_off = le64_to_cpu(r->dtb_offset);
	dtb_size = le64_to_cpu(r->dtb_size);
	if (img_off > psize || img_size > psize - img_off ||
	    !dtb_size || !PAGE_ALIGNED(dtb_off) || !PAGE_ALIGNED(dtb_size) ||
	    dtb_off >= psize || dtb_size > psize - dtb_off)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;

	vm->image_handle = p->handle;
	vm->image_offset = img_off;
	vm->image_size = img_size;
	vm->dtb_offset = dtb_off;
	vm->dtb_size = dtb_size;
	rm_sim_vm_status(sim, vm, GUNYAH_RM_VM_STATUS_INIT, &req->notifs);
	return GUNYAH_RM_ERROR_OK;
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
	/* Register sets: 0 = X0..X30, 1 = PC, 2 = SP_EL1. */
	if (r->reserved || r->reg_set > 2 ||
	    (r->reg_set == 0 && r->reg_index > 30) ||
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
 * VM_INIT or VM_START fails: the VM, if it was in the state the call
 * needs, moves to INIT_FAILED, from where it can be reset. (Without that a
 * failed VM_INIT would leave the VM in INIT, where nothing can remove it.)
 *
 * Context: @sim->lock held.
 */
void rm_sim_vm_failed(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_vm_common_req *r = req->payload;
	struct rm_sim_vm *vm;
	u8 needs;

	lockdep_assert_held(&sim->lock);
	if (req->msg_id == GUNYAH_RM_RPC_VM_INIT)
		needs = GUNYAH_RM_VM_STATUS_INIT;
	else if (req->msg_id == GUNYAH_RM_RPC_VM_START)
		needs = GUNYAH_RM_VM_STATUS_READY;
	else
		return;
	if (req->len != sizeof(*r))
		return;
	vm = rm_sim_vm_lookup(sim, le16_to_cpu(r->vmid));
	if (vm && vm->state == needs)
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

	xa_for_each(&sim->vms, vmid, vm) {
		xa_erase(&sim->vms, vmid);
		rm_sim_vm_hyp_destroy(sim, vm);
		kfree(vm);
	}
}
