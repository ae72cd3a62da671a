/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal flattened-devicetree writer for the Gunyah selftests: enough to
 * build the guest devicetree the Resource Manager checks at VM_INIT.
 */
#ifndef __GH_FDT_H
#define __GH_FDT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define GH_FDT_MAGIC		0xd00dfeed
#define GH_FDT_BEGIN_NODE	1
#define GH_FDT_END_NODE		2
#define GH_FDT_PROP		3
#define GH_FDT_END		9

struct gh_fdt {
	uint8_t *buf;
	size_t size;
	uint32_t off;		/* end of the structure block so far */
	char strings[1024];
	uint32_t strings_len;
	int error;
};

static inline void gh_fdt_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void gh_fdt_emit(struct gh_fdt *f, const void *data, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	if (f->off + padded > f->size) {
		f->error = 1;
		return;
	}
	memset(f->buf + f->off, 0, padded);
	memcpy(f->buf + f->off, data, len);
	f->off += padded;
}

static inline void gh_fdt_token(struct gh_fdt *f, uint32_t token)
{
	uint8_t b[4];

	gh_fdt_put32(b, token);
	gh_fdt_emit(f, b, 4);
}

/* Start a tree in buf (size bytes); the header is written by gh_fdt_finish. */
static inline void gh_fdt_init(struct gh_fdt *f, void *buf, size_t size)
{
	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->size = size;
	/* 40-byte header, then an empty memory reservation map (16 bytes). */
	f->off = 40;
	memset(f->buf, 0, 56);
	f->off = 56;
}

static inline void gh_fdt_begin(struct gh_fdt *f, const char *name)
{
	gh_fdt_token(f, GH_FDT_BEGIN_NODE);
	gh_fdt_emit(f, name, strlen(name) + 1);
}

static inline void gh_fdt_end(struct gh_fdt *f)
{
	gh_fdt_token(f, GH_FDT_END_NODE);
}

static inline uint32_t gh_fdt_string(struct gh_fdt *f, const char *name)
{
	uint32_t i = 0, len = strlen(name) + 1;

	while (i < f->strings_len) {
		if (!strcmp(f->strings + i, name))
			return i;
		i += strlen(f->strings + i) + 1;
	}
	if (f->strings_len + len > sizeof(f->strings)) {
		f->error = 1;
		return 0;
	}
	memcpy(f->strings + f->strings_len, name, len);
	f->strings_len += len;
	return i;
}

static inline void gh_fdt_prop(struct gh_fdt *f, const char *name,
			       const void *val, uint32_t len)
{
	uint8_t b[8];

	gh_fdt_token(f, GH_FDT_PROP);
	gh_fdt_put32(b, len);
	gh_fdt_put32(b + 4, gh_fdt_string(f, name));
	gh_fdt_emit(f, b, 8);
	if (len)
		gh_fdt_emit(f, val, len);
}

static inline void gh_fdt_prop_str(struct gh_fdt *f, const char *name,
				   const char *s)
{
	gh_fdt_prop(f, name, s, strlen(s) + 1);
}

static inline void gh_fdt_prop_u32(struct gh_fdt *f, const char *name,
				   uint32_t v)
{
	uint8_t b[4];

	gh_fdt_put32(b, v);
	gh_fdt_prop(f, name, b, 4);
}

static inline void gh_fdt_prop_u64(struct gh_fdt *f, const char *name,
				   uint64_t v)
{
	uint8_t b[8];

	gh_fdt_put32(b, v >> 32);
	gh_fdt_put32(b + 4, v);
	gh_fdt_prop(f, name, b, 8);
}

/* Close the tree; returns its total size, or 0 if it did not fit. */
static inline uint32_t gh_fdt_finish(struct gh_fdt *f)
{
	uint32_t struct_off = 56, struct_size, strings_off, total;

	gh_fdt_token(f, GH_FDT_END);
	struct_size = f->off - struct_off;
	strings_off = f->off;
	if (f->error || strings_off + f->strings_len > f->size)
		return 0;
	memcpy(f->buf + strings_off, f->strings, f->strings_len);
	total = strings_off + f->strings_len;

	gh_fdt_put32(f->buf + 0, GH_FDT_MAGIC);
	gh_fdt_put32(f->buf + 4, total);
	gh_fdt_put32(f->buf + 8, struct_off);
	gh_fdt_put32(f->buf + 12, strings_off);
	gh_fdt_put32(f->buf + 16, 40);		/* memory reservation map */
	gh_fdt_put32(f->buf + 20, 17);		/* version */
	gh_fdt_put32(f->buf + 24, 16);		/* last compatible version */
	gh_fdt_put32(f->buf + 28, 0);		/* boot cpu */
	gh_fdt_put32(f->buf + 32, f->strings_len);
	gh_fdt_put32(f->buf + 36, struct_size);
	return total;
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
	struct gh_fdt f;
	char name[16];
	unsigned int i;

	gh_fdt_init(&f, buf, size);
	gh_fdt_begin(&f, "");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u32(&f, "interrupt-parent", 1);

	gh_fdt_begin(&f, "chosen");
	gh_fdt_prop_str(&f, "bootargs", "console=ttyS0");
	gh_fdt_end(&f);

	gh_fdt_begin(&f, "cpus");
	gh_fdt_prop_u32(&f, "#address-cells", 1);
	gh_fdt_prop_u32(&f, "#size-cells", 0);
	for (i = 0; i < ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		gh_fdt_begin(&f, name);
		gh_fdt_prop_str(&f, "device_type", "cpu");
		gh_fdt_prop_str(&f, "compatible", "arm,armv8");
		gh_fdt_prop_u32(&f, "reg", i);
		if (i)
			gh_fdt_prop_str(&f, "enable-method", "psci");
		gh_fdt_end(&f);
	}
	gh_fdt_end(&f);

	gh_fdt_begin(&f, "intc@3fff0000");
	gh_fdt_prop_str(&f, "compatible", "arm,gic-v3");
	gh_fdt_prop(&f, "interrupt-controller", NULL, 0);
	gh_fdt_prop_u32(&f, "#interrupt-cells", 3);
	gh_fdt_prop_u32(&f, "phandle", 1);
	gh_fdt_end(&f);

	gh_fdt_begin(&f, "gunyah-vm-config");
	gh_fdt_prop_str(&f, "image-name", "selftest-vm");
	gh_fdt_prop_str(&f, "os-type", "linux");
	gh_fdt_begin(&f, "memory");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u64(&f, "base-address", base);
	gh_fdt_end(&f);
	gh_fdt_begin(&f, "vcpus");
	gh_fdt_prop_str(&f, "affinity", "proxy");
	gh_fdt_end(&f);
	if (bell_label || rm_link)
		gh_fdt_begin(&f, "vdevices");
	if (rm_link) {
		gh_fdt_begin(&f, "rm-rpc");
		gh_fdt_prop_str(&f, "vdevice-type", "rm-rpc");
		gh_fdt_prop_str(&f, "generate", "/hypervisor/qcom,resource-mgr");
		gh_fdt_prop_u32(&f, "message-size", 240);
		gh_fdt_prop_u32(&f, "queue-depth", 8);
		gh_fdt_end(&f);
	}
	if (bell_label) {
		uint8_t irq[12];

		gh_fdt_begin(&f, "bell");
		gh_fdt_prop_str(&f, "vdevice-type", "doorbell");
		gh_fdt_prop_str(&f, "generate", "/hypervisor/bell");
		gh_fdt_prop_u32(&f, "label", bell_label);
		gh_fdt_prop(&f, "peer-default", NULL, 0);
		gh_fdt_put32(irq, 0);		/* SPI */
		gh_fdt_put32(irq + 4, bell_label);
		gh_fdt_put32(irq + 8, 1);	/* edge */
		gh_fdt_prop(&f, "interrupts", irq, sizeof(irq));
		gh_fdt_end(&f);
	}
	if (bell_label || rm_link)
		gh_fdt_end(&f);
	gh_fdt_end(&f);

	gh_fdt_end(&f);
	return gh_fdt_finish(&f);
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
