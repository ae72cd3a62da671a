// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bounded concurrency stress of guest memory: threads that fault the same
 * files in through host mappings, punch holes and truncate them, bind and
 * unbind them, start and tear down VMs on them, and close and reopen them,
 * all at once. It asserts nothing about which thread wins a race; it checks
 * that every call fails only with a documented errno, that nothing crashes
 * (the kernel's KASAN and lockdep watch the kernel side), and that once
 * every fd is closed the driver's counters are back to zero.
 *
 * GH_STRESS_SECONDS sets the duration (default 20). Two shorter cases race
 * one punch against one give, round after round.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define FILE_SIZE	(4 * SZ_1M)
#define NTHREADS	6

struct shared {
	int dev;
	atomic_int gmem;	/* the file everybody works on; replaced now and then */
	atomic_bool stop;
	atomic_ulong calls;
	atomic_ulong unexpected;
};

struct worker {
	struct shared *s;
	int kind;
	unsigned int seed;
};

static bool expected(int e)
{
	return e == EBUSY || e == EINVAL || e == ENOENT || e == EEXIST ||
	       e == EBADF || e == ENOSPC || e == EOPNOTSUPP || e == ENOMEM ||
	       e == EIO || e == ETIMEDOUT || e == EPERM || e == EACCES ||
	       e == EFAULT;
}

static void note(struct shared *s, int ret)
{
	atomic_fetch_add(&s->calls, 1);
	if (ret < 0 && !expected(errno)) {
		atomic_fetch_add(&s->unexpected, 1);
		ksft_print_msg("unexpected errno %d (%s)\n", errno, strerror(errno));
	}
}

/* Fault pages in (and SIGBUS on lent ones) through a fresh mapping. */
static void fault_pages(struct worker *w, int gmem)
{
	unsigned char *p = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, gmem, 0);
	int i;

	note(w->s, p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	for (i = 0; i < 16; i++)
		(void)gh_read_byte(p + (rand_r(&w->seed) % FILE_SIZE));
	munmap(p, FILE_SIZE);
}

static void punch_or_truncate(struct worker *w, int gmem)
{
	off_t off = (rand_r(&w->seed) % (FILE_SIZE / SZ_4K)) * SZ_4K;

	if (rand_r(&w->seed) % 4)
		note(w->s, fallocate(gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				     off, SZ_64K));
	else
		note(w->s, ftruncate(gmem, rand_r(&w->seed) % 2 ? FILE_SIZE : off));
}

/* A VM on the file: bound, perhaps started, perhaps unbound, then closed. */
static void vm_cycle(struct worker *w, int gmem)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	int vm = ioctl(w->s->dev, GH_CREATE_VM, 0);

	note(w->s, vm);
	if (vm < 0)
		return;
	note(w->s, ftruncate(gmem, FILE_SIZE));
	note(w->s, gh_write_dtb(gmem, SZ_1M, SZ_64K, GH_GUEST_BASE));
	note(w->s, gh_map(vm, gmem, GH_GUEST_BASE, 0, SZ_2M,
			  GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX));
	note(w->s, gh_map(vm, gmem, 0xc0000000UL, SZ_2M, SZ_1M,
			  GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE));
	note(w->s, ioctl(vm, GH_VM_SET_DTB_CONFIG, &d));
	if (rand_r(&w->seed) % 2)
		note(w->s, ioctl(vm, GH_VM_START, 0));
	if (rand_r(&w->seed) % 2)
		note(w->s, gh_map(vm, gmem, 0xc0000000UL, SZ_2M, SZ_1M,
				  GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ |
				  GH_MEM_ALLOW_WRITE | GH_MEM_UNMAP));
	close(vm);
}

/* Replace the shared file: the old one goes when its last user closes it. */
static void reopen(struct worker *w)
{
	int fresh = gh_create_mem(w->s->dev, FILE_SIZE, 0), old;

	note(w->s, fresh);
	if (fresh < 0)
		return;
	old = atomic_exchange(&w->s->gmem, fresh);
	usleep(1000);
	close(old);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int gmem;

	while (!atomic_load(&w->s->stop)) {
		/* A reference of our own, so a reopen cannot pull it away. */
		gmem = dup(atomic_load(&w->s->gmem));
		if (gmem < 0)
			continue;
		switch (w->kind) {
		case 0:
		case 1:
			fault_pages(w, gmem);
			break;
		case 2:
			punch_or_truncate(w, gmem);
			break;
		case 3:
		case 4:
			vm_cycle(w, gmem);
			break;
		default:
			reopen(w);
			usleep(20000);
			break;
		}
		close(gmem);
	}
	return NULL;
}

/* No state of its own: the fixture only carries the time limit. */
FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/* The run's seconds, plus the teardown of whatever is left. */
TEST_F_TIMEOUT(stress, everything_at_once, 600)
{
	const char *env = getenv("GH_STRESS_SECONDS");
	unsigned int secs = env ? strtoul(env, NULL, 0) : 20, i;
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	struct shared s = { };

	s.dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (s.dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_LE(0, s.dev);
	atomic_store(&s.gmem, gh_create_mem(s.dev, FILE_SIZE, 0));
	ASSERT_LE(0, atomic_load(&s.gmem));

	for (i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .s = &s, .kind = i, .seed = i + 1 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, work, &w[i]));
	}
	sleep(secs);
	atomic_store(&s.stop, true);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	close(atomic_load(&s.gmem));

	ksft_print_msg("%lu calls in %u s\n", atomic_load(&s.calls), secs);
	EXPECT_EQ(0, atomic_load(&s.unexpected));
	EXPECT_EQ(0, gh_mem_total("parcels"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	EXPECT_EQ(0, gh_mem_total("pages_shared"));
	close(s.dev);
}

/*
 * A parcel a punch may take back, raced with the call that gives it: a
 * thread punches the first page of a lent binding over and over while the
 * test gives that binding. The giver must not touch the parcel once the
 * punch can free it (KASAN and the kernel log watch for that), each call
 * fails only with a documented errno, and every give succeeds: until the
 * RM has been told what the memory is for (VM_CONFIG_IMAGE to VM_START, or
 * MEM_NOTIFY), a punch of it gets EBUSY. On the public RM a parcel taken
 * back before VM_CONFIG_IMAGE fails that call, and the reset that follows
 * crashes the RM.
 */
#define RACE_ROUNDS	20
#define LATE_GPA	0xc0000000UL

struct puncher {
	struct shared *s;
	int gmem;
	off_t off;
	atomic_bool stop;
	atomic_ulong busy;
	pthread_t t;
};

static void *punch_loop(void *arg)
{
	struct puncher *p = arg;
	int ret;

	while (!atomic_load(&p->stop)) {
		ret = fallocate(p->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				p->off, SZ_4K);
		note(p->s, ret);
		if (ret && errno == EBUSY)
			atomic_fetch_add(&p->busy, 1);
	}
	return NULL;
}

static int punch_start(struct puncher *p, struct shared *s, int gmem,
		       off_t off)
{
	*p = (struct puncher){ .s = s, .gmem = gmem, .off = off };
	return pthread_create(&p->t, NULL, punch_loop, p);
}

static void punch_stop(struct puncher *p)
{
	atomic_store(&p->stop, true);
	pthread_join(p->t, NULL);
}

/* A VM whose image is a 4 MiB file's first 2 MiB, its devicetree at 1 MiB. */
static int race_vm(struct __test_metadata *_metadata, int dev, int *gmem,
		   bool rm_link)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	int vm = ioctl(dev, GH_CREATE_VM, 0);
	void *p;

	ASSERT_LE(0, vm);
	*gmem = gh_create_mem(dev, FILE_SIZE, 0);
	ASSERT_LE(0, *gmem);
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, *gmem, SZ_1M);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(0, gh_fdt_guest_cfg(p, SZ_64K, GH_GUEST_BASE, 1, 0, rm_link));
	munmap(p, SZ_64K);
	ASSERT_EQ(0, gh_map(vm, *gmem, GH_GUEST_BASE, 0, SZ_2M,
			    GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX));
	ASSERT_EQ(0, ioctl(vm, GH_VM_SET_DTB_CONFIG, &d));
	return vm;
}

struct race {
	int dev;
	struct shared s;
	int won;		/* gives that succeeded */
	unsigned long busy;	/* punches refused with EBUSY */
};

FIXTURE(race) {
	struct race r;
};

FIXTURE_SETUP(race)
{
	self->r.dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->r.dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_LE(0, self->r.dev);
}

FIXTURE_TEARDOWN(race)
{
	if (self->r.dev >= 0)
		close(self->r.dev);
}

/*
 * One round: a VM on a fresh file, a thread punching the first page of
 * what is about to be given, and the give: GH_VM_START for the image, or
 * (@running) a lend mapped into the VM once it runs.
 */
static void race_round(struct __test_metadata *_metadata, struct race *r,
		       bool running)
{
	struct puncher p;
	int vm, gmem, ret;

	vm = race_vm(_metadata, r->dev, &gmem, running);
	if (running)
		ASSERT_EQ(0, ioctl(vm, GH_VM_START, 0));
	ASSERT_EQ(0, punch_start(&p, &r->s, gmem, running ? SZ_2M : 0));
	if (running)
		ret = gh_map(vm, gmem, LATE_GPA, SZ_2M, SZ_1M, GH_MEM_FORCE_LEND |
			     GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE);
	else
		ret = ioctl(vm, GH_VM_START, 0);
	note(&r->s, ret);
	r->won += !ret;
	punch_stop(&p);
	r->busy += atomic_load(&p.busy);
	close(vm);
	close(gmem);
}

static void race_done(struct __test_metadata *_metadata, struct race *r,
		      const char *what)
{
	ksft_print_msg("%s: %d of %d given, %lu punches refused busy, %lu calls\n",
		       what, r->won, RACE_ROUNDS, r->busy,
		       atomic_load(&r->s.calls));
	EXPECT_EQ(0, atomic_load(&r->s.unexpected));
	EXPECT_EQ(RACE_ROUNDS, r->won);
	EXPECT_EQ(0, gh_mem_total("parcels"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	EXPECT_EQ(0, gh_mem_total("pages_shared"));
}

/* The image, given by GH_VM_START while its first page is punched. */
TEST_F_TIMEOUT(race, punch_against_the_image_given_at_start, 600)
{
	int i;

	for (i = 0; i < RACE_ROUNDS; i++)
		race_round(_metadata, &self->r, false);
	race_done(_metadata, &self->r, "image at start");
}

/* A lent binding mapped into a running VM while its first page is punched. */
TEST_F_TIMEOUT(race, punch_against_a_binding_given_while_running, 600)
{
	int i;

	for (i = 0; i < RACE_ROUNDS; i++)
		race_round(_metadata, &self->r, true);
	race_done(_metadata, &self->r, "binding while running");
}

TEST_HARNESS_MAIN
