// SPDX-License-Identifier: GPL-2.0-only
/*
 * A lend whose reply never comes: the RM may have taken the pages, so the
 * driver must treat them as given for good. They stay counted as lent, out
 * of every host mapping, and the VM is kept rather than freed. While the
 * driver waits for that reply, the host uses the rest of the file.
 *
 * A reply that comes late, after its caller gave up, is heard: it tells
 * the driver what the RM did, and the VM's teardown then takes everything
 * back, without naming a reclaimed parcel twice, also for a VM kept after
 * its last close. A lend in flight refuses a punch of its memory at once,
 * and a truncate and a bind of the file's tail do not both succeed.
 * An RM that takes no messages at all fails calls (EBUSY) instead of
 * holding them up for good.
 *
 * Needs the simulated RM, which can drop or hold back a reply; it leaves
 * pages with the RM on purpose, so it runs last of the gunyah kselftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define TIMEOUT_FILE	GH_DEBUGFS "/rm_reply_timeout_ms"

#define MSG_MEM_LEND	0x51000012
#define MSG_MEM_RECLAIM	0x51000015
#define MSG_VM_START	0x56000004
#define MSG_VM_CONFIG_IMAGE	0x56000009
#define RM_ERROR_ARGUMENT_INVALID	0x6
#define RM_ERROR_NOMEM	0x1
#define RM_ERROR_BUSY	0x5

/* 1 if reading *p raises SIGBUS, 0 if it reads. */
static int reads_sigbus(const unsigned char *p)
{
	return gh_read_byte(p) == -1;
}

/* /dev/gunyah on the simulated RM, which can drop a reply. */
FIXTURE(lost_reply) {
	int dev;
};

FIXTURE_SETUP(lost_reply)
{
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	if (access(GH_SIM "/control", W_OK))
		SKIP(return, "needs the simulated RM to drop a reply; a real RM cannot be made to");
	/* Nothing armed by a case that did not finish. */
	ASSERT_EQ(0, gh_sim_ctl("clear"));
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));
}

FIXTURE_TEARDOWN(lost_reply)
{
	gh_close(&self->dev);
}

TEST_F(lost_reply, lend_without_reply_stays_given)
{
	long long lent, unknown;
	int dev = self->dev, vm, gmem;
	unsigned char *p, *q;

	lent = gh_mem_total("pages_lent");
	unknown = gh_mem_total("parcels_unknown");

	vm = ioctl(dev, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0);
	gmem = gh_setup_bootable(dev, vm);
	ASSERT_GE(gmem, 0);
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 0x5a;

	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "300"));
	ASSERT_EQ(0, gh_sim_ctl("drop 0x51000012 1"));	/* MEM_LEND */
	EXPECT_EQ(-1, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));

	/* The RM has them, and so the driver says. */
	EXPECT_EQ(lent + SZ_2M / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(unknown + 1, gh_mem_total("parcels_unknown"));
	EXPECT_EQ(SZ_2M / SZ_4K, gh_sim_counter("pages_lent"));
	/* No host route to them: the old mapping, a new one. */
	EXPECT_EQ(1, reads_sigbus(p));
	q = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, gmem, SZ_1M);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(1, reads_sigbus(q));
	munmap(q, SZ_4K);
	EXPECT_EQ(-1, fallocate(gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				0, SZ_4K));
	EXPECT_EQ(EBUSY, errno);

	/* Closing everything frees nothing the RM may hold. */
	munmap(p, SZ_2M);
	close(vm);
	close(gmem);
	EXPECT_EQ(lent + SZ_2M / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(SZ_2M / SZ_4K, gh_sim_counter("pages_lent"));
}

struct start_args {
	int vm;
	int ret;
	int err;
};

static void *start_vm(void *arg)
{
	struct start_args *a = arg;

	a->ret = ioctl(a->vm, GH_VM_START, 0);
	a->err = errno;
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A VM ready to start whose 4 MiB guest memory file is half lent: 2 MiB
 * RWX at GH_GUEST_BASE, the devicetree in its second MiB. Returns the
 * file, or -1.
 */
static int lend_half_of_4m(int dev, int vm)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	int gmem = gh_create_mem(dev, 4 * SZ_1M, 0);

	if (gmem < 0)
		return -1;
	if (gh_write_dtb(gmem, SZ_1M, SZ_64K, GH_GUEST_BASE) ||
	    gh_map(vm, gmem, GH_GUEST_BASE, 0, SZ_2M,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX) ||
	    ioctl(vm, GH_VM_SET_DTB_CONFIG, &d)) {
		close(gmem);
		return -1;
	}
	return gmem;
}

/*
 * Issue 11, item 9: while the RM takes its time over a lend (here: its
 * reply never comes, and the driver waits 2 s for it), the host faults on
 * the rest of the same file without waiting for it.
 */
TEST_F(lost_reply, host_faults_do_not_wait_for_a_slow_lend)
{
	struct start_args a = { .vm = -1 };
	int dev = self->dev, gmem;
	pthread_t t;
	double t0, t1;
	unsigned char *p;

	a.vm = ioctl(dev, GH_CREATE_VM, 0);
	ASSERT_GE(a.vm, 0);
	gmem = lend_half_of_4m(dev, a.vm);
	ASSERT_GE(gmem, 0);
	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, gmem, 3 * SZ_1M);
	ASSERT_NE(MAP_FAILED, p);

	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "2000"));
	ASSERT_EQ(0, gh_sim_ctl("drop 0x51000012 1"));	/* MEM_LEND */
	ASSERT_EQ(0, pthread_create(&t, NULL, start_vm, &a));
	usleep(300 * 1000);
	t0 = now_s();
	p[0] = 0x5a;
	t1 = now_s();
	pthread_join(t, NULL);
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));

	EXPECT_EQ(-1, a.ret);
	EXPECT_EQ(ETIMEDOUT, a.err);
	TH_LOG("host fault during the lend took %.3f s", t1 - t0);
	EXPECT_GT(0.5, t1 - t0);
	EXPECT_EQ(0x5a, p[0]);
	munmap(p, SZ_4K);
	close(a.vm);
	close(gmem);
}

/* What the driver and the simulated RM count as lent and shared. */
struct held {
	long long drv_lent, sim_lent, drv_shared, sim_shared;
};

static void held_now(struct held *h)
{
	h->drv_lent = gh_mem_total("pages_lent");
	h->sim_lent = gh_sim_counter("pages_lent");
	h->drv_shared = gh_mem_total("pages_shared");
	h->sim_shared = gh_sim_counter("pages_shared");
}

/*
 * Each memory call of a VM's life with its reply lost: MEM_LEND and
 * MEM_SHARE at start, MEM_RECLAIM at teardown. Whatever the RM may hold
 * afterwards, the driver counts too, keeps out of the host's reach, and
 * never frees; where the RM did the call, both count the same.
 */
TEST_F(lost_reply, every_memory_call_without_reply_keeps_what_the_rm_may_hold)
{
	static const struct {
		const char *name;
		unsigned int msg_id;
		bool start_fails;
	} calls[] = {
		{ "MEM_LEND", 0x51000012, true },
		{ "MEM_SHARE", 0x51000013, true },
		{ "MEM_RECLAIM", 0x51000015, false },
	};
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	struct held before, after;
	unsigned char *p;
	int vm, gmem, ret;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		TH_LOG("%s: its reply lost", calls[i].name);
		vm = ioctl(self->dev, GH_CREATE_VM, 0);
		ASSERT_LE(0, vm);
		gmem = gh_create_mem(self->dev, 4 * SZ_1M, 0);
		ASSERT_LE(0, gmem);
		ASSERT_EQ(0, gh_write_dtb(gmem, SZ_1M, SZ_64K, GH_GUEST_BASE));
		ASSERT_EQ(0, gh_map(vm, gmem, GH_GUEST_BASE, 0, SZ_2M,
				    GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX));
		ASSERT_EQ(0, gh_map(vm, gmem, 0xc0000000UL, SZ_2M, SZ_1M,
				    GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ |
				    GH_MEM_ALLOW_WRITE));
		ASSERT_EQ(0, ioctl(vm, GH_VM_SET_DTB_CONFIG, &d));
		p = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, gmem, 0);
		ASSERT_NE(MAP_FAILED, p);
		held_now(&before);

		ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "300"));
		ASSERT_EQ(0, gh_sim_ctl("drop %#x 1", calls[i].msg_id));
		ret = ioctl(vm, GH_VM_START, 0);
		EXPECT_EQ(calls[i].start_fails ? -1 : 0, ret);
		if (ret)
			EXPECT_EQ(ETIMEDOUT, errno);
		close(vm);
		ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));
		held_now(&after);

		/* Lost at start: the RM did it, and both count it. */
		if (calls[i].start_fails) {
			EXPECT_EQ(after.sim_lent - before.sim_lent,
				  after.drv_lent - before.drv_lent);
			EXPECT_EQ(after.sim_shared - before.sim_shared,
				  after.drv_shared - before.drv_shared);
		}
		/* Whatever the RM may hold, the driver holds too. */
		EXPECT_LE(after.sim_lent - before.sim_lent,
			  after.drv_lent - before.drv_lent);
		EXPECT_LE(after.sim_shared - before.sim_shared,
			  after.drv_shared - before.drv_shared);
		EXPECT_LT(0, after.drv_lent - before.drv_lent +
			     after.drv_shared - before.drv_shared);
		/* And keeps lent pages out of the host's reach. */
		if (after.drv_lent > before.drv_lent)
			EXPECT_EQ(-1, gh_read_byte(p));
		munmap(p, SZ_2M);
		close(gmem);
	}
}

/*
 * Wait up to 5 s for a counter to reach @value: the driver's (@key in
 * gunyah/memory) if @driver, else the simulated RM's. Returns 0 or -1.
 */
static int counter_reaches(bool driver, const char *key, long long value)
{
	int i;

	for (i = 0; i < 500; i++) {
		if ((driver ? gh_mem_total(key) : gh_sim_counter("%s", key)) == value)
			return 0;
		usleep(10 * 1000);
	}
	return -1;
}

/* Wait up to 5 s for the driver to hear a late reply beyond @before. */
static int heard_late(long long before)
{
	return counter_reaches(true, "late_replies", before + 1);
}

/* What both sides hold, and the RM's VMs and parcels of unknown outcome. */
struct world {
	struct held held;
	long long vms, unknown, late;
};

static void world_now(struct world *w)
{
	held_now(&w->held);
	w->vms = gh_sim_counter("vms");
	w->unknown = gh_mem_total("parcels_unknown");
	w->late = gh_mem_total("late_replies");
}

/*
 * A bootable VM, its image's first byte 0x5a, whose GH_VM_START fails
 * with @err: the RM holds back its reply to the next @hold_msg until
 * "answer" and, if @fail_msg, fails the next @fail_msg with @rm_error.
 * Returns the VM fd, or -1 if the start went otherwise.
 */
static int start_with_held_reply(int dev, int *gmem, unsigned char **p,
				 unsigned int hold_msg, unsigned int fail_msg,
				 unsigned int rm_error, int err)
{
	int vm = ioctl(dev, GH_CREATE_VM, 0), ret;

	if (vm < 0)
		return -1;
	*gmem = gh_setup_bootable(dev, vm);
	*p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, *gmem, 0);
	if (*gmem < 0 || *p == MAP_FAILED)
		return -1;
	(*p)[0] = 0x5a;
	if (gh_write_file(TIMEOUT_FILE, "300") ||
	    gh_sim_ctl("hold %#x 1", hold_msg) ||
	    (fail_msg && gh_sim_ctl("fail %#x 1 %#x", fail_msg, rm_error)))
		return -1;
	ret = ioctl(vm, GH_VM_START, 0);
	if (gh_write_file(TIMEOUT_FILE, "30000") || ret != -1 || errno != err)
		return -1;
	return vm;
}

/*
 * The RM sends the reply it held; the driver hears it, and closing the VM
 * then leaves nothing on either side.
 */
static void answer_then_close(struct __test_metadata *_metadata, int vm,
			      const struct world *before)
{
	struct world after;

	ASSERT_EQ(0, gh_sim_ctl("answer"));
	ASSERT_EQ(0, heard_late(before->late));
	close(vm);
	world_now(&after);
	EXPECT_EQ(before->held.drv_lent, after.held.drv_lent);
	EXPECT_EQ(before->held.sim_lent, after.held.sim_lent);
	EXPECT_EQ(before->held.drv_shared, after.held.drv_shared);
	EXPECT_EQ(before->held.sim_shared, after.held.sim_shared);
	EXPECT_EQ(before->unknown, after.unknown);
	EXPECT_EQ(before->vms, after.vms);
	EXPECT_EQ(0, gh_sim_counter("held_msgs"));
}

/*
 * A MEM_LEND that timed out, then answered: the late reply's handle is what
 * the teardown reclaims by, and the VMM's image comes back as it was.
 */
TEST_F(lost_reply, late_lend_reply_gives_the_handle_to_reclaim_by)
{
	unsigned char *p = MAP_FAILED;
	struct world before;
	int vm, gmem = -1;

	world_now(&before);
	vm = start_with_held_reply(self->dev, &gmem, &p, MSG_MEM_LEND, 0, 0,
				   ETIMEDOUT);
	ASSERT_LE(0, vm);
	/* Until the RM answers, the pages are the RM's. */
	EXPECT_EQ(before.held.drv_lent + SZ_2M / SZ_4K,
		  gh_mem_total("pages_lent"));
	EXPECT_EQ(before.unknown + 1, gh_mem_total("parcels_unknown"));
	EXPECT_EQ(1, reads_sigbus(p));
	EXPECT_EQ(1, gh_sim_counter("held_msgs"));

	answer_then_close(_metadata, vm, &before);
	EXPECT_EQ(0, reads_sigbus(p));
	EXPECT_EQ(0x5a, p[0]);
	munmap(p, SZ_2M);
	close(gmem);
}

/* A MEM_LEND that timed out, then refused: the pages were never given. */
TEST_F(lost_reply, late_refusal_of_a_lend_gives_the_pages_back)
{
	unsigned char *p = MAP_FAILED;
	struct world before;
	int vm, gmem = -1;

	world_now(&before);
	vm = start_with_held_reply(self->dev, &gmem, &p, MSG_MEM_LEND,
				   MSG_MEM_LEND, RM_ERROR_NOMEM, ETIMEDOUT);
	ASSERT_LE(0, vm);
	EXPECT_EQ(before.held.drv_lent + SZ_2M / SZ_4K,
		  gh_mem_total("pages_lent"));

	answer_then_close(_metadata, vm, &before);
	EXPECT_EQ(0x5a, p[0]);
	munmap(p, SZ_2M);
	close(gmem);
}

/*
 * A MEM_RECLAIM that timed out in the teardown of a failed start, then
 * answered: the parcel came back, and the next teardown (at close) must not
 * ask for its handle again -- the RM may have given it to another parcel.
 * Asking again fails here (the handle is gone) and would keep the VM.
 */
TEST_F(lost_reply, late_reclaim_reply_is_not_asked_again)
{
	unsigned char *p = MAP_FAILED;
	struct world before;
	int vm, gmem = -1;

	world_now(&before);
	vm = start_with_held_reply(self->dev, &gmem, &p, MSG_MEM_RECLAIM,
				   MSG_VM_START, RM_ERROR_BUSY, EBUSY);
	ASSERT_LE(0, vm);
	/* The RM gave the parcel back; the driver does not know it yet. */
	EXPECT_EQ(before.held.sim_lent, gh_sim_counter("pages_lent"));
	EXPECT_EQ(before.held.drv_lent + SZ_2M / SZ_4K,
		  gh_mem_total("pages_lent"));
	EXPECT_EQ(1, reads_sigbus(p));

	answer_then_close(_metadata, vm, &before);
	/* The guest was started: lent memory comes back zeroed. */
	EXPECT_EQ(0, reads_sigbus(p));
	EXPECT_EQ(0, p[0]);
	munmap(p, SZ_2M);
	close(gmem);
}

/*
 * A MEM_RECLAIM that timed out in the teardown after the last close: the
 * VM is kept, and torn down again a second later. Its reply, once it
 * comes, lets that teardown free the VM and give everything back.
 */
TEST_F(lost_reply, kept_vm_goes_once_its_late_reclaim_reply_comes)
{
	unsigned char *p = MAP_FAILED;
	struct world before, after;
	int vm, gmem;

	world_now(&before);
	vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	gmem = gh_setup_bootable(self->dev, vm);
	ASSERT_LE(0, gmem);
	ASSERT_EQ(0, ioctl(vm, GH_VM_START, 0));
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "300"));
	ASSERT_EQ(0, gh_sim_ctl("hold %#x 1", MSG_MEM_RECLAIM));
	close(vm);
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));
	/* Kept: the RM's VM, and the pages the driver cannot know are back. */
	EXPECT_EQ(before.vms + 1, gh_sim_counter("vms"));
	EXPECT_EQ(before.held.drv_lent + SZ_2M / SZ_4K,
		  gh_mem_total("pages_lent"));

	ASSERT_EQ(0, gh_sim_ctl("answer"));
	ASSERT_EQ(0, heard_late(before.late));
	EXPECT_EQ(0, counter_reaches(false, "vms", before.vms));
	world_now(&after);
	EXPECT_EQ(before.held.drv_lent, after.held.drv_lent);
	EXPECT_EQ(before.held.sim_lent, after.held.sim_lent);
	p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, reads_sigbus(p));
	munmap(p, SZ_4K);
	close(gmem);
}

/*
 * An RM that stops taking messages: a call waits for room on the queue as
 * long as it would for a reply, then fails with EBUSY -- its request was
 * not sent in full, so nothing was done -- and the calls after it work
 * once the RM takes messages again.
 */
TEST_F(lost_reply, an_rm_that_takes_no_messages_fails_calls_with_ebusy)
{
	long long vms = gh_sim_counter("vms");
	int vm, gmem, ret;
	double t0, t1;

	vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	gmem = gh_setup_bootable(self->dev, vm);
	ASSERT_LE(0, gmem);
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "300"));
	ASSERT_EQ(0, gh_sim_ctl("tx_stall"));
	t0 = now_s();
	ret = ioctl(vm, GH_VM_START, 0);
	t1 = now_s();
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	TH_LOG("the start gave up after %.3f s", t1 - t0);
	EXPECT_GT(2.0, t1 - t0);
	ASSERT_EQ(0, gh_sim_ctl("tx_resume"));
	ASSERT_EQ(0, gh_write_file(TIMEOUT_FILE, "30000"));
	EXPECT_EQ(vms, gh_sim_counter("vms"));

	EXPECT_EQ(0, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(vms + 1, gh_sim_counter("vms"));
	close(vm);
	close(gmem);
	EXPECT_EQ(vms, gh_sim_counter("vms"));
}

/*
 * Issue 11, items 4 and 9: a lend in flight (the RM has it, its reply held
 * back) makes its parcel busy. A punch of that memory is refused at once
 * with EBUSY rather than wait for the RM or free what it may take; a punch
 * elsewhere in the file goes on; the start completes once the RM answers.
 */
TEST_F(lost_reply, punch_of_memory_being_lent_is_refused_at_once)
{
	struct start_args a = { .vm = -1 };
	int dev = self->dev, gmem, ret;
	double t0, t1;
	pthread_t t;

	a.vm = ioctl(dev, GH_CREATE_VM, 0);
	ASSERT_GE(a.vm, 0);
	gmem = lend_half_of_4m(dev, a.vm);
	ASSERT_GE(gmem, 0);

	ASSERT_EQ(0, gh_sim_ctl("hold %#x 1", MSG_MEM_LEND));
	ASSERT_EQ(0, pthread_create(&t, NULL, start_vm, &a));
	ASSERT_EQ(0, counter_reaches(false, "held_msgs", 1));
	t0 = now_s();
	ret = fallocate(gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0,
			SZ_4K);
	t1 = now_s();
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	EXPECT_GT(0.5, t1 - t0);
	EXPECT_EQ(0, fallocate(gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       3 * SZ_1M, SZ_4K));

	ASSERT_EQ(0, gh_sim_ctl("answer"));
	pthread_join(t, NULL);
	EXPECT_EQ(0, a.ret) TH_LOG("start: %s", strerror(a.err));
	close(a.vm);
	close(gmem);
}

struct tail_args {
	int vm, gmem;
	int ret, err;
};

/* Truncate the 4 MiB file to its first 2 MiB. */
static void *truncate_to_2m(void *arg)
{
	struct tail_args *a = arg;

	a->ret = ftruncate(a->gmem, SZ_2M);
	a->err = errno;
	return NULL;
}

/* Bind the file's last 2 MiB, shared, to @vm. */
static void *bind_tail(void *arg)
{
	struct tail_args *a = arg;

	a->ret = gh_map(a->vm, a->gmem, GH_GUEST_BASE, SZ_2M, SZ_2M,
			GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ |
			GH_MEM_ALLOW_WRITE);
	a->err = errno;
	return NULL;
}

/*
 * Issue 11, item 7: a truncate of a file's unbound tail and a bind of that
 * tail, while a lend of the file's head is in flight, do not both succeed:
 * a binding never reaches past the end of its file. The bind checks the
 * size where the truncate cannot change it; checked before the file's
 * lock instead (as before the fix), both waited for the lend and both
 * won, leaving a binding of pages the file no longer has.
 */
TEST_F(lost_reply, truncate_and_a_bind_of_its_tail_do_not_both_win)
{
	struct tail_args cut = { .vm = -1 }, bind = { .vm = -1 };
	struct start_args a = { .vm = -1 };
	pthread_t start, tt, tb;
	int dev = self->dev, gmem;
	struct stat st;

	a.vm = ioctl(dev, GH_CREATE_VM, 0);
	ASSERT_LE(0, a.vm);
	gmem = lend_half_of_4m(dev, a.vm);
	ASSERT_LE(0, gmem);
	bind.vm = ioctl(dev, GH_CREATE_VM, 0);
	ASSERT_LE(0, bind.vm);
	cut.gmem = gmem;
	bind.gmem = gmem;

	ASSERT_EQ(0, gh_sim_ctl("hold %#x 1", MSG_MEM_LEND));
	ASSERT_EQ(0, pthread_create(&start, NULL, start_vm, &a));
	ASSERT_EQ(0, counter_reaches(false, "held_msgs", 1));
	ASSERT_EQ(0, pthread_create(&tt, NULL, truncate_to_2m, &cut));
	usleep(100 * 1000);
	ASSERT_EQ(0, pthread_create(&tb, NULL, bind_tail, &bind));
	usleep(100 * 1000);
	ASSERT_EQ(0, gh_sim_ctl("answer"));
	pthread_join(start, NULL);
	pthread_join(tt, NULL);
	pthread_join(tb, NULL);

	TH_LOG("truncate %d (%s), bind %d (%s)", cut.ret, strerror(cut.err),
	       bind.ret, strerror(bind.err));
	EXPECT_EQ(0, a.ret) TH_LOG("start: %s", strerror(a.err));
	EXPECT_FALSE(cut.ret == 0 && bind.ret == 0);
	if (cut.ret)
		EXPECT_EQ(EBUSY, cut.err);
	if (bind.ret)
		EXPECT_EQ(EINVAL, bind.err);
	ASSERT_EQ(0, fstat(gmem, &st));
	if (!bind.ret)
		EXPECT_EQ(4 * SZ_1M, st.st_size);
	close(bind.vm);
	close(a.vm);
	close(gmem);
}

/*
 * A refused VM_CONFIG_IMAGE leaves the VM in INIT_FAILED without a
 * configuration, and the public RM crashes resetting such a VM: it is not
 * reset, and keeps its vmid for good. Its memory, never accepted, comes
 * back to the host.
 */
TEST_F(lost_reply, vm_whose_image_was_refused_is_not_reset)
{
	long long vms = gh_sim_counter("vms");
	long long fatal = gh_sim_counter("fatal_resets");
	long long lent = gh_mem_total("pages_lent");
	int vm, gmem;

	vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(vm, 0);
	gmem = gh_setup_bootable(self->dev, vm);
	ASSERT_GE(gmem, 0);
	ASSERT_EQ(0, gh_sim_ctl("fail %#x 1 %#x", MSG_VM_CONFIG_IMAGE,
				RM_ERROR_ARGUMENT_INVALID));
	EXPECT_EQ(-1, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(fatal, gh_sim_counter("fatal_resets"));
	EXPECT_EQ(vms + 1, gh_sim_counter("vms"));
	EXPECT_EQ(lent, gh_mem_total("pages_lent"));
	/* Kept: it does not start again. */
	EXPECT_EQ(-1, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(EIO, errno);
	close(vm);
	close(gmem);
	EXPECT_EQ(fatal, gh_sim_counter("fatal_resets"));
}

TEST_HARNESS_MAIN
