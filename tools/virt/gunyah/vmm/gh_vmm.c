// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal example VMM for /dev/gunyah: boots a flat arm64 binary as a
 * Gunyah guest with two proxy-scheduled vCPUs, each run by a thread of its
 * own, emulates a PL011-style UART and a small check device for it through
 * MMIO exits, and checks that the guest (tools/virt/gunyah/guest/guest.S)
 * did what it should:
 *
 *   uart-greeting  the greeting arrived on the UART
 *   mmio-read      the value the guest read from the magic register is the
 *                  one this VMM answered (the guest writes it back)
 *   shared-page    the pattern the guest stored in the shared binding is
 *                  there in this VMM's mapping of it after the VM stopped
 *   second-vcpu    vCPU 1, started by the guest with PSCI CPU_ON, wrote its
 *                  id and left its mark, and its thread saw the VM's end
 *   power-off      the guest's PSCI SYSTEM_OFF ended the VM as an exit
 *
 * One line per check ("check NAME: ok ..." or "check NAME: FAILED ..."); the
 * exit status is 0 only if none failed.
 *
 * Usage: gh_vmm [--sim] GUEST.BIN
 *
 * The guest physical layout is that of gh_guest.h (UART at 0x09000000, the
 * image lent at 0x80000000 with the devicetree at +1 MiB, 1 MiB shared at
 * 0xc0000000); the check device is the page after the UART:
 *   +0x00  read: MAGIC          +0x04  write: the value read (echo)
 *   +0x08  write: a vCPU's id   +0x0c  write: an error code, after its
 *                               +0x10  detail
 *
 * With --sim, or when the in-kernel Resource Manager simulator is present,
 * no guest code runs: the simulator is told to make the vCPUs do what the
 * guest binary does (the same UART writes, the magic read, vCPU 1 off
 * until "CPU_ON", its id write, CPU_OFF, the power-off), so the vCPU loops
 * see the same exits. The simulator cannot write guest memory, so the
 * shared-page check is skipped there.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gh_guest.h"

#define NR_VCPUS	2

#define UART_DR		0x00
#define UART_FR		0x18

#define CHK_GPA		(GH_GUEST_UART + SZ_4K)
#define CHK_SIZE	SZ_4K
#define CHK_MAGIC	0x00
#define CHK_ECHO	0x04
#define CHK_CPU_ID	0x08
#define CHK_ERROR	0x0c
#define CHK_ERROR_DATA	0x10

#define MAGIC		0x4748564dU	/* "GHVM" */

/* What guest.S leaves in the shared binding (word offsets). */
#define SHM_PATTERN_WORDS	16
#define SHM_PATTERN		0x600d0000U
#define SHM_MARK		(0x100 / 4)
#define SHM_CONTEXT		(0x104 / 4)
#define MARK			0x5ec0d000U
#define CONTEXT_ID		0xc0ffee01U

#define GUEST_MESSAGE	"Hello from a Gunyah guest\n"

/* How long the guest may take, and the simulated vCPU 1 to go "off". */
#define RUN_TIMEOUT_MS	30000
#define SIM_WAIT_MS	5000

struct vmm {
	struct gh_guest_vm g;
	bool sim;
	pthread_mutex_t lock;		/* the guest's traces below */
	bool at_line_start;
	char uart[128];
	size_t uart_len;
	unsigned int magic_reads;
	bool echo_seen;
	uint32_t echo;
	bool cpu_id_seen;
	unsigned int cpu_id_vcpu;	/* the vCPU that wrote it */
	uint32_t cpu_id;
	bool error_seen;
	uint32_t error, error_data;
	unsigned int unhandled;
};

static void die(struct vmm *v, const char *what)
{
	fprintf(stderr, "gh_vmm: %s failed: %s\n", what, strerror(errno));
	gh_guest_vm_destroy(&v->g);
	exit(1);
}

/* Start a message on a line of its own, even mid-way through UART output. */
static void newline(struct vmm *v)
{
	if (!v->at_line_start)
		putchar('\n');
	v->at_line_start = true;
}

/* Read the guest binary into buf; returns its size. */
static size_t load_file(struct vmm *v, const char *path, void *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;
	char extra;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(v, path);
	while ((n = read(fd, (char *)buf + len, max - len)) > 0)
		len += n;
	if (n < 0)
		die(v, path);
	if (len == max && read(fd, &extra, 1) > 0) {
		errno = EFBIG;
		die(v, "guest binary (over 1 MiB)");
	}
	close(fd);
	return len;
}

static long long sim_counter(struct vmm *v, unsigned int vcpu, const char *key)
{
	return gh_sim_counter("vm.%lld.vcpu%u.%s", v->g.vmid, vcpu, key);
}

/* Make the simulated vCPUs do what the guest binary does. */
static void script_sim_guest(struct vmm *v)
{
	const char *msg = GUEST_MESSAGE;
	long long vmid = v->g.vmid;

	if (vmid < 0) {
		errno = ENOENT;
		die(v, "reading the vmid from debugfs");
	}
	for (; *msg; msg++)
		if (gh_sim_ctl("vcpu %lld 0 mmio_write %#lx 1 %u\n", vmid,
			       GH_GUEST_UART + UART_DR, (unsigned char)*msg))
			die(v, "scripting the simulated guest's UART write");
	if (gh_sim_ctl("vcpu %lld 0 mmio_read %#lx 4\n", vmid,
		       CHK_GPA + CHK_MAGIC))
		die(v, "scripting the simulated guest's MMIO read");
	/* vCPU 1 is off until CPU_ON, announces itself, turns off again. */
	if (gh_sim_ctl("vcpu %lld 1 cpu_off\n", vmid) ||
	    gh_sim_ctl("vcpu %lld 1 mmio_write %#lx 4 1\n", vmid,
		       CHK_GPA + CHK_CPU_ID) ||
	    gh_sim_ctl("vcpu %lld 1 cpu_off\n", vmid))
		die(v, "scripting the simulated vCPU 1");
	printf("gh_vmm: the guest is simulated: vCPUs 0 and 1 of vmid %lld are scripted\n",
	       vmid);
	printf("gh_vmm: to do what %s does (UART, MMIO read, CPU_ON, CPU_OFF, power off)\n",
	       "guest.bin");
}

/*
 * The simulated guest's CPU_ON, at the point the real one makes it: once
 * vCPU 1 sleeps in its first "cpu_off", wake it.
 */
static void sim_cpu_on(struct vmm *v)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int waited;

	for (waited = 0; waited < SIM_WAIT_MS; waited += 10) {
		if (sim_counter(v, 1, "asleep") == 1)
			break;
		nanosleep(&tick, NULL);
	}
	if (gh_sim_ctl("vcpu %lld 1 wake\n", v->g.vmid))
		fprintf(stderr, "gh_vmm: waking simulated vCPU 1 failed: %s\n",
			strerror(errno));
}

static void put_u32(struct gh_vcpu_run *run, uint32_t val)
{
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	run->mmio.data[0] = val;
	run->mmio.data[1] = val >> 8;
	run->mmio.data[2] = val >> 16;
	run->mmio.data[3] = val >> 24;
}

static uint32_t get_u32(struct gh_vcpu_run *run)
{
	return run->mmio.data[0] | run->mmio.data[1] << 8 |
	       run->mmio.data[2] << 16 | (uint32_t)run->mmio.data[3] << 24;
}

static void uart_mmio(struct vmm *v, struct gh_vcpu_run *run, uint64_t reg)
{
	unsigned char c = run->mmio.data[0];

	if (!run->mmio.is_write) {
		put_u32(run, 0);	/* FR: never full */
		return;
	}
	if (reg != UART_DR)
		return;
	putchar(c);	/* stdout is line buffered */
	v->at_line_start = c == '\n';
	if (v->uart_len < sizeof(v->uart) - 1)
		v->uart[v->uart_len++] = c;
}

static void chk_mmio(struct vmm *v, unsigned int vcpu, struct gh_vcpu_run *run,
		     uint64_t reg)
{
	uint32_t val = get_u32(run);

	if (!run->mmio.is_write) {
		put_u32(run, reg == CHK_MAGIC ? MAGIC : 0);
		if (reg == CHK_MAGIC) {
			v->magic_reads++;
			if (v->sim && vcpu == 0)
				sim_cpu_on(v);
		}
		return;
	}
	switch (reg) {
	case CHK_ECHO:
		v->echo_seen = true;
		v->echo = val;
		break;
	case CHK_CPU_ID:
		v->cpu_id_seen = true;
		v->cpu_id = val;
		v->cpu_id_vcpu = vcpu;
		newline(v);
		printf("gh_vmm: vCPU %u says it is vCPU %u\n", vcpu, val);
		/* The simulated boot vCPU saw the mark: it powers off. */
		if (v->sim && gh_sim_ctl("vcpu %lld 0 poweroff\n", v->g.vmid))
			fprintf(stderr, "gh_vmm: scripting the power-off failed: %s\n",
				strerror(errno));
		break;
	case CHK_ERROR_DATA:
		v->error_data = val;
		break;
	case CHK_ERROR:
		v->error_seen = true;
		v->error = val;
		newline(v);
		printf("gh_vmm: vCPU %u reports error %u (detail %#x)\n", vcpu,
		       val, v->error_data);
		break;
	}
}

/* An MMIO exit of vCPU t->index, on its thread. */
static void handle_mmio(struct gh_vcpu_thread *t, struct gh_vcpu_run *run)
{
	struct vmm *v = t->priv;
	uint64_t addr = run->mmio.phys_addr;

	pthread_mutex_lock(&v->lock);
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	if (addr >= GH_GUEST_UART && addr < GH_GUEST_UART + GH_GUEST_UART_SIZE) {
		uart_mmio(v, run, addr - GH_GUEST_UART);
	} else if (addr >= CHK_GPA && addr < CHK_GPA + CHK_SIZE &&
		   run->mmio.len == 4) {
		chk_mmio(v, t->index, run, addr - CHK_GPA);
	} else {
		newline(v);
		printf("gh_vmm: vCPU %u: unhandled MMIO %s of %u bytes at %#llx: fault\n",
		       t->index, run->mmio.is_write ? "write" : "read",
		       run->mmio.len, (unsigned long long)addr);
		v->unhandled++;
		run->mmio.resume_action = GH_VCPU_RESUME_FAULT;
	}
	pthread_mutex_unlock(&v->lock);
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

/* Print one check's verdict; returns 1 if it failed. */
static int __printf(3, 4) check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[160] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("check %s: %s%s%s\n", name, ok ? "ok" : "FAILED",
	       *detail ? " " : "", detail);
	return !ok;
}

static int check_uart(struct vmm *v)
{
	bool ok = !strcmp(v->uart, GUEST_MESSAGE);

	return check("uart-greeting", ok, ok ? "(%zu bytes)" : "(got %zu bytes: \"%s\")",
		     v->uart_len, v->uart);
}

static int check_mmio_read(struct vmm *v)
{
	long long val;

	if (v->sim) {
		/* The simulator records what the host answered. */
		val = sim_counter(v, 0, "last_read");
		return check("mmio-read", val == MAGIC,
			     "(the simulated guest read %#llx, the VMM answered %#x)",
			     val, MAGIC);
	}
	if (!v->echo_seen)
		return check("mmio-read", false,
			     "(%u reads of the magic register, no echo came back)",
			     v->magic_reads);
	return check("mmio-read", v->echo == MAGIC,
		     "(guest read %#x, the VMM answered %#x)", v->echo, MAGIC);
}

static int check_shared_page(struct vmm *v)
{
	uint32_t *shm = v->g.shm_map;
	unsigned int i;

	if (v->sim) {
		printf("check shared-page: skipped on the simulator %s\n",
		       "(it runs no guest code to write it)");
		return 0;
	}
	for (i = 0; i < SHM_PATTERN_WORDS; i++)
		if (shm[i] != (SHM_PATTERN | i))
			return check("shared-page", false,
				     "(word %u is %#x, expected %#x)", i, shm[i],
				     SHM_PATTERN | i);
	return check("shared-page", true,
		     "(%u words %#x..%#x at %#lx, read through the host mapping)",
		     SHM_PATTERN_WORDS, SHM_PATTERN, SHM_PATTERN | (i - 1),
		     GH_GUEST_SHM_GPA);
}

static int check_second_vcpu(struct vmm *v, struct gh_vcpu_thread *t)
{
	uint32_t *shm = v->g.shm_map;

	if (v->error_seen)
		return check("second-vcpu", false, "(the guest reported error %u, detail %#x)",
			     v->error, v->error_data);
	if (!v->cpu_id_seen || v->cpu_id_vcpu != 1 || v->cpu_id != 1)
		return check("second-vcpu", false,
			     "(no id write from vCPU 1%s)", v->cpu_id_seen ?
			     ", a wrong one" : "");
	if (!v->sim && (shm[SHM_MARK] != (MARK | 1) ||
			shm[SHM_CONTEXT] != CONTEXT_ID))
		return check("second-vcpu", false,
			     "(shared page: mark %#x, context id %#x; expected %#x, %#x)",
			     shm[SHM_MARK], shm[SHM_CONTEXT], MARK | 1, CONTEXT_ID);
	if (t->stopped || t->exit_reason != GH_VCPU_EXIT_STATUS)
		return check("second-vcpu", false,
			     "(its thread did not see the VM's exit: %s, errno %d)",
			     t->stopped ? "stopped after the timeout" : "gave up",
			     t->error);
	if (v->sim)
		return check("second-vcpu", true, "(vCPU 1 %s, wrote id 1, %s)",
			     "was off until the simulated CPU_ON",
			     "turned off, saw the exit");
	return check("second-vcpu", true, "(vCPU 1 %s, wrote id 1 and context id %#x, %s)",
		     "started by CPU_ON", CONTEXT_ID, "turned off, saw the exit");
}

static int check_power_off(struct vmm *v, struct gh_vcpu_thread *t)
{
	if (t->exit_reason != GH_VCPU_EXIT_STATUS)
		return check("power-off", false,
			     "(vCPU 0 ended with exit %u, errno %d%s)", t->exit_reason,
			     t->error, t->stopped ? ", stopped after the timeout" : "");
	return check("power-off", t->status == GH_VM_STATUS_EXITED,
		     "(status %u: %s, exit type %u)", t->status,
		     status_name(t->status), t->exit_type);
}

int main(int argc, char **argv)
{
	struct gh_guest_config cfg = {
		.name = "gh_vmm-example",
		.ncpus = NR_VCPUS,
		.shm = true,
	};
	struct vmm v = { .at_line_start = true };
	struct gh_vcpu_thread t[NR_VCPUS];
	unsigned int stopped;
	int failed = 0;
	size_t len;

	v.sim = gh_guest_on_sim();
	if (argc > 1 && !strcmp(argv[1], "--sim")) {
		v.sim = true;
		argc--;
		argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: gh_vmm [--sim] GUEST.BIN\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_mutex_init(&v.lock, NULL);

	if (gh_guest_vm_create(&v.g, &cfg))
		die(&v, v.g.failed);
	len = load_file(&v, argv[1], v.g.image_map, GH_GUEST_DTB_OFFSET);
	printf("gh_vmm: guest %s: %zu bytes at %#lx, devicetree at %#lx, %u vCPUs\n",
	       argv[1], len, GH_GUEST_IMAGE_GPA,
	       GH_GUEST_IMAGE_GPA + GH_GUEST_DTB_OFFSET, NR_VCPUS);
	if (gh_guest_vm_start(&v.g))
		die(&v, v.g.failed);
	printf("gh_vmm: VM started (vmid %lld), running vCPUs 0 and 1\n", v.g.vmid);
	if (v.sim)
		script_sim_guest(&v);

	if (gh_vcpu_threads_start(&v.g, t, handle_mmio, &v))
		die(&v, "starting the vCPU threads");
	stopped = gh_vcpu_threads_join(t, NR_VCPUS, RUN_TIMEOUT_MS);
	newline(&v);
	if (stopped)
		printf("gh_vmm: %u vCPU thread(s) did not end within %u ms; stopped\n",
		       stopped, RUN_TIMEOUT_MS);
	printf("gh_vmm: VM stopped: status %u (%s), exit type %u\n", t[0].status,
	       status_name(t[0].status), t[0].exit_type);

	failed += check_uart(&v);
	failed += check_mmio_read(&v);
	failed += check_shared_page(&v);
	failed += check_second_vcpu(&v, &t[1]);
	failed += check_power_off(&v, &t[0]);
	if (v.unhandled)
		failed += check("mmio-handled", false, "(%u unhandled accesses)",
				v.unhandled);

	gh_guest_vm_destroy(&v.g);
	printf("gh_vmm: VM torn down; %d check(s) failed\n", failed);
	return failed ? 1 : 0;
}
