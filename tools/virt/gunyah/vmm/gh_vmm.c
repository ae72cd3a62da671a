// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal example VMM for /dev/gunyah: boots a flat arm64 binary as a
 * Gunyah guest with one proxy-scheduled vCPU and emulates a PL011-style
 * UART for it through MMIO exits.
 *
 * Usage: gh_vmm [--sim] GUEST.BIN
 *
 * Guest physical layout:
 *   0x09000000  UART (emulated here, 4 KiB)
 *   0x3ffd0000  GICv3 redistributor (128 KiB), 0x3fff0000 distributor
 *   0x80000000  2 MiB image binding, lent RWX: the guest binary at offset
 *               0 (the boot vCPU starts there), the devicetree at 1 MiB
 *               (64 KiB reserved, with room for the Resource Manager's
 *               overlay)
 *   0xc0000000  1 MiB shared binding, RW, the host keeps access
 *
 * With --sim, or when the in-kernel Resource Manager simulator is present,
 * no guest code runs: the simulator is told to make vCPU 0 do what the
 * guest binary does (the same UART writes, then power off), so the vCPU
 * loop sees the same exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gh_util.h"

#define IMAGE_GPA	GH_GUEST_BASE
#define IMAGE_SIZE	SZ_2M
#define DTB_OFFSET	SZ_1M
#define DTB_SIZE	SZ_64K
#define SHM_GPA		0xc0000000UL
#define SHM_SIZE	SZ_1M

#define UART_GPA	0x09000000UL
#define UART_SIZE	SZ_4K
#define UART_DR		0x00
#define GICD_GPA	0x3fff0000UL
#define GICD_SIZE	SZ_64K
#define GICR_GPA	0x3ffd0000UL
#define GICR_SIZE	0x20000UL

#define PHANDLE_GIC	1
#define PHANDLE_CLK	2

#define GUEST_MESSAGE	"Hello from a Gunyah guest\n"

struct vmm {
	int dev;
	int vm;
	int image;
	int shm;
	int vcpu;
	struct gh_vcpu_run *run;
	size_t run_size;
	bool at_line_start;
};

static void die(const char *what)
{
	fprintf(stderr, "gh_vmm: %s failed: %s\n", what, strerror(errno));
	exit(1);
}

/* A property of 32-bit cells, as the devicetree stores them (big endian). */
static void fdt_cells(struct gh_fdt *f, const char *name, const uint32_t *cells,
		      unsigned int n)
{
	uint8_t buf[64];
	unsigned int i;

	for (i = 0; i < n && i < sizeof(buf) / 4; i++)
		gh_fdt_put32(buf + 4 * i, cells[i]);
	gh_fdt_prop(f, name, buf, 4 * i);
}

/* A "reg" of one or two <address size> pairs, two cells each. */
static void fdt_reg(struct gh_fdt *f, uint64_t a0, uint64_t s0, uint64_t a1,
		    uint64_t s1)
{
	uint32_t cells[] = { a0 >> 32, a0, s0 >> 32, s0,
			     a1 >> 32, a1, s1 >> 32, s1 };

	fdt_cells(f, "reg", cells, s1 ? 8 : 4);
}

static void fdt_vm_config(struct gh_fdt *f)
{
	gh_fdt_begin(f, "gunyah-vm-config");
	gh_fdt_prop_str(f, "image-name", "gh_vmm-example");
	gh_fdt_prop_str(f, "os-type", "linux");
	gh_fdt_begin(f, "memory");
	gh_fdt_prop_u32(f, "#address-cells", 2);
	gh_fdt_prop_u32(f, "#size-cells", 2);
	gh_fdt_prop_u64(f, "base-address", IMAGE_GPA);
	gh_fdt_end(f);
	gh_fdt_begin(f, "vcpus");
	gh_fdt_prop_str(f, "affinity", "proxy");
	gh_fdt_end(f);
	gh_fdt_end(f);
}

static void fdt_cpus(struct gh_fdt *f)
{
	gh_fdt_begin(f, "cpus");
	gh_fdt_prop_u32(f, "#address-cells", 1);
	gh_fdt_prop_u32(f, "#size-cells", 0);
	gh_fdt_begin(f, "cpu@0");
	gh_fdt_prop_str(f, "device_type", "cpu");
	gh_fdt_prop_str(f, "compatible", "arm,armv8");
	gh_fdt_prop_u32(f, "reg", 0);
	gh_fdt_end(f);
	gh_fdt_end(f);

	/* The guest powers off with PSCI SYSTEM_OFF. */
	gh_fdt_begin(f, "psci");
	gh_fdt_prop(f, "compatible", "arm,psci-1.0\0arm,psci-0.2",
		    sizeof("arm,psci-1.0\0arm,psci-0.2"));
	gh_fdt_prop_str(f, "method", "hvc");
	gh_fdt_end(f);
}

static void fdt_interrupts(struct gh_fdt *f)
{
	/* PPIs 13, 14, 11, 10: secure, non-secure, virtual, hyp timers. */
	static const uint32_t timer_irqs[] = { 1, 13, 0xf08, 1, 14, 0xf08,
					       1, 11, 0xf08, 1, 10, 0xf08 };

	gh_fdt_begin(f, "intc@3fff0000");
	gh_fdt_prop_str(f, "compatible", "arm,gic-v3");
	gh_fdt_prop(f, "interrupt-controller", NULL, 0);
	gh_fdt_prop_u32(f, "#interrupt-cells", 3);
	gh_fdt_prop_u32(f, "#address-cells", 0);
	gh_fdt_prop_u32(f, "#redistributor-regions", 1);
	fdt_reg(f, GICD_GPA, GICD_SIZE, GICR_GPA, GICR_SIZE);
	gh_fdt_prop_u32(f, "phandle", PHANDLE_GIC);
	gh_fdt_end(f);

	gh_fdt_begin(f, "timer");
	gh_fdt_prop_str(f, "compatible", "arm,armv8-timer");
	gh_fdt_prop(f, "always-on", NULL, 0);
	fdt_cells(f, "interrupts", timer_irqs, 12);
	gh_fdt_end(f);
}

/* The UART, described so that a Linux guest's pl011 driver binds too. */
static void fdt_uart(struct gh_fdt *f)
{
	static const uint32_t irq[] = { 0, 1, 4 };	/* SPI 1, level high */
	static const uint32_t clocks[] = { PHANDLE_CLK, PHANDLE_CLK };

	gh_fdt_begin(f, "apb-pclk");
	gh_fdt_prop_str(f, "compatible", "fixed-clock");
	gh_fdt_prop_u32(f, "#clock-cells", 0);
	gh_fdt_prop_u32(f, "clock-frequency", 24000000);
	gh_fdt_prop_u32(f, "phandle", PHANDLE_CLK);
	gh_fdt_end(f);

	gh_fdt_begin(f, "pl011@9000000");
	gh_fdt_prop(f, "compatible", "arm,pl011\0arm,primecell",
		    sizeof("arm,pl011\0arm,primecell"));
	fdt_reg(f, UART_GPA, UART_SIZE, 0, 0);
	fdt_cells(f, "interrupts", irq, 3);
	fdt_cells(f, "clocks", clocks, 2);
	gh_fdt_prop(f, "clock-names", "uartclk\0apb_pclk",
		    sizeof("uartclk\0apb_pclk"));
	gh_fdt_end(f);
}

/* The guest devicetree, in the form the public Resource Manager accepts. */
static uint32_t build_dtb(void *buf, size_t size)
{
	struct gh_fdt f;

	gh_fdt_init(&f, buf, size);
	gh_fdt_begin(&f, "");
	gh_fdt_prop_str(&f, "compatible", "linux,dummy-virt");
	gh_fdt_prop_u32(&f, "#address-cells", 2);
	gh_fdt_prop_u32(&f, "#size-cells", 2);
	gh_fdt_prop_u32(&f, "interrupt-parent", PHANDLE_GIC);

	gh_fdt_begin(&f, "chosen");
	gh_fdt_prop_str(&f, "bootargs", "console=ttyAMA0 earlycon");
	gh_fdt_prop_str(&f, "stdout-path", "/pl011@9000000");
	gh_fdt_end(&f);

	fdt_cpus(&f);
	fdt_interrupts(&f);
	fdt_uart(&f);
	fdt_vm_config(&f);

	gh_fdt_end(&f);
	return gh_fdt_finish(&f);
}

/* Read the guest binary into buf; returns its size. */
static size_t load_file(const char *path, void *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;
	char extra;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	while ((n = read(fd, (char *)buf + len, max - len)) > 0)
		len += n;
	if (n < 0)
		die(path);
	if (len == max && read(fd, &extra, 1) > 0) {
		errno = EFBIG;
		die("guest binary (over 1 MiB)");
	}
	close(fd);
	return len;
}

/* Guest memory for the image: the binary at 0, the devicetree after it. */
static void create_image(struct vmm *v, const char *path)
{
	size_t len;
	uint32_t dtb_len;
	char *p;

	v->image = gh_create_mem(v->dev, IMAGE_SIZE, GHMF_CLOEXEC);
	if (v->image < 0)
		die("GH_CREATE_GUEST_MEM (image)");
	p = mmap(NULL, IMAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 v->image, 0);
	if (p == MAP_FAILED)
		die("mmap of the image");
	len = load_file(path, p, DTB_OFFSET);
	dtb_len = build_dtb(p + DTB_OFFSET, DTB_SIZE);
	if (!dtb_len) {
		errno = ENOSPC;
		die("devicetree");
	}
	munmap(p, IMAGE_SIZE);
	printf("gh_vmm: guest %s: %zu bytes at %#lx, devicetree %u bytes at %#lx\n",
	       path, len, IMAGE_GPA, dtb_len, IMAGE_GPA + DTB_OFFSET);
}

/* Bind the image (lent) and a shared buffer, and say where the DTB is. */
static void map_memory(struct vmm *v)
{
	struct gh_vm_dtb_config dtb = {
		.guest_phys_addr = IMAGE_GPA + DTB_OFFSET,
		.size = DTB_SIZE,
	};

	if (gh_map(v->vm, v->image, IMAGE_GPA, 0, IMAGE_SIZE,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX))
		die("GH_VM_MAP_MEM (image)");

	v->shm = gh_create_mem(v->dev, SHM_SIZE, GHMF_CLOEXEC);
	if (v->shm < 0)
		die("GH_CREATE_GUEST_MEM (shared)");
	if (gh_map(v->vm, v->shm, SHM_GPA, 0, SHM_SIZE, GH_MEM_FORCE_SHARE |
		   GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE))
		die("GH_VM_MAP_MEM (shared)");

	if (ioctl(v->vm, GH_VM_SET_DTB_CONFIG, &dtb))
		die("GH_VM_SET_DTB_CONFIG");
}

/* vCPU 0 and its run structure. */
static void add_vcpu(struct vmm *v)
{
	struct gh_fn_vcpu_arg arg = { .id = 0 };
	struct gh_fn_desc desc = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (uintptr_t)&arg,
	};
	int size;

	v->vcpu = ioctl(v->vm, GH_VM_ADD_FUNCTION, &desc);
	if (v->vcpu < 0)
		die("GH_VM_ADD_FUNCTION (vCPU 0)");
	size = ioctl(v->vcpu, GH_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(*v->run)) {
		if (size >= 0)
			errno = EINVAL;
		die("GH_VCPU_MMAP_SIZE");
	}
	v->run_size = size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		die("mmap of the vCPU run structure");
}

/* Make simulated vCPU 0 do what the guest binary does. */
static void script_sim_guest(struct vmm *v)
{
	const char *msg = GUEST_MESSAGE;
	long long vmid = gh_vm_vmid(v->vm);

	if (vmid < 0) {
		errno = ENOENT;
		die("reading the vmid from debugfs");
	}
	for (; *msg; msg++)
		if (gh_sim_ctl("vcpu %lld 0 mmio_write %#lx 1 %u\n", vmid,
			       UART_GPA + UART_DR, (unsigned char)*msg))
			die("scripting the simulated guest's UART write");
	if (gh_sim_ctl("vcpu %lld 0 poweroff\n", vmid))
		die("scripting the simulated guest's power-off");
	printf("gh_vmm: the guest is simulated: vCPU 0 of vmid %lld is scripted\n",
	       vmid);
	printf("gh_vmm: to write the guest's message to the UART and power off\n");
}

/* The guest's console output, as it comes, byte by byte. */
static void uart_output(struct vmm *v, unsigned char c)
{
	putchar(c);	/* stdout is line buffered */
	v->at_line_start = c == '\n';
}

static void handle_mmio(struct vmm *v)
{
	typeof(v->run->mmio) *mmio = &v->run->mmio;
	uint64_t addr = mmio->phys_addr;

	if (addr < UART_GPA || addr >= UART_GPA + UART_SIZE) {
		if (!v->at_line_start)
			putchar('\n');
		v->at_line_start = true;
		printf("gh_vmm: unhandled MMIO %s of %u bytes at %#llx: fault\n",
		       mmio->is_write ? "write" : "read", mmio->len,
		       (unsigned long long)addr);
		mmio->resume_action = GH_VCPU_RESUME_FAULT;
		return;
	}
	if (mmio->is_write && addr == UART_GPA + UART_DR)
		uart_output(v, mmio->data[0]);
	else if (!mmio->is_write)
		memset(mmio->data, 0, sizeof(mmio->data));
	mmio->resume_action = GH_VCPU_RESUME_HANDLED;
}

static const char *status_name(__u32 status)
{
	switch (status) {
	case GH_VM_STATUS_LOAD_FAILED:
		return "load failed";
	case GH_VM_STATUS_EXITED:
		return "exited";
	case GH_VM_STATUS_CRASHED:
		return "crashed";
	}
	return "unknown";
}

/* Returns 0 if the VM exited normally. */
static int report_status(struct vmm *v)
{
	__u32 status = v->run->status.status;
	struct gh_vm_exit_info *info = &v->run->status.exit_info;

	if (!v->at_line_start)
		putchar('\n');
	printf("gh_vmm: VM stopped: status %u (%s), exit type %u, reason size %u\n",
	       status, status_name(status), info->type, info->reason_size);
	return status == GH_VM_STATUS_EXITED ? 0 : 1;
}

/* Run vCPU 0 until the VM stops; returns the program's exit code. */
static int run_vcpu(struct vmm *v)
{
	for (;;) {
		if (ioctl(v->vcpu, GH_VCPU_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("GH_VCPU_RUN");
		}
		switch (v->run->exit_reason) {
		case GH_VCPU_EXIT_MMIO:
			handle_mmio(v);
			break;
		case GH_VCPU_EXIT_STATUS:
			return report_status(v);
		case GH_VCPU_EXIT_PAGE_FAULT:
			printf("gh_vmm: guest page fault at %#llx (errno %d)\n",
			       (unsigned long long)v->run->page_fault.phys_addr,
			       -v->run->page_fault.attempt);
			return 1;
		case GH_VCPU_EXIT_UNKNOWN:
			break;
		default:
			printf("gh_vmm: unknown exit reason %u\n",
			       v->run->exit_reason);
			return 1;
		}
	}
}

static void teardown(struct vmm *v)
{
	munmap(v->run, v->run_size);
	close(v->vcpu);
	close(v->vm);
	close(v->shm);
	close(v->image);
	close(v->dev);
	printf("gh_vmm: VM torn down\n");
}

static bool sim_present(void)
{
	struct stat st;

	return stat(GH_SIM, &st) == 0;
}

int main(int argc, char **argv)
{
	struct vmm v = { .at_line_start = true };
	bool sim = sim_present();
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--sim")) {
		sim = true;
		argc--;
		argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: gh_vmm [--sim] GUEST.BIN\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	v.dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (v.dev < 0)
		die("open " GH_DEV);
	v.vm = ioctl(v.dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	if (v.vm < 0)
		die("GH_CREATE_VM");
	create_image(&v, argv[1]);
	map_memory(&v);
	add_vcpu(&v);
	if (ioctl(v.vm, GH_VM_START, 0))
		die("GH_VM_START");
	printf("gh_vmm: VM started, running vCPU 0\n");
	if (sim)
		script_sim_guest(&v);

	ret = run_vcpu(&v);
	teardown(&v);
	return ret;
}
