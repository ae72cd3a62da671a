// SPDX-License-Identifier: GPL-2.0-only
/*
 * A seeded random-operation fuzzer for /dev/gunyah: every /dev/gunyah, VM,
 * vCPU and guest-memory ioctl, fallocate, ftruncate, mmap and host touches,
 * close, with random and boundary arguments, on a small pool of fds.
 *
 * The run is a pure function of its seed: the seed is printed first, and
 * GH_FUZZ_SEED=<seed> replays it; GH_FUZZ_OPS sets the number of operations
 * (default 20000; "ghdev fuzz" runs 1,000,000); GH_FUZZ_TRACE=1 prints
 * each operation's number before it runs. What is checked: no
 * operation may crash the test (SIGBUS on a host touch of lent memory is
 * caught and expected), none may return an errno outside the documented
 * set, and once every fd is closed the driver holds no parcel and no page.
 * The kernel's own checkers (KASAN, lockdep, kmemleak) watch the rest.
 * A run that stops making progress for a minute (a wait in the kernel
 * that nothing ends: the hung-task detector does not report killable
 * ones) prints where, with the kernel stacks of its threads, and fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define NVMS		3
#define NMEMS		3
#define NVCPUS		4
#define NEVENTS		2
#define NMAPS		4
#define MEM_MAX		(8 * SZ_1M)

struct fuzz {
	uint64_t state;		/* xorshift64* */
	int dev;
	int vm[NVMS];
	int mem[NMEMS];
	uint64_t mem_size[NMEMS];
	int vcpu[NVCPUS];
	struct gh_vcpu_run *run[NVCPUS];
	int event[NEVENTS];
	void *map[NMAPS];
	size_t map_len[NMAPS];
	unsigned long ops[32];
	unsigned long unexpected;
};

static uint64_t rnd(struct fuzz *f)
{
	f->state ^= f->state >> 12;
	f->state ^= f->state << 25;
	f->state ^= f->state >> 27;
	return f->state * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct fuzz *f, uint64_t n)
{
	return n ? rnd(f) % n : 0;
}

/* A size or offset: mostly small and page-aligned, sometimes at the edges. */
static uint64_t pick_len(struct fuzz *f)
{
	static const uint64_t edge[] = {
		0, 1, SZ_4K - 1, SZ_4K, SZ_4K + 1, SZ_64K, SZ_1M, SZ_2M,
		SZ_2M + SZ_4K, MEM_MAX, MEM_MAX + SZ_4K, 1ULL << 40, ~0ULL,
		~0ULL - SZ_4K + 1, 1ULL << 63,
	};

	if (below(f, 4) == 0)
		return edge[below(f, ARRAY_SIZE(edge))];
	return below(f, MEM_MAX / SZ_4K + 1) * SZ_4K;
}

static uint64_t pick_gpa(struct fuzz *f)
{
	static const uint64_t base[] = {
		GH_GUEST_BASE, 0xc0000000UL, 0, 0x9000000, 1ULL << 36, ~0ULL & ~(SZ_4K - 1),
	};

	return base[below(f, ARRAY_SIZE(base))] + below(f, 64) * SZ_64K *
	       (below(f, 8) != 0);
}

/* An fd of the pool, or sometimes a wrong or invalid one. */
static int pick_fd(struct fuzz *f, const int *pool, int n)
{
	switch (below(f, 10)) {
	case 0:
		return -1;
	case 1:
		return f->dev;
	case 2:
		return 1000;
	default:
		return pool[below(f, n)];
	}
}

static void close_slot(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The errnos the uapi documents for these calls. Anything else (or a crash)
 * is a bug. EINTR comes from the timer that cuts vCPU runs short.
 */
static bool errno_expected(int e)
{
	switch (e) {
	case EINVAL: case EBADF: case ENOTTY: case EFAULT: case EEXIST:
	case ENOENT: case EBUSY: case ENOSPC: case ENOMEM: case EOVERFLOW:
	case EOPNOTSUPP: case EPERM: case EACCES: case EINTR: case ENODEV:
	case E2BIG: case ENXIO: case EFBIG: case ETIMEDOUT: case EIO:
	case EAGAIN: case ENFILE: case EMFILE: case ESRCH:
		return true;
	default:
		return false;
	}
}

static void check(struct fuzz *f, int op, long ret)
{
	f->ops[op]++;
	if (ret < 0 && !errno_expected(errno)) {
		f->unexpected++;
		ksft_print_msg("op %d: unexpected errno %d (%s)\n", op, errno,
			       strerror(errno));
	}
}

static void op_create_vm(struct fuzz *f)
{
	int i = below(f, NVMS);

	close_slot(&f->vm[i]);
	f->vm[i] = ioctl(f->dev, GH_CREATE_VM, below(f, 4) ? 0 : below(f, 3));
	check(f, 0, f->vm[i]);
}

static void op_create_mem(struct fuzz *f)
{
	struct gh_create_mem_args a = { };
	int i = below(f, NMEMS);

	a.flags = below(f, 6) ? below(f, 4) : rnd(f);
	a.size = below(f, 3) ? (below(f, MEM_MAX / SZ_64K) + 1) * SZ_64K : pick_len(f);
	if (!below(f, 20))
		a.reserved[below(f, 6)] = 1;
	close_slot(&f->mem[i]);
	f->mem[i] = ioctl(f->dev, GH_CREATE_GUEST_MEM, &a);
	f->mem_size[i] = f->mem[i] >= 0 ? a.size : 0;
	check(f, 1, f->mem[i]);
}

/* A lent image binding with a bootable devicetree, sometimes. */
static void op_bootable(struct fuzz *f)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	int vm = f->vm[below(f, NVMS)], i = below(f, NMEMS), mem = f->mem[i];

	if (mem < 0 || f->mem_size[i] < SZ_2M) {
		f->ops[2]++;
		return;
	}
	check(f, 2, gh_write_dtb(mem, SZ_1M, SZ_64K, GH_GUEST_BASE));
	check(f, 2, gh_map(vm, mem, GH_GUEST_BASE, 0, SZ_2M,
			   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX));
	check(f, 2, ioctl(vm, GH_VM_SET_DTB_CONFIG, &d));
}

static void op_map(struct fuzz *f)
{
	static const uint32_t flags[] = {
		GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX,
		GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE,
		GH_MEM_DEFAULT_ACCESS | GH_MEM_ALLOW_READ,
		GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX | GH_MEM_UNMAP,
		GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_UNMAP,
	};
	struct gh_map_mem_args a;
	int vm = pick_fd(f, f->vm, NVMS);

	a.guest_addr = pick_gpa(f);
	a.flags = below(f, 12) ? flags[below(f, ARRAY_SIZE(flags))] : (uint32_t)rnd(f);
	a.guest_mem_fd = pick_fd(f, f->mem, NMEMS);
	a.offset = below(f, 3) ? below(f, MEM_MAX / SZ_64K) * SZ_64K : pick_len(f);
	a.size = below(f, 3) ? (below(f, 32) + 1) * SZ_64K : pick_len(f);
	check(f, 3, ioctl(vm, GH_VM_MAP_MEM, below(f, 50) ? &a : NULL));
}

static void op_dtb_config(struct fuzz *f)
{
	struct gh_vm_dtb_config d = {
		.guest_phys_addr = pick_gpa(f) + (below(f, 4) ? SZ_1M : 0),
		.size = below(f, 2) ? SZ_64K : pick_len(f),
	};

	check(f, 4, ioctl(pick_fd(f, f->vm, NVMS), GH_VM_SET_DTB_CONFIG, &d));
}

static void op_start(struct fuzz *f)
{
	check(f, 5, ioctl(pick_fd(f, f->vm, NVMS), GH_VM_START, 0));
}

static void op_function(struct fuzz *f)
{
	union {
		struct gh_fn_vcpu_arg vcpu;
		struct gh_fn_irqfd_arg irqfd;
		struct gh_fn_ioeventfd_arg io;
		uint8_t raw[GH_FN_MAX_ARG_SIZE + 8];
	} arg;
	struct gh_fn_desc d = { };
	bool add = below(f, 3) != 0;
	int vm = pick_fd(f, f->vm, NVMS), ret, i;

	memset(&arg, 0, sizeof(arg));
	d.type = below(f, 10) ? below(f, 3) + 1 : (uint32_t)rnd(f);
	switch (d.type) {
	case GH_FN_VCPU:
		arg.vcpu.id = below(f, 8) ? below(f, NVCPUS) : (uint32_t)rnd(f);
		d.arg_size = sizeof(arg.vcpu);
		break;
	case GH_FN_IRQFD:
		arg.irqfd.fd = pick_fd(f, f->event, NEVENTS);
		arg.irqfd.label = below(f, 8);
		arg.irqfd.flags = below(f, 8) ? below(f, 2) : (uint32_t)rnd(f);
		d.arg_size = sizeof(arg.irqfd);
		break;
	default:
		arg.io.fd = pick_fd(f, f->event, NEVENTS);
		arg.io.addr = 0x9000000 + below(f, 16) * 4;
		arg.io.len = 1U << below(f, 5);
		arg.io.flags = below(f, 2);
		arg.io.datamatch = below(f, 4);
		d.arg_size = sizeof(arg.io);
		break;
	}
	if (!below(f, 20))
		d.arg_size = below(f, 2) ? 0 : sizeof(arg.raw);
	d.arg = below(f, 50) ? (uint64_t)(uintptr_t)&arg : 8;
	ret = ioctl(vm, add ? GH_VM_ADD_FUNCTION : GH_VM_REMOVE_FUNCTION, &d);
	check(f, 6, ret);
	if (!add || d.type != GH_FN_VCPU || ret < 0)
		return;
	/* A new vCPU fd: keep it and its run structure. */
	i = below(f, NVCPUS);
	if (f->run[i])
		munmap(f->run[i], SZ_4K);
	f->run[i] = NULL;
	close_slot(&f->vcpu[i]);
	f->vcpu[i] = ret;
	f->run[i] = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, ret, 0);
	if (f->run[i] == MAP_FAILED)
		f->run[i] = NULL;
}

static void on_alarm(int sig)
{
}

/* A vCPU run, cut short by a timer so an idle guest cannot hang the test. */
static void op_vcpu_run(struct fuzz *f)
{
	struct itimerval t = { .it_value = { 0, 2000 } }, off = { };
	int i = below(f, NVCPUS);
	struct gh_vcpu_run *run = f->run[i];
	long ret;

	if (run) {
		run->immediate_exit = !below(f, 8);
		if (run->exit_reason == GH_VCPU_EXIT_MMIO && below(f, 4))
			run->mmio.resume_action = below(f, 6);
	}
	setitimer(ITIMER_REAL, &t, NULL);
	ret = ioctl(below(f, 10) ? f->vcpu[i] : f->dev,
		    below(f, 20) ? GH_VCPU_RUN : GH_VCPU_MMAP_SIZE, 0);
	setitimer(ITIMER_REAL, &off, NULL);
	check(f, 7, ret);
}

static void op_label(struct fuzz *f)
{
	struct gh_mem_label l = {
		.guest_addr = pick_gpa(f),
		.label = below(f, 4) ? below(f, 8) : (uint32_t)rnd(f),
		.reserved = !below(f, 20),
	};

	check(f, 8, ioctl(pick_fd(f, f->vm, NVMS),
			  below(f, 2) ? GH_VM_SET_MEM_LABEL : GH_VM_GET_MEM_LABEL,
			  &l));
}

static void op_boot_context(struct fuzz *f)
{
	struct gh_vm_boot_context c = {
		.reg = below(f, 4) ? GH_VM_BOOT_CONTEXT_REG(below(f, 4), below(f, 34)) :
				     (uint32_t)rnd(f),
		.reserved = !below(f, 20),
		.value = rnd(f),
	};

	check(f, 9, ioctl(pick_fd(f, f->vm, NVMS), GH_VM_SET_BOOT_CONTEXT, &c));
}

static void op_fallocate(struct fuzz *f)
{
	static const int modes[] = {
		0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
		FALLOC_FL_PUNCH_HOLE, FALLOC_FL_ZERO_RANGE, FALLOC_FL_COLLAPSE_RANGE,
	};
	int mem = pick_fd(f, f->mem, NMEMS);
	uint64_t off = below(f, 2) ? below(f, MEM_MAX / SZ_4K) * SZ_4K : pick_len(f);
	uint64_t len = below(f, 2) ? (below(f, 64) + 1) * SZ_4K : pick_len(f);

	check(f, 10, fallocate(mem, modes[below(f, ARRAY_SIZE(modes))],
			       (off_t)(off & INT64_MAX), (off_t)(len & INT64_MAX)));
}

static void op_truncate(struct fuzz *f)
{
	int i = below(f, NMEMS);
	uint64_t len = below(f, 2) ? below(f, MEM_MAX / SZ_64K + 1) * SZ_64K : pick_len(f);
	int ret = ftruncate(f->mem[i], (off_t)(len & INT64_MAX));

	if (!ret)
		f->mem_size[i] = len;
	check(f, 11, ret);
}

static void op_mmap(struct fuzz *f)
{
	/* Readable: op_touch catches SIGBUS, not SIGSEGV. */
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC };
	int i = below(f, NMAPS), m = below(f, NMEMS);
	size_t len = (below(f, 16) + 1) * SZ_64K;
	off_t off = below(f, MEM_MAX / SZ_64K) * SZ_64K;
	void *p;

	if (f->map[i])
		munmap(f->map[i], f->map_len[i]);
	f->map[i] = NULL;
	p = mmap(NULL, len, prots[below(f, ARRAY_SIZE(prots))],
		 below(f, 10) ? MAP_SHARED : MAP_PRIVATE, f->mem[m], off);
	check(f, 12, p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		f->map[i] = p;
		f->map_len[i] = len;
	}
}

/* Touch a mapping: a lent page or one past the end raises SIGBUS, caught. */
static void op_touch(struct fuzz *f)
{
	int i = below(f, NMAPS);
	unsigned char *p = f->map[i];

	f->ops[13]++;
	if (!p)
		return;
	p += below(f, f->map_len[i]);
	(void)gh_read_byte(p);
}

static void op_close(struct fuzz *f)
{
	int i;

	f->ops[14]++;
	switch (below(f, 4)) {
	case 0:
		close_slot(&f->vm[below(f, NVMS)]);
		break;
	case 1:
		i = below(f, NMEMS);
		close_slot(&f->mem[i]);
		f->mem_size[i] = 0;
		break;
	case 2:
		i = below(f, NVCPUS);
		if (f->run[i])
			munmap(f->run[i], SZ_4K);
		f->run[i] = NULL;
		close_slot(&f->vcpu[i]);
		break;
	default:
		i = below(f, NEVENTS);
		close_slot(&f->event[i]);
		f->event[i] = eventfd(0, EFD_NONBLOCK);
		break;
	}
}

static void op_dev(struct fuzz *f)
{
	/* Not number 0, GH_CREATE_VM, whose fd would be lost. */
	check(f, 15, ioctl(f->dev, below(f, 2) ? GH_CHECK_EXTENSION :
			   _IO(GH_IOCTL_TYPE, below(f, 63) + 1), below(f, 16)));
}

static void (*const ops[])(struct fuzz *f) = {
	op_create_vm, op_create_mem, op_bootable, op_map, op_map, op_dtb_config,
	op_start, op_function, op_function, op_vcpu_run, op_vcpu_run, op_label,
	op_boot_context, op_fallocate, op_truncate, op_mmap, op_touch, op_touch,
	op_close, op_dev,
};

static void fuzz_close_all(struct fuzz *f)
{
	int i;

	for (i = 0; i < NMAPS; i++)
		if (f->map[i])
			munmap(f->map[i], f->map_len[i]);
	for (i = 0; i < NVCPUS; i++) {
		if (f->run[i])
			munmap(f->run[i], SZ_4K);
		close_slot(&f->vcpu[i]);
	}
	for (i = 0; i < NVMS; i++)
		close_slot(&f->vm[i]);
	for (i = 0; i < NMEMS; i++)
		close_slot(&f->mem[i]);
	for (i = 0; i < NEVENTS; i++)
		close_slot(&f->event[i]);
}

/* No state of its own: the fixture only carries the time limit. */
FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/* Operations done, and the one running, for the watchdog. */
static unsigned long fuzz_done;
static unsigned int fuzz_op;

/* Print the kernel stack of each of our threads. */
static void print_thread_stacks(void)
{
	char path[64], buf[4096];
	struct dirent *d;
	DIR *dir;
	ssize_t n;

	dir = opendir("/proc/self/task");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.16s/stack", d->d_name);
		n = gh_read_file(path, buf, sizeof(buf));
		ksft_print_msg("thread %s kernel stack:\n%s\n", d->d_name,
			       n > 0 ? buf : "(unreadable)");
	}
	closedir(dir);
}

static void *fuzz_watchdog(void *arg)
{
	unsigned long seen = 0, done;
	int quiet = 0;
	sigset_t set;

	/* The operations' timers are for the main thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		sleep(10);
		done = __atomic_load_n(&fuzz_done, __ATOMIC_RELAXED);
		if (done != seen) {
			seen = done;
			quiet = 0;
			continue;
		}
		if (++quiet < 6)
			continue;
		ksft_print_msg("no progress for 60 s: operation %lu (op %u) does not return\n",
			       done, __atomic_load_n(&fuzz_op, __ATOMIC_RELAXED));
		print_thread_stacks();
		fflush(stdout);
		_exit(KSFT_FAIL);
	}
	return NULL;
}

/* An hour: "ghdev fuzz" runs 1,000,000 operations under KASAN. */
TEST_F_TIMEOUT(fuzz, random_operations, 3600)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	const char *seed_env = getenv("GH_FUZZ_SEED");
	const char *ops_env = getenv("GH_FUZZ_OPS");
	bool trace = getenv("GH_FUZZ_TRACE");
	unsigned long n = ops_env ? strtoul(ops_env, NULL, 0) : 20000, i;
	pthread_t watchdog;
	uint64_t seed;
	struct fuzz f;

	memset(&f, 0, sizeof(f));
	f.dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (f.dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_LE(0, f.dev);
	seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL) * 2654435761ULL;
	f.state = seed | 1;
	ksft_print_msg("seed %#llx (replay: GH_FUZZ_SEED=%#llx GH_FUZZ_OPS=%lu)\n",
		       (unsigned long long)seed, (unsigned long long)seed, n);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	for (i = 0; i < NVMS; i++)
		f.vm[i] = -1;
	for (i = 0; i < NMEMS; i++)
		f.mem[i] = -1;
	for (i = 0; i < NVCPUS; i++)
		f.vcpu[i] = -1;
	for (i = 0; i < NEVENTS; i++)
		f.event[i] = eventfd(0, EFD_NONBLOCK);

	ASSERT_EQ(0, pthread_create(&watchdog, NULL, fuzz_watchdog, NULL));
	for (i = 0; i < n; i++) {
		unsigned int op = below(&f, ARRAY_SIZE(ops));

		if (trace)
			ksft_print_msg("%lu: op %u\n", i, op);
		else if (i && !(i % 100000))
			ksft_print_msg("%lu operations\n", i);
		__atomic_store_n(&fuzz_op, op, __ATOMIC_RELAXED);
		ops[op](&f);
		__atomic_store_n(&fuzz_done, i + 1, __ATOMIC_RELAXED);
	}

	fuzz_close_all(&f);
	for (i = 0; i < 16; i++)
		ksft_print_msg("op %lu: %lu calls\n", i, f.ops[i]);
	EXPECT_EQ(0, f.unexpected);
	/* Everything closed: the driver holds nothing any more. */
	EXPECT_EQ(0, gh_mem_total("parcels"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	EXPECT_EQ(0, gh_mem_total("pages_shared"));
	close(f.dev);
}

TEST_HARNESS_MAIN
