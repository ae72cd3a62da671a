// SPDX-License-Identifier: GPL-2.0-only
/*
 * gh_linux: a VMM that boots an arm64 Linux kernel as a Gunyah guest.
 *
 * Guest RAM comes from one guest_memfd file with 2 MiB folios and is lent:
 * once the VM starts the host cannot touch it. The VMM loads the kernel
 * Image, an initramfs and a devicetree it writes with libfdt into that
 * RAM, gives the 2 MiB after it in the same file as a shared buffer
 * (labelled, so the guest devicetree names it), runs every vCPU in a thread
 * of its own, emulates a PL011 UART through MMIO exits and relays the
 * guest's console line by line, each line prefixed "guest: ".
 *
 * The guest's /init (tools/virt/gunyah/guest/linux_init.c) answers a
 * question left in the shared buffer and powers off. The VMM then checks
 * the answer and that teardown gave every page back (the driver's debugfs
 * counters), and ends with one line:
 *
 *   GHLINUX: ok (<n> vCPUs, <m> MiB lent, shared buffer ok)
 *   GHLINUX: FAIL <what failed>
 *
 * The devicetree is written with libfdt, with the helpers of gh_guest.h
 * for the GIC, the timer, the UART and the shared buffer's vdevice.
 *
 * Usage: gh_linux --kernel IMAGE [--initrd FILE] [--mem MiB] [--cpus N]
 *		   [--cmdline TEXT] [--timeout SECONDS]
 *
 * Guest physical layout:
 *   0x09000000   PL011 UART, emulated here (4 KiB)
 *   GICR, GICD   as in gh_guest.h (below 0x40000000)
 *   0x80000000   RAM, lent RWX: the Image at its text_offset, the
 *                initramfs from the next 2 MiB boundary after the
 *                kernel's image_size, the devicetree 2 MiB below the end
 *   RAM + 1 GiB  the shared buffer (2 MiB, RW), rounded to 1 GiB
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libfdt.h>

#include "gh_guest.h"
#include "../guest/linux_guest.h"

#define GHL_RAM_BASE		GH_GUEST_BASE
#define GHL_SHM_SIZE		SZ_2M
#define GHL_SHM_LABEL		23
#define GHL_DTB_SIZE		SZ_64K
#define GHL_DTB_FROM_END	SZ_2M
#define GHL_DEFAULT_MEM_MIB	128
#define GHL_DEFAULT_CPUS	2
#define GHL_DEFAULT_TIMEOUT_S	300
#define GHL_DEFAULT_CMDLINE	"console=ttyAMA0 earlycon panic=-1"

/* PL011 registers and bits that Linux's amba-pl011 driver uses. */
#define UART_DR			0x000
#define UART_FR			0x018
#define UART_FR_RXFE		0x10
#define UART_FR_TXFE		0x80
#define UART_CR			0x030
#define UART_CR_LBE		0x80
#define UART_REGS		0x040
#define UART_ID			0xfe0	/* PeriphID0-3, then PCellID0-3 */

/* arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define IMAGE_TEXT_OFFSET	8
#define IMAGE_SIZE		16
#define IMAGE_MAGIC		56
#define IMAGE_MAGIC_VALUE	0x644d5241U	/* "ARM\x64" */
#define IMAGE_HEADER_SIZE	64

struct options {
	const char *kernel;
	const char *initrd;
	unsigned long mem_mib;
	unsigned int cpus;
	const char *cmdline;
	unsigned int timeout_s;
};

struct layout {
	uint64_t mem;		/* bytes of guest RAM */
	uint64_t kernel_off;	/* text_offset */
	uint64_t kernel_len;	/* bytes of the Image file */
	uint64_t kernel_span;	/* image_size: what the kernel occupies */
	uint64_t initrd_off, initrd_len;
	uint64_t dtb_off;
	uint64_t shm_gpa;
};

struct uart {
	uint32_t regs[UART_REGS / 4];
	char line[1024];
	size_t len;
	bool init_seen;
	struct timespec init_at;
};

struct vmm {
	struct options o;
	struct layout l;
	struct gh_guest_vm g;
	int gmem;
	char *ram;		/* until the lend */
	uint32_t *shm;		/* the shared buffer, read with __atomic */
	uint32_t question;
	pthread_mutex_t lock;	/* the UART */
	struct uart uart;
	unsigned int unhandled;
	struct timespec started;
};

static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1 };

static void __printf(1, 2) verdict_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("GHLINUX: FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Give up before the guest ran: the verdict, teardown, exit status 1. */
static void __printf(2, 3) fail(struct vmm *v, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, "gh_linux: %s\n", what);
	if (v) {
		if (v->ram && v->ram != MAP_FAILED)
			munmap(v->ram, v->l.mem);
		if (v->shm && v->shm != MAP_FAILED)
			munmap(v->shm, GHL_SHM_SIZE);
		gh_guest_vm_destroy(&v->g);
	}
	verdict_fail("%s", what);
	exit(1);
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: gh_linux --kernel IMAGE [--initrd FILE] [--mem MiB] [--cpus N]\n"
		"                [--cmdline TEXT] [--timeout SECONDS]\n"
		"  --kernel   an arm64 Linux Image (uncompressed)\n"
		"  --initrd   an initramfs (cpio, compressed as the kernel accepts)\n"
		"  --mem      guest RAM in MiB, a multiple of 2 (default %u)\n"
		"  --cpus     vCPUs, 1 to %u (default %u)\n"
		"  --cmdline  the kernel command line (default \"%s\")\n"
		"  --timeout  seconds the guest may run (default %u)\n",
		GHL_DEFAULT_MEM_MIB, GH_GUEST_MAX_VCPUS, GHL_DEFAULT_CPUS,
		GHL_DEFAULT_CMDLINE, GHL_DEFAULT_TIMEOUT_S);
	exit(2);
}

static unsigned long parse_ulong(const char *opt, const char *s)
{
	char *end;
	unsigned long val;

	errno = 0;
	val = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "gh_linux: %s: \"%s\" is not a number\n", opt, s);
		print_usage();
	}
	return val;
}

static void parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	o->mem_mib = GHL_DEFAULT_MEM_MIB;
	o->cpus = GHL_DEFAULT_CPUS;
	o->cmdline = GHL_DEFAULT_CMDLINE;
	o->timeout_s = GHL_DEFAULT_TIMEOUT_S;
	while ((c = getopt_long(argc, argv, "k:i:m:c:a:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'm':
			o->mem_mib = parse_ulong("--mem", optarg);
			break;
		case 'c':
			o->cpus = parse_ulong("--cpus", optarg);
			break;
		case 'a':
			o->cmdline = optarg;
			break;
		case 't':
			o->timeout_s = parse_ulong("--timeout", optarg);
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc || !o->kernel)
		print_usage();
	if (!o->cpus || o->cpus > GH_GUEST_MAX_VCPUS)
		fail(NULL, "--cpus %u: give 1 to %u vCPUs", o->cpus,
		     GH_GUEST_MAX_VCPUS);
	if (!o->mem_mib || o->mem_mib % 2 || o->mem_mib > (1UL << 20))
		fail(NULL, "--mem %lu: give an even number of MiB (RAM comes in 2 MiB folios)",
		     o->mem_mib);
}

/* The size of a regular file, or a clear failure. */
static uint64_t file_size(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		fail(NULL, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		fail(NULL, "%s %s is not a regular file", what, path);
	return st.st_size;
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Read the Image header and plan where everything goes in guest RAM. */
static void plan_layout(struct vmm *v)
{
	struct layout *l = &v->l;
	uint8_t hdr[IMAGE_HEADER_SIZE];
	uint64_t end;
	ssize_t n;
	int fd;

	l->mem = (uint64_t)v->o.mem_mib << 20;
	l->kernel_len = file_size("kernel", v->o.kernel);
	if (v->o.initrd)
		l->initrd_len = file_size("initrd", v->o.initrd);

	fd = open(v->o.kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(NULL, "kernel %s: %s", v->o.kernel, strerror(errno));
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n != sizeof(hdr) || get_le64(hdr + IMAGE_MAGIC) % (1ULL << 32) !=
	    IMAGE_MAGIC_VALUE)
		fail(NULL, "kernel %s is not an arm64 Image (%s)", v->o.kernel,
		     "no \"ARM\\x64\" magic; unpack an Image.gz first");
	l->kernel_off = get_le64(hdr + IMAGE_TEXT_OFFSET);
	l->kernel_span = get_le64(hdr + IMAGE_SIZE);
	if (!l->kernel_span)	/* kernels before 3.17 do not say */
		l->kernel_span = l->kernel_len + SZ_2M;
	if (l->kernel_span < l->kernel_len)
		l->kernel_span = l->kernel_len;

	l->initrd_off = (l->kernel_off + l->kernel_span + SZ_2M - 1) & ~(SZ_2M - 1);
	l->dtb_off = l->mem >= GHL_DTB_FROM_END ? l->mem - GHL_DTB_FROM_END : 0;
	end = l->initrd_off + l->initrd_len;
	if (l->mem < 2 * GHL_DTB_FROM_END || end > l->dtb_off)
		fail(NULL, "%s %lu MiB: kernel %llu KiB (%llu in use), %s %llu KiB, %s",
		     "the guest does not fit in", v->o.mem_mib,
		     (unsigned long long)l->kernel_len >> 10,
		     (unsigned long long)l->kernel_span >> 10, "initrd",
		     (unsigned long long)l->initrd_len >> 10,
		     "devicetree 2 MiB below the end; give more --mem");
	l->shm_gpa = GHL_RAM_BASE + ((l->mem + (1ULL << 30) - 1) & ~((1ULL << 30) - 1));
}

/* Copy a whole file into guest RAM at off (it was sized by plan_layout). */
static void load_file(struct vmm *v, const char *what, const char *path,
		      uint64_t off, uint64_t len)
{
	uint64_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail(v, "%s %s: %s", what, path, strerror(errno));
	while (done < len) {
		n = read(fd, v->ram + off + done, len - done);
		if (n <= 0)
			fail(v, "reading %s %s: %s", what, path,
			     n ? strerror(errno) : "it shrank");
		done += n;
	}
	close(fd);
}

/* ---- the devicetree, with libfdt's sequential writer ------------------ */

static int dt_chosen(void *fdt, struct vmm *v, const char *bootargs)
{
	uint64_t start = GHL_RAM_BASE + v->l.initrd_off;
	int err = 0;

	err |= fdt_begin_node(fdt, "chosen");
	err |= fdt_property_string(fdt, "bootargs", bootargs);
	err |= fdt_property_string(fdt, "stdout-path", "/pl011@9000000");
	if (v->o.initrd) {
		err |= fdt_property_u64(fdt, "linux,initrd-start", start);
		err |= fdt_property_u64(fdt, "linux,initrd-end",
					start + v->l.initrd_len);
	}
	err |= fdt_end_node(fdt);
	return err;
}

static int dt_cpus(void *fdt, unsigned int ncpus)
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
		err |= fdt_property_u32(fdt, "reg", i);	/* MPIDR Aff0 */
		err |= fdt_property_string(fdt, "enable-method", "psci");
		err |= fdt_end_node(fdt);
	}
	err |= fdt_end_node(fdt);

	err |= fdt_begin_node(fdt, "psci");
	err |= fdt_property(fdt, "compatible", psci, sizeof(psci));
	err |= fdt_property_string(fdt, "method", "hvc");
	err |= fdt_end_node(fdt);
	return err;
}

/*
 * The vm-config the RM reads at VM_INIT: RAM at GHL_RAM_BASE, proxy
 * scheduled vCPUs, and the shared buffer as an "shm" vdevice whose memory
 * names the parcel's label and a fixed base; the RM maps it there and
 * writes a /reserved-memory node with the label for the guest.
 */
static int dt_vm_config(void *fdt, struct vmm *v)
{
	int err = 0;

	err |= fdt_begin_node(fdt, "gunyah-vm-config");
	err |= fdt_property_string(fdt, "image-name", "gh_linux");
	err |= fdt_property_string(fdt, "os-type", "linux");
	err |= fdt_begin_node(fdt, "memory");
	err |= fdt_property_u32(fdt, "#address-cells", 2);
	err |= fdt_property_u32(fdt, "#size-cells", 2);
	err |= fdt_property_u64(fdt, "base-address", GHL_RAM_BASE);
	err |= fdt_end_node(fdt);
	err |= fdt_begin_node(fdt, "vcpus");
	err |= fdt_property_string(fdt, "affinity", "proxy");
	err |= fdt_end_node(fdt);
	err |= fdt_begin_node(fdt, "vdevices");
	err |= gh_guest_fdt_shm(fdt, GHL_SHM_LABEL, v->l.shm_gpa);
	err |= fdt_end_node(fdt);
	err |= fdt_end_node(fdt);
	return err;
}

/* Write the guest devicetree at its place in RAM; returns its size. */
static int write_dtb(struct vmm *v)
{
	void *fdt = v->ram + v->l.dtb_off;
	char bootargs[2048];
	uint32_t size;
	int err = 0;

	snprintf(bootargs, sizeof(bootargs), "%s ghshm=%u ghshm_addr=%#llx",
		 v->o.cmdline, GHL_SHM_LABEL, (unsigned long long)v->l.shm_gpa);

	err |= gh_fdt_open(fdt, GHL_DTB_SIZE);
	err |= gh_guest_fdt_root(fdt);
	err |= dt_chosen(fdt, v, bootargs);
	/* The RM rewrites reg with every parcel it maps; this is the RAM. */
	err |= fdt_begin_node(fdt, "memory");
	err |= fdt_property_string(fdt, "device_type", "memory");
	err |= gh_fdt_reg(fdt, GHL_RAM_BASE, v->l.mem, 0, 0);
	err |= fdt_end_node(fdt);
	err |= dt_cpus(fdt, v->o.cpus);
	err |= gh_guest_fdt_gic(fdt, v->o.cpus);
	err |= gh_guest_fdt_uart(fdt);
	err |= dt_vm_config(fdt, v);
	size = gh_fdt_close(fdt, err);
	if (!size)
		fail(v, "writing the guest devicetree with libfdt failed (over %lu KiB?)",
		     GHL_DTB_SIZE >> 10);
	return size;
}

/* ---- the UART --------------------------------------------------------- */

static void uart_put(struct vmm *v, char c)
{
	struct uart *u = &v->uart;

	if (c == '\r' || c == '\0')
		return;
	if (c != '\n' && u->len < sizeof(u->line) - 1) {
		u->line[u->len++] = c;
		return;
	}
	if (c != '\n')
		return;	/* an overlong line: the rest is dropped */
	u->line[u->len] = '\0';
	printf("guest: %s\n", u->line);
	if (!u->init_seen && strstr(u->line, "ghinit:")) {
		u->init_seen = true;
		clock_gettime(CLOCK_MONOTONIC, &u->init_at);
	}
	u->len = 0;
}

static uint32_t uart_read(struct vmm *v, uint64_t reg)
{
	if (reg >= UART_ID && reg < UART_ID + 32)
		return reg % 4 ? 0 : pl011_id[(reg - UART_ID) / 4];
	if (reg == UART_FR)
		return UART_FR_TXFE | UART_FR_RXFE;	/* never full, no input */
	if (reg == UART_DR || reg >= UART_REGS)
		return 0;
	return v->uart.regs[reg / 4];
}

static void uart_write(struct vmm *v, uint64_t reg, uint32_t val)
{
	if (reg == UART_DR) {
		/* Nothing leaves in loopback mode. */
		if (!(v->uart.regs[UART_CR / 4] & UART_CR_LBE))
			uart_put(v, val & 0xff);
		return;
	}
	if (reg < UART_REGS && reg != UART_FR)
		v->uart.regs[reg / 4] = val;
}

/* An MMIO exit, on the vCPU's own thread. */
static void handle_mmio(struct gh_vcpu_thread *t, struct gh_vcpu_run *run)
{
	struct vmm *v = t->priv;
	uint64_t addr = run->mmio.phys_addr;
	uint32_t val = 0;
	unsigned int i, len = run->mmio.len;

	if (addr < GH_GUEST_UART || addr >= GH_GUEST_UART + GH_GUEST_UART_SIZE ||
	    len > 4 || !len) {
		pthread_mutex_lock(&v->lock);
		fflush(stdout);
		printf("gh_linux: vCPU %u: unhandled MMIO %s of %u bytes at %#llx: fault\n",
		       t->index, run->mmio.is_write ? "write" : "read", len,
		       (unsigned long long)addr);
		v->unhandled++;
		pthread_mutex_unlock(&v->lock);
		run->mmio.resume_action = GH_VCPU_RESUME_FAULT;
		return;
	}
	addr -= GH_GUEST_UART;
	pthread_mutex_lock(&v->lock);
	if (run->mmio.is_write) {
		for (i = 0; i < len; i++)
			val |= (uint32_t)run->mmio.data[i] << (8 * i);
		uart_write(v, addr & ~3ULL, val);
	} else {
		val = uart_read(v, addr & ~3ULL) >> (8 * (addr & 3));
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		for (i = 0; i < len; i++)
			run->mmio.data[i] = val >> (8 * i);
	}
	pthread_mutex_unlock(&v->lock);
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
}

/* ---- the VM ----------------------------------------------------------- */

static void create_vm(struct vmm *v)
{
	struct gh_guest_vm *g = &v->g;
	uint64_t file_size = v->l.mem + GHL_SHM_SIZE;
	unsigned int i;

	memset(g, 0, sizeof(*g));
	g->cfg.name = "gh_linux";
	g->cfg.ncpus = v->o.cpus;
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
	g->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (g->dev < 0)
		fail(v, "open %s: %s (is the Gunyah driver there?)", GH_DEV,
		     strerror(errno));
	if (ioctl(g->dev, GH_CHECK_EXTENSION, GH_CAP_HUGEPAGES) != 1)
		printf("gh_linux: note: this driver does not promise 2 MiB folios\n");
	g->vm = ioctl(g->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	if (g->vm < 0)
		fail(v, "GH_CREATE_VM: %s", strerror(errno));
	/* One file: the RAM, then the shared buffer. */
	v->gmem = gh_create_mem(g->dev, file_size, GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE);
	if (v->gmem < 0)
		fail(v, "the driver refused a %llu MiB guest memory file (%s: %s)",
		     (unsigned long long)file_size >> 20, "GH_CREATE_GUEST_MEM",
		     strerror(errno));
	g->image = v->gmem;	/* closed with the VM */
	v->ram = mmap(NULL, v->l.mem, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->gmem, 0);
	if (v->ram == MAP_FAILED)
		fail(v, "mmap of %lu MiB of guest RAM: %s", v->o.mem_mib,
		     strerror(errno));
	v->shm = mmap(NULL, GHL_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->gmem, v->l.mem);
	if (v->shm == MAP_FAILED)
		fail(v, "mmap of the shared buffer: %s", strerror(errno));
}

/* Bind RAM (lent) and the shared buffer (shared), add vCPUs, start. */
static void start_vm(struct vmm *v)
{
	struct gh_guest_vm *g = &v->g;
	struct gh_vm_dtb_config dtb = {
		.guest_phys_addr = GHL_RAM_BASE + v->l.dtb_off,
		.size = GHL_DTB_SIZE,
	};
	struct gh_mem_label label = {
		.guest_addr = v->l.shm_gpa,
		.label = GHL_SHM_LABEL,
	};
	unsigned int i;

	/* The host gives up its mapping: once lent, the RAM is the guest's. */
	munmap(v->ram, v->l.mem);
	v->ram = NULL;
	if (gh_map(g->vm, v->gmem, GHL_RAM_BASE, 0, v->l.mem,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX))
		fail(v, "the driver refused to lend %lu MiB of guest RAM (GH_VM_MAP_MEM: %s)",
		     v->o.mem_mib, strerror(errno));
	if (gh_map(g->vm, v->gmem, v->l.shm_gpa, v->l.mem, GHL_SHM_SIZE,
		   GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE))
		fail(v, "the driver refused to share the 2 MiB buffer (GH_VM_MAP_MEM: %s)",
		     strerror(errno));
	if (ioctl(g->vm, GH_VM_SET_MEM_LABEL, &label))
		fail(v, "GH_VM_SET_MEM_LABEL: %s", strerror(errno));
	if (ioctl(g->vm, GH_VM_SET_DTB_CONFIG, &dtb))
		fail(v, "GH_VM_SET_DTB_CONFIG: %s", strerror(errno));
	for (i = 0; i < v->o.cpus; i++)
		if (gh_guest_add_vcpu(g, i))
			fail(v, "%s for vCPU %u: %s", g->failed, i, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &v->started);
	if (ioctl(g->vm, GH_VM_START, 0))
		fail(v, "GH_VM_START: %s", strerror(errno));
	g->vmid = gh_vm_vmid(g->vm);
}

/* The VM's bindings and parcels, as the driver's debugfs shows them. */
static void show_memory(struct vmm *v)
{
	char buf[4096], *line, *save;

	if (gh_vm_file(v->g.vm, "memory", buf, sizeof(buf))) {
		printf("gh_linux: no debugfs memory file for this VM\n");
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("gh_linux: memory: %s\n", line);
}

/* A word of the shared buffer, which the guest writes too. */
static uint32_t shm_get(struct vmm *v, unsigned int word)
{
	return __atomic_load_n(&v->shm[word], __ATOMIC_ACQUIRE);
}

static void shm_set(struct vmm *v, unsigned int word, uint32_t val)
{
	__atomic_store_n(&v->shm[word], val, __ATOMIC_RELEASE);
}

struct counters {
	long long parcels, lent, shared;
};

static void read_counters(struct counters *c)
{
	c->parcels = gh_mem_total("parcels");
	c->lent = gh_mem_total("pages_lent");
	c->shared = gh_mem_total("pages_shared");
}

static bool counters_equal(const struct counters *a, const struct counters *b)
{
	return a->parcels == b->parcels && a->lent == b->lent &&
	       a->shared == b->shared;
}

int main(int argc, char **argv)
{
	struct vmm v = { .gmem = -1 };
	struct gh_vcpu_thread t[GH_GUEST_MAX_VCPUS];
	struct counters before, during, after;
	char failed[512] = "";
	unsigned int stopped, i, ans, cpus, how;
	uint64_t lent_mib;
	double boot_s = -1;
	int dtb_size;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_options(&v.o, argc, argv);
	pthread_mutex_init(&v.lock, NULL);
	plan_layout(&v);
	if (gh_guest_on_sim())
		fail(NULL, "the RM simulator answers here and runs no guest code: %s",
		     "a Linux guest needs a Gunyah hypervisor (GH_HYP_IMAGE)");
	read_counters(&before);

	create_vm(&v);
	load_file(&v, "kernel", v.o.kernel, v.l.kernel_off, v.l.kernel_len);
	if (v.o.initrd)
		load_file(&v, "initrd", v.o.initrd, v.l.initrd_off, v.l.initrd_len);
	dtb_size = write_dtb(&v);
	v.question = (uint32_t)time(NULL) * 2654435761U;
	shm_set(&v, GHL_W_QUESTION, v.question);
	shm_set(&v, GHL_W_QMAGIC, GHL_Q_MAGIC);
	printf("gh_linux: kernel %s (%llu KiB) at %#llx, %s %llu KiB at %#llx, %s %d B at %#llx\n",
	       v.o.kernel, (unsigned long long)v.l.kernel_len >> 10,
	       (unsigned long long)(GHL_RAM_BASE + v.l.kernel_off), "initrd",
	       (unsigned long long)v.l.initrd_len >> 10,
	       (unsigned long long)(GHL_RAM_BASE + v.l.initrd_off), "devicetree", dtb_size,
	       (unsigned long long)(GHL_RAM_BASE + v.l.dtb_off));
	printf("gh_linux: %lu MiB of RAM lent at %#lx, %s, %s at %#llx (label %u), %u vCPUs\n",
	       v.o.mem_mib, GHL_RAM_BASE, "one guest_memfd of 2 MiB folios",
	       "2 MiB shared", (unsigned long long)v.l.shm_gpa, GHL_SHM_LABEL,
	       v.o.cpus);

	start_vm(&v);
	read_counters(&during);
	printf("gh_linux: VM started (vmid %lld); %s %lld parcels, %lld pages lent, %lld shared\n",
	       v.g.vmid, "the driver holds", during.parcels, during.lent, during.shared);
	show_memory(&v);

	if (gh_vcpu_threads_start(&v.g, t, handle_mmio, &v))
		fail(&v, "starting the vCPU threads: %s", strerror(errno));
	stopped = gh_vcpu_threads_join(t, v.o.cpus, v.o.timeout_s * 1000);

	pthread_mutex_lock(&v.lock);
	if (v.uart.len)
		uart_put(&v, '\n');
	pthread_mutex_unlock(&v.lock);
	if (v.uart.init_seen)
		boot_s = (v.uart.init_at.tv_sec - v.started.tv_sec) +
			 (v.uart.init_at.tv_nsec - v.started.tv_nsec) / 1e9;
	printf("gh_linux: the guest ran %.1f s; its init spoke %.1f s after VM_START\n",
	       since(&v.started), boot_s);
	printf("gh_linux: VM stopped: status %u, exit type %u%s\n", t[0].status,
	       t[0].exit_type, stopped ? " (stopped after the timeout)" : "");

	/* The answer, read through the host's (shared) mapping. */
	ans = shm_get(&v, GHL_W_ANSWER);
	cpus = shm_get(&v, GHL_W_CPUS);
	how = shm_get(&v, GHL_W_HOW);
	if (shm_get(&v, GHL_W_AMAGIC) != GHL_A_MAGIC)
		snprintf(failed, sizeof(failed), "shared buffer: no answer from the guest");
	else if (ans != GHL_ANSWER(v.question))
		snprintf(failed, sizeof(failed), "shared buffer: answer %#x, expected %#x",
			 ans, GHL_ANSWER(v.question));
	else if (cpus != v.o.cpus)
		snprintf(failed, sizeof(failed), "the guest had %u of %u vCPUs online",
			 cpus, v.o.cpus);
	else
		printf("gh_linux: shared buffer: question %#x, answer %#x, found %s\n",
		       v.question, ans, how == GHL_FOUND_DT ?
		       "through the guest devicetree" : "through the command line only");
	for (i = 0; i < v.o.cpus && !*failed; i++)
		if (t[i].exit_reason != GH_VCPU_EXIT_STATUS ||
		    t[i].status != GH_VM_STATUS_EXITED)
			snprintf(failed, sizeof(failed),
				 "vCPU %u did not see the guest power off (exit %u, status %u, errno %d%s)",
				 i, t[i].exit_reason, t[i].status, t[i].error,
				 t[i].stopped ? ", timed out" : "");
	if (!*failed && v.unhandled)
		snprintf(failed, sizeof(failed), "%u unhandled MMIO accesses", v.unhandled);
	lent_mib = (during.lent - before.lent) * 4096 >> 20;
	if (!*failed && lent_mib != v.o.mem_mib)
		snprintf(failed, sizeof(failed), "the driver lent %llu MiB, not %lu",
			 (unsigned long long)lent_mib, v.o.mem_mib);

	/* Teardown: every page back, the counters where they were. */
	munmap(v.shm, GHL_SHM_SIZE);
	v.shm = NULL;
	gh_guest_vm_destroy(&v.g);
	for (i = 0; i < 100; i++) {
		read_counters(&after);
		if (counters_equal(&after, &before))
			break;
		usleep(100 * 1000);
	}
	printf("gh_linux: after teardown: parcels %lld, pages_lent %lld, pages_shared %lld\n",
	       after.parcels, after.lent, after.shared);
	if (!*failed && !counters_equal(&after, &before))
		snprintf(failed, sizeof(failed),
			 "teardown: parcels %lld, pages_lent %lld, pages_shared %lld (before the VM: %lld, %lld, %lld)",
			 after.parcels, after.lent, after.shared, before.parcels,
			 before.lent, before.shared);
	if (!*failed && (before.parcels || before.lent || before.shared))
		printf("gh_linux: note: the counters were not zero before this VM\n");

	if (*failed) {
		verdict_fail("%s", failed);
		return 1;
	}
	printf("GHLINUX: ok (%u vCPUs, %lu MiB lent, shared buffer ok)\n",
	       v.o.cpus, v.o.mem_mib);
	return 0;
}
