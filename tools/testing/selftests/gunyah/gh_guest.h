/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers to boot real guest code on Gunyah, shared by the VMMs
 * (tools/virt/gunyah/vmm/) and gunyah_guest_test: the guest devicetree the
 * public Resource Manager accepts, written with libfdt (vCPUs with PSCI, a
 * GICv3 at fixed addresses, an emulated UART, a shared buffer at a fixed
 * guest address, optionally a doorbell), a VM with a lent image and a
 * shared binding, and a vCPU thread runner that hands MMIO exits to a
 * callback.
 *
 * Guest physical layout:
 *   0x09000000  UART (emulated by the VMM, 4 KiB)
 *   GICR        GH_GUEST_GICD - ncpus * 128 KiB: the redistributors
 *   0x3fff0000  GICv3 distributor (64 KiB)
 *   0x80000000  2 MiB image binding, lent RWX: the guest code at offset 0
 *               (the boot vCPU starts there), the devicetree at 1 MiB
 *   0xc0000000  1 MiB shared binding, RW, the host keeps access; an "shm"
 *               vdevice names it by its label so the RM maps it there
 */
#ifndef __GH_GUEST_H
#define __GH_GUEST_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "gh_util.h"

#define GH_GUEST_IMAGE_GPA	GH_GUEST_BASE
#define GH_GUEST_IMAGE_SIZE	SZ_2M
#define GH_GUEST_DTB_OFFSET	SZ_1M
#define GH_GUEST_DTB_SIZE	SZ_64K
#define GH_GUEST_SHM_GPA	0xc0000000UL
#define GH_GUEST_SHM_SIZE	SZ_1M
#define GH_GUEST_SHM_LABEL	17

#define GH_GUEST_UART		0x09000000UL
#define GH_GUEST_UART_SIZE	SZ_4K
#define GH_GUEST_GICD		0x3fff0000UL
#define GH_GUEST_GICD_SIZE	SZ_64K
#define GH_GUEST_GICR_STRIDE	0x20000UL
#define GH_GUEST_GICR(ncpus)	(GH_GUEST_GICD - (ncpus) * GH_GUEST_GICR_STRIDE)

#define GH_GUEST_MAX_VCPUS	8

#define GH_GUEST_PHANDLE_GIC	1
#define GH_GUEST_PHANDLE_CLK	2

/**
 * struct gh_guest_config - what the guest's devicetree describes
 * @name: the vm-config's image-name
 * @ncpus: vCPUs (1 to %GH_GUEST_MAX_VCPUS); all but the first are started
 *	with PSCI CPU_ON
 * @shm: describe the shared binding, so the RM maps it at its address
 * @shm_label: if not 0, the shared binding keeps the label the driver's
 *	rule gives it (GH_VM_SET_MEM_LABEL is not called) and the devicetree
 *	names this one; else both use %GH_GUEST_SHM_LABEL
 * @bell_label: if not 0, a doorbell with this label the host rings through
 *	an irqfd; the guest gets it as SPI @bell_label (edge)
 */
struct gh_guest_config {
	const char *name;
	unsigned int ncpus;
	bool shm;
	uint32_t shm_label;
	uint32_t bell_label;
};

static inline int gh_guest_fdt_cpus(void *fdt, unsigned int ncpus)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	char name[16];
	unsigned int i;
	int err = 0;

	err |= fdt_begin_node(fdt, "cpus");
	err |= fdt_property_u32(fdt, "#address-cells", 1);
	err |= fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		err |= fdt_begin_node(fdt, name);
		err |= fdt_property_string(fdt, "device_type", "cpu");
		err |= fdt_property_string(fdt, "compatible", "arm,armv8");
		/* The RM maps MPIDR Aff0 = vCPU index. */
		err |= fdt_property_u32(fdt, "reg", i);
		if (i)
			err |= fdt_property_string(fdt, "enable-method", "psci");
		err |= fdt_end_node(fdt);
	}
	err |= fdt_end_node(fdt);

	/* Secondaries start with PSCI CPU_ON; the VM ends with SYSTEM_OFF. */
	err |= fdt_begin_node(fdt, "psci");
	err |= fdt_property(fdt, "compatible", psci, sizeof(psci));
	err |= fdt_property_string(fdt, "method", "hvc");
	err |= fdt_end_node(fdt);
	return err;
}

static inline int gh_guest_fdt_gic(void *fdt, unsigned int ncpus)
{
	/* PPIs 13, 14, 11, 10: secure, non-secure, virtual, hyp timers. */
	static const uint32_t timer_irqs[] = { 1, 13, 0xf08, 1, 14, 0xf08,
					       1, 11, 0xf08, 1, 10, 0xf08 };
	char name[32];
	int err = 0;

	snprintf(name, sizeof(name), "intc@%lx", GH_GUEST_GICD);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err |= gh_fdt_flag(fdt, "interrupt-controller");
	err |= fdt_property_u32(fdt, "#interrupt-cells", 3);
	err |= fdt_property_u32(fdt, "#address-cells", 0);
	err |= fdt_property_u32(fdt, "#redistributor-regions", 1);
	err |= gh_fdt_reg(fdt, GH_GUEST_GICD, GH_GUEST_GICD_SIZE,
			  GH_GUEST_GICR(ncpus), ncpus * GH_GUEST_GICR_STRIDE);
	err |= fdt_property_u32(fdt, "phandle", GH_GUEST_PHANDLE_GIC);
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "timer");
	err |= fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err |= gh_fdt_flag(fdt, "always-on");
	err |= gh_fdt_cells(fdt, "interrupts", timer_irqs, 12);
	err |= fdt_end_node(fdt);
	return err;
}

/* The UART, described so that a Linux guest's pl011 driver binds too. */
static inline int gh_guest_fdt_uart(void *fdt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	static const uint32_t irq[] = { 0, 1, 4 };	/* SPI 1, level high */
	static const uint32_t clocks[] = { GH_GUEST_PHANDLE_CLK,
					   GH_GUEST_PHANDLE_CLK };
	int err = 0;

	err |= fdt_begin_node(fdt, "apb-pclk");
	err |= fdt_property_string(fdt, "compatible", "fixed-clock");
	err |= fdt_property_u32(fdt, "#clock-cells", 0);
	err |= fdt_property_u32(fdt, "clock-frequency", 24000000);
	err |= fdt_property_u32(fdt, "phandle", GH_GUEST_PHANDLE_CLK);
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "pl011@9000000");
	err |= fdt_property(fdt, "compatible", compat, sizeof(compat));
	err |= gh_fdt_reg(fdt, GH_GUEST_UART, GH_GUEST_UART_SIZE, 0, 0);
	err |= gh_fdt_cells(fdt, "interrupts", irq, 3);
	err |= gh_fdt_cells(fdt, "clocks", clocks, 2);
	err |= fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names));
	err |= fdt_end_node(fdt);
	return err;
}

/*
 * A shared binding at a fixed address: an "shm" vdevice whose memory has
 * the binding's label and a base, so the RM accepts the parcel there at
 * VM_START and writes a /reserved-memory node with the label for the
 * guest. (A /reserved-memory node naming the label in this devicetree
 * instead makes the public RM's VM_START fail with NORESOURCE.)
 */
static inline int gh_guest_fdt_shm(void *fdt, uint32_t label, uint64_t base)
{
	char name[16];
	int err = 0;

	snprintf(name, sizeof(name), "shm-%u", label);
	err |= fdt_begin_node(fdt, name);
	err |= fdt_property_string(fdt, "vdevice-type", "shm");
	err |= gh_fdt_flag(fdt, "peer-default");
	err |= fdt_begin_node(fdt, "memory");
	err |= fdt_property_u32(fdt, "label", label);
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u64(fdt, "base", base);
	err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	return err;
}

/*
 * The vm-config the RM reads at VM_INIT: RAM at @base, proxy-scheduled
 * vCPUs; with @c->shm the shared binding, with @c->bell_label a doorbell.
 */
static inline int gh_guest_fdt_vm_config(void *fdt,
					 const struct gh_guest_config *c,
					 uint64_t base)
{
	int err = 0;

	err |= fdt_begin_node(fdt, "gunyah-vm-config");
	err |= fdt_property_string(fdt, "image-name", c->name);
	err |= fdt_property_string(fdt, "os-type", "linux");
	err |= fdt_begin_node(fdt, "memory");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 2);
	err |= fdt_property_u64(fdt, "base-address", base);
	err |= fdt_end_node(fdt);
	err |= fdt_begin_node(fdt, "vcpus");
	err |= fdt_property_string(fdt, "affinity", "proxy");
	err |= fdt_end_node(fdt);
	if (c->shm || c->bell_label)
		err |= fdt_begin_node(fdt, "vdevices");
	if (c->shm)
		err |= gh_guest_fdt_shm(fdt, c->shm_label ? c->shm_label :
					GH_GUEST_SHM_LABEL, GH_GUEST_SHM_GPA);
	if (c->bell_label) {
		/* SPI <label>, edge: the host's irqfd rings it. */
		uint32_t irq[] = { 0, c->bell_label, 1 };

		err |= fdt_begin_node(fdt, "bell");
		err |= fdt_property_string(fdt, "vdevice-type", "doorbell");
		err |= fdt_property_string(fdt, "generate", "/hypervisor/bell");
		err |= fdt_property_u32(fdt, "label", c->bell_label);
		err |= gh_fdt_flag(fdt, "peer-default");
		err |= gh_fdt_cells(fdt, "interrupts", irq, 3);
		err |= fdt_end_node(fdt);
	}
	if (c->shm || c->bell_label)
		err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	return err;
}

/* The root's properties: two-cell addresses, the GIC as interrupt parent. */
static inline int gh_guest_fdt_root(void *fdt)
{
	int err = 0;

	err |= fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 2);
	err |= fdt_property_u32(fdt, "interrupt-parent", GH_GUEST_PHANDLE_GIC);
	return err;
}

/* The guest devicetree; returns its size, or 0 if it did not fit. */
static inline uint32_t gh_guest_dtb(void *buf, size_t size,
				    const struct gh_guest_config *c)
{
	int err = gh_fdt_open(buf, size);

	if (err)
		return 0;
	err |= gh_guest_fdt_root(buf);
	err |= fdt_begin_node(buf, "chosen");
	err |= fdt_property_string(buf, "bootargs", "console=ttyAMA0 earlycon");
	err |= fdt_property_string(buf, "stdout-path", "/pl011@9000000");
	err |= fdt_end_node(buf);

	err |= gh_guest_fdt_cpus(buf, c->ncpus);
	err |= gh_guest_fdt_gic(buf, c->ncpus);
	err |= gh_guest_fdt_uart(buf);
	err |= gh_guest_fdt_vm_config(buf, c, GH_GUEST_IMAGE_GPA);
	return gh_fdt_close(buf, err);
}

/**
 * struct gh_guest_vm - a VM that runs guest code
 * @cfg: its devicetree's configuration
 * @dev: /dev/gunyah
 * @vm: the VM fd
 * @image: guest memory file of the image binding
 * @shm: guest memory file of the shared binding
 * @image_map: the image, mapped until gh_guest_vm_start() lends it
 * @shm_map: the shared binding, mapped for the VM's whole life
 * @vcpu: vCPU fds, by index
 * @run: their run structures
 * @run_size: the size of each run structure mapping
 * @vmid: the RM's vmid once started (from debugfs; -1 if unknown)
 * @failed: what failed, for a message, when a call returned -1
 */
struct gh_guest_vm {
	struct gh_guest_config cfg;
	int dev;
	int vm;
	int image;
	int shm;
	char *image_map;
	uint32_t *shm_map;
	int vcpu[GH_GUEST_MAX_VCPUS];
	struct gh_vcpu_run *run[GH_GUEST_MAX_VCPUS];
	size_t run_size;
	long long vmid;
	const char *failed;
};

#define gh_guest_fail(g, what) ({ (g)->failed = (what); -1; })

/*
 * Create the VM and its guest memory: the image file is left mapped at
 * @g->image_map for the caller to copy the guest code into; the shared
 * file stays mapped at @g->shm_map. 0, or -1 with errno and @g->failed.
 */
static inline int gh_guest_vm_create(struct gh_guest_vm *g,
				     const struct gh_guest_config *cfg)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->dev = -1;
	g->vm = -1;
	g->image = -1;
	g->shm = -1;
	g->image_map = MAP_FAILED;
	g->shm_map = MAP_FAILED;
	g->vmid = -1;
	for (i = 0; i < GH_GUEST_MAX_VCPUS; i++) {
		g->vcpu[i] = -1;
		g->run[i] = MAP_FAILED;
	}
	if (!cfg->ncpus || cfg->ncpus > GH_GUEST_MAX_VCPUS) {
		errno = EINVAL;
		return gh_guest_fail(g, "vCPU count");
	}
	g->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (g->dev < 0)
		return gh_guest_fail(g, "open " GH_DEV);
	g->vm = ioctl(g->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	if (g->vm < 0)
		return gh_guest_fail(g, "GH_CREATE_VM");
	g->image = gh_create_mem(g->dev, GH_GUEST_IMAGE_SIZE,
				 GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE);
	if (g->image < 0)
		return gh_guest_fail(g, "GH_CREATE_GUEST_MEM (image)");
	g->image_map = mmap(NULL, GH_GUEST_IMAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED, g->image, 0);
	if (g->image_map == MAP_FAILED)
		return gh_guest_fail(g, "mmap of the image");
	g->shm = gh_create_mem(g->dev, GH_GUEST_SHM_SIZE, GHMF_CLOEXEC);
	if (g->shm < 0)
		return gh_guest_fail(g, "GH_CREATE_GUEST_MEM (shared)");
	g->shm_map = mmap(NULL, GH_GUEST_SHM_SIZE, PROT_READ | PROT_WRITE,
			  MAP_SHARED, g->shm, 0);
	if (g->shm_map == MAP_FAILED)
		return gh_guest_fail(g, "mmap of the shared binding");
	return 0;
}

/* vCPU @i and its run structure. */
static inline int gh_guest_add_vcpu(struct gh_guest_vm *g, unsigned int i)
{
	struct gh_fn_vcpu_arg arg = { .id = i };
	struct gh_fn_desc desc = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (uintptr_t)&arg,
	};
	int size;

	g->vcpu[i] = ioctl(g->vm, GH_VM_ADD_FUNCTION, &desc);
	if (g->vcpu[i] < 0)
		return gh_guest_fail(g, "GH_VM_ADD_FUNCTION (vCPU)");
	size = ioctl(g->vcpu[i], GH_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct gh_vcpu_run)) {
		if (size >= 0)
			errno = EINVAL;
		return gh_guest_fail(g, "GH_VCPU_MMAP_SIZE");
	}
	g->run_size = size;
	g->run[i] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 g->vcpu[i], 0);
	if (g->run[i] == MAP_FAILED)
		return gh_guest_fail(g, "mmap of a vCPU run structure");
	return 0;
}

/*
 * Write the devicetree, give up the image mapping (it is lent), bind both
 * files, add the vCPUs and start the VM. 0, or -1 with errno and
 * @g->failed.
 */
static inline int gh_guest_vm_start(struct gh_guest_vm *g)
{
	struct gh_vm_dtb_config dtb = {
		.guest_phys_addr = GH_GUEST_IMAGE_GPA + GH_GUEST_DTB_OFFSET,
		.size = GH_GUEST_DTB_SIZE,
	};
	struct gh_mem_label label = {
		.guest_addr = GH_GUEST_SHM_GPA,
		.label = GH_GUEST_SHM_LABEL,
	};
	unsigned int i;

	if (!gh_guest_dtb(g->image_map + GH_GUEST_DTB_OFFSET, GH_GUEST_DTB_SIZE,
			  &g->cfg)) {
		errno = ENOSPC;
		return gh_guest_fail(g, "writing the devicetree");
	}
	munmap(g->image_map, GH_GUEST_IMAGE_SIZE);
	g->image_map = MAP_FAILED;

	if (gh_map(g->vm, g->image, GH_GUEST_IMAGE_GPA, 0, GH_GUEST_IMAGE_SIZE,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX))
		return gh_guest_fail(g, "GH_VM_MAP_MEM (image)");
	if (gh_map(g->vm, g->shm, GH_GUEST_SHM_GPA, 0, GH_GUEST_SHM_SIZE,
		   GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE))
		return gh_guest_fail(g, "GH_VM_MAP_MEM (shared)");
	if (!g->cfg.shm_label && ioctl(g->vm, GH_VM_SET_MEM_LABEL, &label))
		return gh_guest_fail(g, "GH_VM_SET_MEM_LABEL");
	if (ioctl(g->vm, GH_VM_SET_DTB_CONFIG, &dtb))
		return gh_guest_fail(g, "GH_VM_SET_DTB_CONFIG");
	for (i = 0; i < g->cfg.ncpus; i++)
		if (gh_guest_add_vcpu(g, i))
			return -1;
	if (ioctl(g->vm, GH_VM_START, 0))
		return gh_guest_fail(g, "GH_VM_START");
	g->vmid = gh_vm_vmid(g->vm);
	return 0;
}

static inline void gh_guest_vm_destroy(struct gh_guest_vm *g)
{
	unsigned int i;

	for (i = 0; i < GH_GUEST_MAX_VCPUS; i++) {
		if (g->run[i] != MAP_FAILED)
			munmap(g->run[i], g->run_size);
		if (g->vcpu[i] >= 0)
			close(g->vcpu[i]);
		g->run[i] = MAP_FAILED;
		g->vcpu[i] = -1;
	}
	if (g->image_map != MAP_FAILED)
		munmap(g->image_map, GH_GUEST_IMAGE_SIZE);
	if (g->shm_map != MAP_FAILED)
		munmap(g->shm_map, GH_GUEST_SHM_SIZE);
	g->image_map = MAP_FAILED;
	g->shm_map = MAP_FAILED;
	if (g->vm >= 0)
		close(g->vm);
	if (g->image >= 0)
		close(g->image);
	if (g->shm >= 0)
		close(g->shm);
	if (g->dev >= 0)
		close(g->dev);
	g->vm = -1;
	g->image = -1;
	g->shm = -1;
	g->dev = -1;
}

/* True when the in-kernel RM simulator answers instead of a hypervisor. */
static inline bool gh_guest_on_sim(void)
{
	return access(GH_SIM "/control", F_OK) == 0;
}

/**
 * struct gh_vcpu_thread - a thread that runs one vCPU until the VM stops
 * @g: the VM
 * @index: the vCPU
 * @on_mmio: handles an MMIO exit: for a read, fills run->mmio.data; sets
 *	run->mmio.resume_action. Called on the vCPU's thread.
 * @priv: for @on_mmio
 * @thread: the thread
 * @stop: set to make the thread give up (with a signal to end a run);
 *	atomic
 * @done: the thread has finished; atomic
 * @exits: MMIO exits handled
 * @status: for a %GH_VCPU_EXIT_STATUS: run->status.status; else 0
 * @exit_type: for a %GH_VCPU_EXIT_STATUS: the RM's exit type
 * @exit_reason: the exit that ended the thread (an &enum gh_vcpu_exit)
 * @error: errno of a failed GH_VCPU_RUN, 0 if none
 * @stopped: it ended because of @stop
 */
struct gh_vcpu_thread {
	struct gh_guest_vm *g;
	unsigned int index;
	void (*on_mmio)(struct gh_vcpu_thread *t, struct gh_vcpu_run *run);
	void *priv;
	pthread_t thread;
	bool stop;
	bool done;
	unsigned long exits;
	uint32_t status;
	uint16_t exit_type;
	uint32_t exit_reason;
	int error;
	bool stopped;
};

static inline void *gh_vcpu_thread_fn(void *arg)
{
	struct gh_vcpu_thread *t = arg;
	struct gh_vcpu_run *run = t->g->run[t->index];
	int fd = t->g->vcpu[t->index];

	for (;;) {
		if (__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
			t->stopped = true;
			break;
		}
		if (ioctl(fd, GH_VCPU_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			t->error = errno;
			break;
		}
		t->exit_reason = run->exit_reason;
		if (run->exit_reason == GH_VCPU_EXIT_MMIO) {
			t->exits++;
			run->mmio.resume_action = GH_VCPU_RESUME_FAULT;
			if (t->on_mmio)
				t->on_mmio(t, run);
			continue;
		}
		if (run->exit_reason == GH_VCPU_EXIT_STATUS) {
			t->status = run->status.status;
			t->exit_type = run->status.exit_info.type;
			break;
		}
		if (run->exit_reason != GH_VCPU_EXIT_UNKNOWN)
			break;	/* a page fault, or something new: give up */
	}
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static inline void gh_vcpu_thread_sig(int sig)
{
}

/* Start a thread per vCPU of the VM; 0 or -1 (errno). */
static inline int gh_vcpu_threads_start(struct gh_guest_vm *g,
					struct gh_vcpu_thread *t,
					void (*on_mmio)(struct gh_vcpu_thread *,
							struct gh_vcpu_run *),
					void *priv)
{
	struct sigaction sa = { .sa_handler = gh_vcpu_thread_sig };
	unsigned int i;
	int ret;

	/* No SA_RESTART: the signal ends a run that sleeps. */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	for (i = 0; i < g->cfg.ncpus; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].g = g;
		t[i].index = i;
		t[i].on_mmio = on_mmio;
		t[i].priv = priv;
		ret = pthread_create(&t[i].thread, NULL, gh_vcpu_thread_fn, &t[i]);
		if (ret) {
			while (i--) {
				__atomic_store_n(&t[i].stop, true, __ATOMIC_RELEASE);
				pthread_kill(t[i].thread, SIGUSR1);
				pthread_join(t[i].thread, NULL);
			}
			errno = ret;
			return -1;
		}
	}
	return 0;
}

static inline bool gh_vcpu_threads_done(struct gh_vcpu_thread *t,
					unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/*
 * Wait up to @timeout_ms for every vCPU thread to end by itself; those
 * still running are then stopped with SIGUSR1 (and marked stopped). All
 * are joined. Returns the number of threads that had to be stopped.
 */
static inline unsigned int gh_vcpu_threads_join(struct gh_vcpu_thread *t,
						unsigned int n,
						unsigned int timeout_ms)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int i, waited = 0, stopped = 0;

	while (!gh_vcpu_threads_done(t, n) && waited < timeout_ms) {
		nanosleep(&tick, NULL);
		waited += 10;
	}
	for (i = 0; i < n; i++) {
		if (__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&t[i].stop, true, __ATOMIC_RELEASE);
		stopped++;
		while (!__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE)) {
			pthread_kill(t[i].thread, SIGUSR1);
			nanosleep(&tick, NULL);
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i].thread, NULL);
	return stopped;
}

/* Wait up to @timeout_ms for the threads to end by themselves. */
static inline bool gh_vcpu_threads_wait(struct gh_vcpu_thread *t,
					unsigned int n, unsigned int timeout_ms)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int waited = 0;

	while (!gh_vcpu_threads_done(t, n) && waited < timeout_ms) {
		nanosleep(&tick, NULL);
		waited += 10;
	}
	return gh_vcpu_threads_done(t, n);
}

#endif /* __GH_GUEST_H */
