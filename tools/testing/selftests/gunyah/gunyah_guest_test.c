// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real guest code on a Gunyah hypervisor: each case boots the small
 * bare-metal guest of guest_prog.S with a command table of its own and
 * checks, through the driver, what the guest did: MMIO writes and reads,
 * power-off and reset, an ioeventfd, an irqfd waking a vCPU in WFI,
 * secondary vCPUs started with PSCI CPU_ON, memory shared both ways, and
 * removing the vCPU of a guest that spins.
 *
 * The simulated RM runs no guest code, so on the simulator every case is
 * skipped; gunyah_vcpu_test scripts the same exits there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gh_guest.h"
#include "guest_prog.h"
#include "../kselftest_harness.h"

#define SIM_SKIP	"needs real guest code: runs on a Gunyah hypervisor (the simulator's version is in gunyah_vcpu_test)"

/* The guest's command tables (guest_prog.S). */
#define PROG_SECONDARY	0x11000UL	/* the secondaries' table */

#define CMD(...)	((struct gh_prog_cmd){ __VA_ARGS__ })

#define OP_OFF		GH_PROG_OP_OFF
#define OP_WRITE	GH_PROG_OP_WRITE
#define OP_ECHO		GH_PROG_OP_ECHO
#define OP_CPU_ON	GH_PROG_OP_CPU_ON
#define OP_CPU_OFF	GH_PROG_OP_CPU_OFF
#define OP_RESET	GH_PROG_OP_RESET
#define OP_WAIT		GH_PROG_OP_WAIT
#define OP_WFI_IRQ	GH_PROG_OP_WFI_IRQ
#define OP_NOT		GH_PROG_OP_NOT
#define OP_WRITE_ID	GH_PROG_OP_WRITE_ID

/* Registers of an emulated device; only the log below gives them meaning. */
#define DEV		0x09001000UL
#define DEV_MAGIC	(DEV + 0x00)	/* read: the test's value */
#define DEV_ECHO	(DEV + 0x04)
#define DEV_STEP	(DEV + 0x08)	/* write: the guest got this far */
#define DEV_INTID	(DEV + 0x0c)
#define DEV_PSCI	(DEV + 0x10)	/* write: a PSCI return value */
#define DEV_ID		(DEV + 0x14)	/* write: a vCPU's MPIDR Aff0 */
#define DEV_W8		(DEV + 0x20)
#define DEV_W4		(DEV + 0x28)
#define DEV_W2		(DEV + 0x2c)
#define DEV_W1		(DEV + 0x2e)
#define DEV_EVENT	(DEV + 0x100)	/* an ioeventfd's address */

#define SHM_SLOTS	0x200UL		/* per-vCPU words in the shared page */
#define MARK		0x5ec0d000U
#define BELL_LABEL	7
#define NCPUS		4
#define RUN_TIMEOUT_MS	20000

#define PSCI_EXIT_PLATFORM_OFF	1	/* the RM's exit types */
#define PSCI_EXIT_RESET		2

struct access {
	unsigned int vcpu;
	uint64_t addr;
	uint32_t len;
	bool is_write;
	uint64_t value;
};

/* A VM of a case, its vCPU threads, and what they saw. */
struct run {
	struct gh_guest_vm g;
	struct gh_vcpu_thread t[NCPUS];
	struct gh_prog_cmd *prog;		/* the boot vCPU's table, until start */
	bool created;
	pthread_mutex_t lock;		/* for the log */
	struct access log[128];
	unsigned int n_log;
	uint32_t read_value;		/* the answer to reads of DEV_MAGIC */
};

FIXTURE(guest) {
	struct run r;
};

static void on_mmio(struct gh_vcpu_thread *t, struct gh_vcpu_run *run)
{
	struct run *self = t->priv;
	struct access a = {
		.vcpu = t->index,
		.addr = run->mmio.phys_addr,
		.len = run->mmio.len,
		.is_write = run->mmio.is_write,
	};
	uint32_t v = self->read_value;
	unsigned int i;

	if (a.is_write) {
		for (i = 0; i < a.len && i < 8; i++)
			a.value |= (uint64_t)run->mmio.data[i] << (8 * i);
	} else {
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		if (a.addr == DEV_MAGIC) {
			for (i = 0; i < 4; i++)
				run->mmio.data[i] = v >> (8 * i);
			a.value = v;
		}
	}
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	pthread_mutex_lock(&self->lock);
	if (self->n_log < ARRAY_SIZE(self->log))
		self->log[self->n_log++] = a;
	pthread_mutex_unlock(&self->lock);
}

/* The first logged access to addr from index from on; -1 if none. */
static int find(struct run *self, uint64_t addr, int from)
{
	int i, n;

	pthread_mutex_lock(&self->lock);
	n = self->n_log;
	pthread_mutex_unlock(&self->lock);
	for (i = from; i < n; i++)
		if (self->log[i].addr == addr)
			return i;
	return -1;
}

/* Wait up to ms for an access to addr; its index or -1. */
static int wait_for(struct run *self, uint64_t addr, unsigned int ms)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int waited;
	int i;

	for (waited = 0; waited <= ms; waited += 10) {
		i = find(self, addr, 0);
		if (i >= 0)
			return i;
		nanosleep(&tick, NULL);
	}
	return -1;
}

/*
 * Create the VM with the guest code in its image; the table is empty. The
 * shared binding's label is GH_GUEST_SHM_LABEL, or with shm_label, the one
 * the driver gives it unasked.
 */
static int create_labelled(struct run *self, unsigned int ncpus,
			   uint32_t bell_label, uint32_t shm_label)
{
	struct gh_guest_config cfg = {
		.name = "gunyah_guest_test",
		.ncpus = ncpus,
		.shm = true,
		.shm_label = shm_label,
		.bell_label = bell_label,
	};

	if (gh_guest_vm_create(&self->g, &cfg)) {
		ksft_print_msg("%s: %s\n", self->g.failed, strerror(errno));
		return -1;
	}
	self->created = true;
	memcpy(self->g.image_map, gh_guest_prog_start,
	       gh_guest_prog_end - gh_guest_prog_start);
	self->prog = (struct gh_prog_cmd *)(self->g.image_map + GH_PROG_CMDS);
	return 0;
}

static int create(struct run *self, unsigned int ncpus, uint32_t bell_label)
{
	return create_labelled(self, ncpus, bell_label, 0);
}

/* Start the VM and its vCPU threads. */
static int start(struct run *self)
{
	if (gh_guest_vm_start(&self->g)) {
		ksft_print_msg("%s: %s\n", self->g.failed, strerror(errno));
		return -1;
	}
	self->prog = NULL;	/* lent now */
	if (gh_vcpu_threads_start(&self->g, self->t, on_mmio, self)) {
		ksft_print_msg("starting the vCPU threads: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for every vCPU thread; how many had to be stopped. */
static unsigned int finish(struct run *self)
{
	return gh_vcpu_threads_join(self->t, self->g.cfg.ncpus, RUN_TIMEOUT_MS);
}

FIXTURE_SETUP(guest)
{
	memset(&self->r, 0, sizeof(self->r));
	pthread_mutex_init(&self->r.lock, NULL);
	if (access(GH_DEV, F_OK))
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	if (gh_guest_on_sim())
		SKIP(return, SIM_SKIP);
}

FIXTURE_TEARDOWN(guest)
{
	if (self->r.created)
		gh_guest_vm_destroy(&self->r.g);
}

/* Every vCPU thread saw the VM exit with this exit type. */
static void expect_exit(struct __test_metadata *_metadata,
			struct run *self, unsigned int stopped,
			unsigned int exit_type)
{
	char status[1024];
	unsigned int i;

	EXPECT_EQ(0, stopped) TH_LOG("vCPU threads still in GH_VCPU_RUN after %u ms",
				     RUN_TIMEOUT_MS);
	for (i = 0; i < self->g.cfg.ncpus; i++)
		if (self->t[i].exit_reason != GH_VCPU_EXIT_STATUS)
			break;
	/* For a post-mortem: what the driver knows of the VM. */
	if (i < self->g.cfg.ncpus && !gh_vm_file(self->g.vm, "status", status, sizeof(status)))
		ksft_print_msg("vCPU %u did not see the exit; VM status:\n%s", i, status);
	if (i < self->g.cfg.ncpus)
		gh_print_gunyah_irqs();
	for (i = 0; i < self->g.cfg.ncpus; i++) {
		struct gh_vcpu_thread *t = &self->t[i];

		EXPECT_EQ(GH_VCPU_EXIT_STATUS, t->exit_reason)
			TH_LOG("vCPU %u: exit %u, errno %d", i, t->exit_reason, t->error);
		EXPECT_EQ(GH_VM_STATUS_EXITED, t->status) TH_LOG("vCPU %u", i);
		EXPECT_EQ(exit_type, t->exit_type) TH_LOG("vCPU %u", i);
	}
}

/* Guest MMIO writes of every size reach the VMM as they were made. */
TEST_F(guest, mmio_write)
{
	struct run *r = &self->r;
	static const struct { uint64_t addr; uint32_t len; uint64_t val; } w[] = {
		{ DEV_W8, 8, 0x1122334455667788ULL },
		{ DEV_W4, 4, 0x12345678 },
		{ DEV_W2, 2, 0xbeef },
		{ DEV_W1, 1, 0xab },
	};
	unsigned int i;

	ASSERT_EQ(0, create(r, 1, 0));
	for (i = 0; i < ARRAY_SIZE(w); i++)
		r->prog[i] = CMD(OP_WRITE, w[i].addr, w[i].len, w[i].val);
	r->prog[i] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);

	ASSERT_EQ(ARRAY_SIZE(w), r->n_log);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		EXPECT_EQ(w[i].addr, r->log[i].addr);
		EXPECT_EQ(w[i].len, r->log[i].len);
		EXPECT_TRUE(r->log[i].is_write);
		EXPECT_EQ(w[i].val, r->log[i].value);
		EXPECT_EQ(0, r->log[i].vcpu);
	}
}

/* The value the VMM answers an MMIO read with is what the guest gets. */
TEST_F(guest, mmio_read)
{
	struct run *r = &self->r;
	int i;

	r->read_value = 0xa5000000 | (getpid() & 0xffffff);
	ASSERT_EQ(0, create(r, 1, 0));
	r->prog[0] = CMD(OP_ECHO, DEV_MAGIC, DEV_ECHO);
	r->prog[1] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);

	ASSERT_EQ(2, r->n_log);
	EXPECT_EQ(DEV_MAGIC, r->log[0].addr);
	EXPECT_FALSE(r->log[0].is_write);
	EXPECT_EQ(4, r->log[0].len);
	i = find(r, DEV_ECHO, 0);
	ASSERT_EQ(1, i);
	EXPECT_EQ(r->read_value, r->log[i].value)
		TH_LOG("the guest read %#llx, the VMM answered %#x",
		       (unsigned long long)r->log[i].value, r->read_value);
}

/* PSCI SYSTEM_OFF: the VM exits, with the RM's "platform off" type. */
TEST_F(guest, power_off)
{
	struct run *r = &self->r;

	ASSERT_EQ(0, create(r, 1, 0));
	r->prog[0] = CMD(OP_WRITE, DEV_STEP, 4, 1);
	r->prog[1] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);
	EXPECT_EQ(0, find(r, DEV_STEP, 0));
	/* A VM starts once: its guest is gone, and GH_VM_START says so. */
	EXPECT_EQ(-1, ioctl(r->g.vm, GH_VM_START, 0));
	EXPECT_EQ(ESRCH, errno);
}

/* PSCI SYSTEM_RESET: the VM exits too, with the "reset" type. */
TEST_F(guest, system_reset)
{
	struct run *r = &self->r;

	ASSERT_EQ(0, create(r, 1, 0));
	r->prog[0] = CMD(OP_WRITE, DEV_STEP, 4, 1);
	r->prog[1] = CMD(OP_RESET);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_RESET);
	EXPECT_EQ(0, find(r, DEV_STEP, 0));
}

/* A write to an ioeventfd's address signals it and does not exit. */
TEST_F(guest, ioeventfd)
{
	struct run *r = &self->r;
	struct gh_fn_ioeventfd_arg io = { .addr = DEV_EVENT, .len = 4 };
	struct gh_fn_desc d = {
		.type = GH_FN_IOEVENTFD,
		.arg_size = sizeof(io),
		.arg = (uintptr_t)&io,
	};
	eventfd_t count = 0;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, create(r, 1, 0));
	io.fd = efd;
	ASSERT_EQ(0, ioctl(r->g.vm, GH_VM_ADD_FUNCTION, &d))
		TH_LOG("%s", strerror(errno));
	r->prog[0] = CMD(OP_WRITE, DEV_EVENT, 4, 7);
	r->prog[1] = CMD(OP_WRITE, DEV_EVENT, 4, 8);
	r->prog[2] = CMD(OP_WRITE, DEV_STEP, 4, 2);
	r->prog[3] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);

	EXPECT_EQ(0, eventfd_read(efd, &count));
	EXPECT_EQ(2, count);
	EXPECT_EQ(-1, find(r, DEV_EVENT, 0)) TH_LOG("the write exited to userspace");
	EXPECT_EQ(0, find(r, DEV_STEP, 0));
	close(efd);
}

/*
 * A vCPU in WFI sleeps until the irqfd's doorbell interrupts it; with
 * early, the event comes before the VM starts and must not be lost.
 */
static void irqfd_wakes_wfi(struct __test_metadata *_metadata,
			    struct run *r, bool early)
{
	struct gh_fn_irqfd_arg irq = { .label = BELL_LABEL };
	struct gh_fn_desc d = {
		.type = GH_FN_IRQFD,
		.arg_size = sizeof(irq),
		.arg = (uintptr_t)&irq,
	};
	struct timespec nap = { .tv_nsec = 300 * 1000 * 1000 };
	int efd = eventfd(0, EFD_CLOEXEC), i;

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, create(r, 1, BELL_LABEL));
	irq.fd = efd;
	ASSERT_EQ(0, ioctl(r->g.vm, GH_VM_ADD_FUNCTION, &d))
		TH_LOG("%s", strerror(errno));
	r->prog[0] = CMD(OP_WRITE, DEV_STEP, 4, 1);
	r->prog[1] = CMD(OP_WFI_IRQ, GH_GUEST_GICD, GH_GUEST_GICR(1), DEV_INTID);
	r->prog[2] = CMD(OP_WRITE, DEV_STEP, 4, 2);
	r->prog[3] = CMD(OP_OFF);
	if (early) {
		ASSERT_EQ(0, eventfd_write(efd, 1));
		nanosleep(&nap, NULL);
	}
	ASSERT_EQ(0, start(r));

	if (!early) {
		/* The guest got to its WFI, and stays there. */
		ASSERT_LE(0, wait_for(r, DEV_STEP, 10000));
		nanosleep(&nap, NULL);
		EXPECT_EQ(-1, find(r, DEV_INTID, 0))
			TH_LOG("the guest took an interrupt before the irqfd");
		EXPECT_EQ(-1, find(r, DEV_STEP, 1));
		ASSERT_EQ(0, eventfd_write(efd, 1));
	}
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);
	i = find(r, DEV_INTID, 0);
	ASSERT_LE(0, i) TH_LOG("the guest did not take the doorbell's interrupt");
	/* The doorbell is SPI BELL_LABEL in the guest devicetree. */
	EXPECT_EQ(32 + BELL_LABEL, r->log[i].value);
	i = find(r, DEV_STEP, i);
	ASSERT_LE(0, i) TH_LOG("the guest did not go on after the interrupt");
	EXPECT_EQ(2, r->log[i].value);
	close(efd);
}

TEST_F(guest, irqfd_wakes_wfi)
{
	irqfd_wakes_wfi(_metadata, &self->r, false);
}

/* An irqfd event before GH_VM_START interrupts the guest once it runs. */
TEST_F(guest, irqfd_event_before_start)
{
	irqfd_wakes_wfi(_metadata, &self->r, true);
}

/*
 * A guest that spins keeps its vCPU's run in the kernel (the hypervisor
 * returns READY whenever the host is interrupted). Removing the vCPU must
 * not wait for a signal to the vCPU's thread: the removal returns at once
 * and the run gives up with ENODEV.
 */
TEST_F(guest, removing_a_spinning_vcpu_is_prompt)
{
	struct timespec nap = { .tv_nsec = 300 * 1000 * 1000 };
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct run *r = &self->r;
	int ret, fired, i;
	long took;

	ASSERT_EQ(0, create(r, 1, 0));
	r->prog[0] = CMD(OP_WRITE, DEV_STEP, 4, 1);
	/* Nothing writes MARK there: the guest spins for good. */
	r->prog[1] = CMD(OP_WAIT, GH_GUEST_SHM_GPA + SHM_SLOTS, MARK);
	r->prog[2] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	ASSERT_LE(0, wait_for(r, DEV_STEP, 10000));
	nanosleep(&nap, NULL);
	ASSERT_FALSE(__atomic_load_n(&r->t[0].done, __ATOMIC_ACQUIRE))
		TH_LOG("the run ended: error %d", r->t[0].error);

	ret = gh_remove_vcpu_watched(r->g.vm, 0, r->t[0].thread, &took, &fired);
	EXPECT_EQ(0, ret) TH_LOG("remove: %s", strerror(errno));
	EXPECT_EQ(0, fired) TH_LOG("the removal waited for a signal to the run");
	EXPECT_GT(2000, took) TH_LOG("the removal took %ld ms", took);
	for (i = 0; i < 200 && !__atomic_load_n(&r->t[0].done, __ATOMIC_ACQUIRE); i++)
		nanosleep(&tick, NULL);
	EXPECT_TRUE(__atomic_load_n(&r->t[0].done, __ATOMIC_ACQUIRE))
		TH_LOG("the run did not return within 2 s of the removal");
	finish(r);
	EXPECT_EQ(ENODEV, r->t[0].error) TH_LOG("run: %s", strerror(r->t[0].error));
}

/* vCPUs 1..3, started with PSCI CPU_ON, each write their own id. */
TEST_F(guest, several_vcpus)
{
	struct run *r = &self->r;
	struct gh_prog_cmd *sec;
	unsigned int i, n = 0, seen = 0;

	ASSERT_EQ(0, create(r, NCPUS, 0));
	for (i = 1; i < NCPUS; i++)
		r->prog[n++] = CMD(OP_CPU_ON, i, PROG_SECONDARY, DEV_PSCI);
	for (i = 1; i < NCPUS; i++)
		r->prog[n++] = CMD(OP_WAIT, GH_GUEST_SHM_GPA + SHM_SLOTS + 4 * i, MARK | i);
	r->prog[n++] = CMD(OP_WRITE, DEV_STEP, 4, 1);
	r->prog[n] = CMD(OP_OFF);
	sec = (struct gh_prog_cmd *)(r->g.image_map + PROG_SECONDARY);
	sec[0] = CMD(OP_WRITE_ID, DEV_ID, 0, 0);
	sec[1] = CMD(OP_WRITE_ID, GH_GUEST_SHM_GPA + SHM_SLOTS, 4, MARK);
	sec[2] = CMD(OP_CPU_OFF, DEV_PSCI);
	ASSERT_EQ(0, start(r));
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);

	for (i = 0; i < r->n_log; i++) {
		struct access *a = &r->log[i];

		if (a->addr == DEV_PSCI) {
			EXPECT_EQ(0, a->vcpu) TH_LOG("CPU_OFF returned %#llx",
						     (unsigned long long)a->value);
			EXPECT_EQ(0, a->value) TH_LOG("CPU_ON returned %d", (int)a->value);
		} else if (a->addr == DEV_ID) {
			EXPECT_EQ(a->vcpu, a->value);
			EXPECT_LT(0, a->vcpu);
			seen |= 1 << a->value;
		}
	}
	EXPECT_EQ(0xe, seen) TH_LOG("vCPUs that wrote their id: %#x", seen);
	for (i = 1; i < NCPUS; i++)
		EXPECT_EQ(MARK | i, r->g.shm_map[(SHM_SLOTS + 4 * i) / 4]);
	EXPECT_LE(0, find(r, DEV_STEP, 0));
}

/*
 * Memory shared both ways: the guest echoes a word the host wrote and
 * writes back the complement of a page of them. With shm_label, the
 * binding has the label the driver's rule gives it (the second binding:
 * 2), and the devicetree names that one.
 */
static void shared_memory(struct __test_metadata *_metadata, struct run *r,
			  uint32_t shm_label)
{
	enum { WORDS = 256, BACK = 0x1000 / 4 };
	struct gh_mem_label l = { .guest_addr = GH_GUEST_SHM_GPA };
	uint32_t *shm;
	unsigned int i;
	int e;

	ASSERT_EQ(0, create_labelled(r, 1, 0, shm_label));
	shm = r->g.shm_map;
	for (i = 0; i < WORDS; i++)
		shm[i] = 0x3c000000 | (i * 0x01010101 & 0xffffff);
	r->prog[0] = CMD(OP_ECHO, GH_GUEST_SHM_GPA + 4 * 5, DEV_ECHO);
	r->prog[1] = CMD(OP_NOT, GH_GUEST_SHM_GPA, GH_GUEST_SHM_GPA + 0x1000, WORDS);
	r->prog[2] = CMD(OP_OFF);
	ASSERT_EQ(0, start(r));
	ASSERT_EQ(0, ioctl(r->g.vm, GH_VM_GET_MEM_LABEL, &l));
	EXPECT_EQ(shm_label ? shm_label : GH_GUEST_SHM_LABEL, l.label);
	expect_exit(_metadata, r, finish(r), PSCI_EXIT_PLATFORM_OFF);

	e = find(r, DEV_ECHO, 0);
	ASSERT_LE(0, e);
	EXPECT_EQ(shm[5], r->log[e].value);
	for (i = 0; i < WORDS; i++)
		if (shm[BACK + i] != ~shm[i])
			break;
	EXPECT_EQ(WORDS, i) TH_LOG("word %u: host wrote %#x, guest wrote back %#x",
				   i, shm[i], shm[BACK + i]);
}

TEST_F(guest, shared_memory)
{
	shared_memory(_metadata, &self->r, 0);
}

/*
 * The label rule, as a VMM without the label ioctls uses it: the image is
 * the first binding and the shared one the second, so label 2.
 */
TEST_F(guest, shared_memory_by_the_label_rule)
{
	shared_memory(_metadata, &self->r, 2);
}

TEST_HARNESS_MAIN
