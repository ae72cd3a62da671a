// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks the public RM makes on a guest's devicetree at VM_INIT, as
 * the simulated RM makes them: the vm-config node, its vCPUs, the GIC and
 * the memory nodes. A devicetree it refuses puts the VM in INIT_FAILED.
 *
 * Locking: called from VM_INIT with the simulator's @lock held; the
 * devicetree is read from a temporary mapping of the lent image parcel.
 */

#include <linux/device.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "rm_sim.h"

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

/**
 * rm_sim_vm_read_dt() - check the VM's devicetree at VM_INIT
 * @sim: the simulated RM
 * @vm: the VM, configured with its image
 *
 * Reads the devicetree from the image parcel. The parcel is lent, so its
 * pages are not in the kernel's direct map: they are mapped for the check,
 * and only those between dtb_offset and the devicetree's end. The vCPUs
 * and doorbells it asks for are created.
 *
 * Context: @sim->lock held.
 * Return: an RM error code.
 */
u32 rm_sim_vm_read_dt(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm)
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
