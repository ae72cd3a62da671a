/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Devicetree helpers for the Gunyah selftests and VMMs, on libfdt's
 * sequential-write API (the kernel tree's scripts/dtc/libfdt, compiled
 * into each program): the property shapes the guest devicetrees need, and
 * the minimal guest devicetree the Resource Manager checks at VM_INIT.
 *
 * The writers accumulate libfdt's return codes by OR: any non-zero result
 * means that some call failed (most likely the buffer was too small).
 */
#ifndef __GH_FDT_H
#define __GH_FDT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

/* A property of 32-bit cells (at most 16). */
static inline int gh_fdt_cells(void *fdt, const char *name,
			       const uint32_t *cells, unsigned int n)
{
	fdt32_t buf[16];
	unsigned int i;

	for (i = 0; i < n && i < 16; i++)
		buf[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, buf, i * sizeof(fdt32_t));
}

/* A "reg" of one <address size> pair, or two if s1 is not 0; 2 cells each. */
static inline int gh_fdt_reg(void *fdt, uint64_t a0, uint64_t s0, uint64_t a1,
			     uint64_t s1)
{
	fdt64_t reg[4] = { cpu_to_fdt64(a0), cpu_to_fdt64(s0),
			   cpu_to_fdt64(a1), cpu_to_fdt64(s1) };

	return fdt_property(fdt, "reg", reg, s1 ? sizeof(reg) : sizeof(reg) / 2);
}

/* An empty (boolean) property. */
static inline int gh_fdt_flag(void *fdt, const char *name)
{
	return fdt_property(fdt, name, NULL, 0);
}

/* Start a tree of at most size bytes in buf, with its root node open. */
static inline int gh_fdt_open(void *buf, size_t size)
{
	int err = fdt_create(buf, size);

	if (err)
		return err;
	err |= fdt_finish_reservemap(buf);
	err |= fdt_begin_node(buf, "");
	return err;
}

/*
 * Close the root node and the tree; returns its total size, or 0 if err
 * (the writers' accumulated result) or this last step failed.
 */
static inline uint32_t gh_fdt_close(void *fdt, int err)
{
	err |= fdt_end_node(fdt);
	err |= fdt_finish(fdt);
	if (err || fdt_check_header(fdt))
		return 0;
	return fdt_totalsize(fdt);
}

/*
 * The guest devicetree the public RM accepts: a vm-config with image-name,
 * base-address and proxy vCPUs, a GICv3 node, /chosen, no /hypervisor;
 * with bell_label non-zero, also a doorbell the host can ring (an irqfd);
 * with rm_link, an RM RPC link for the guest (an "rm-rpc" vdevice), which
 * memory given while the guest runs needs.
 */
static inline uint32_t gh_fdt_guest_cfg(void *buf, size_t size,
					uint64_t base, unsigned int ncpus,
					uint32_t bell_label, bool rm_link)
{
	char name[16];
	unsigned int i;
	int err;

	err = gh_fdt_open(buf, size);
	if (err)
		return 0;
	err |= fdt_property_u32(buf, "#address-cells", 2);
	err |= fdt_property_u32(buf, "#size-cells", 2);
	err |= fdt_property_u32(buf, "interrupt-parent", 1);

	err |= fdt_begin_node(buf, "chosen");
	err |= fdt_property_string(buf, "bootargs", "console=ttyS0");
	err |= fdt_end_node(buf);

	err |= fdt_begin_node(buf, "cpus");
	err |= fdt_property_u32(buf, "#address-cells", 1);
	err |= fdt_property_u32(buf, "#size-cells", 0);
	for (i = 0; i < ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		err |= fdt_begin_node(buf, name);
		err |= fdt_property_string(buf, "device_type", "cpu");
		err |= fdt_property_string(buf, "compatible", "arm,armv8");
		err |= fdt_property_u32(buf, "reg", i);
		if (i)
			err |= fdt_property_string(buf, "enable-method", "psci");
		err |= fdt_end_node(buf);
	}
	err |= fdt_end_node(buf);

	err |= fdt_begin_node(buf, "intc@3fff0000");
	err |= fdt_property_string(buf, "compatible", "arm,gic-v3");
	err |= gh_fdt_flag(buf, "interrupt-controller");
	err |= fdt_property_u32(buf, "#interrupt-cells", 3);
	err |= fdt_property_u32(buf, "phandle", 1);
	err |= fdt_end_node(buf);

	err |= fdt_begin_node(buf, "gunyah-vm-config");
	err |= fdt_property_string(buf, "image-name", "selftest-vm");
	err |= fdt_property_string(buf, "os-type", "linux");
	err |= fdt_begin_node(buf, "memory");
	err |= fdt_property_u32(buf, "#address-cells", 2);
	err |= fdt_property_u32(buf, "#size-cells", 2);
	err |= fdt_property_u64(buf, "base-address", base);
	err |= fdt_end_node(buf);
	err |= fdt_begin_node(buf, "vcpus");
	err |= fdt_property_string(buf, "affinity", "proxy");
	err |= fdt_end_node(buf);
	if (bell_label || rm_link)
		err |= fdt_begin_node(buf, "vdevices");
	if (rm_link) {
		err |= fdt_begin_node(buf, "rm-rpc");
		err |= fdt_property_string(buf, "vdevice-type", "rm-rpc");
		err |= fdt_property_string(buf, "generate",
					   "/hypervisor/qcom,resource-mgr");
		err |= fdt_property_u32(buf, "message-size", 240);
		err |= fdt_property_u32(buf, "queue-depth", 8);
		err |= fdt_end_node(buf);
	}
	if (bell_label) {
		/* SPI <label>, edge. */
		uint32_t irq[] = { 0, bell_label, 1 };

		err |= fdt_begin_node(buf, "bell");
		err |= fdt_property_string(buf, "vdevice-type", "doorbell");
		err |= fdt_property_string(buf, "generate", "/hypervisor/bell");
		err |= fdt_property_u32(buf, "label", bell_label);
		err |= gh_fdt_flag(buf, "peer-default");
		err |= gh_fdt_cells(buf, "interrupts", irq, 3);
		err |= fdt_end_node(buf);
	}
	if (bell_label || rm_link)
		err |= fdt_end_node(buf);
	err |= fdt_end_node(buf);

	return gh_fdt_close(buf, err);
}

static inline uint32_t gh_fdt_guest_bell(void *buf, size_t size,
					 uint64_t base, unsigned int ncpus,
					 uint32_t bell_label)
{
	return gh_fdt_guest_cfg(buf, size, base, ncpus, bell_label, false);
}

static inline uint32_t gh_fdt_guest(void *buf, size_t size, uint64_t base,
				    unsigned int ncpus)
{
	return gh_fdt_guest_cfg(buf, size, base, ncpus, 0, false);
}

#endif /* __GH_FDT_H */
