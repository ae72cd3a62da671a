// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of lending guest memory, not a test: run by "ghdev bench" on a
 * kernel without debug options, under QEMU, on the simulated RM or on a
 * real Gunyah hypervisor.
 *
 * For each size (64 MiB, 256 MiB, 1 GiB; a size that does not fit in the
 * machine is skipped with a line saying so) it measures, in the same boot:
 *   shmem        fallocate() of a shmem memfd, 4 KiB pages (the floor:
 *                allocating; shmem zeroes a page on its first use)
 *   shmem_thp    fallocate() of a file on a tmpfs mounted huge=always
 *                (the same with 2 MiB folios)
 *   shmem_thp_zeroed  the same, then written once per page: shmem zeroes
 *                a folio on its first use, not in fallocate()
 *   secretmem    faulting in every page of a memfd_secret mapping (the
 *                peer that also takes pages out of the direct map)
 *   gmem_alloc   fallocate() of a guest memory file with
 *                GHMF_ALLOW_HUGEPAGE (as a VMM makes it)
 *   lend         GH_VM_START of a VM whose image is all of that memory:
 *                unmap, reference check, direct map, parcel, RM calls
 *   reclaim      closing the VM: stop, reset, sanitizing reclaim, direct map
 *   small_*      the same for a file without the flag (4 KiB folios in
 *                contiguous blocks)
 *   fixed        the start and teardown of a VM with a 2 MiB image: what
 *                every start and teardown costs, whatever the size
 * and prints ns per MiB (median of the repetitions) with the ratio to
 * shmem, the parcel's entries, the RM messages and bytes of the lend, the
 * kernel memory the driver holds for the parcel, the LRU drains and TLB
 * flushes of the start, and ends each size with one line:
 *   gh_bench-summary: size_mib=S entries=E rm_msgs=M rm_bytes=B
 *     alloc_lend_vs_shmem=R1 alloc_lend_vs_shmem_thp=R2 reclaim_vs_shmem=R3
 *     meta_kib=K
 * (on one line), for the file with the flag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest.h"

#define REPS		3
#define THP_DIR		"/tmp/gh_bench_thp"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v)
{
	qsort(v, REPS, sizeof(*v), cmp_double);
	return v[REPS / 2];
}

static void die(const char *what)
{
	printf("gh_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* fallocate() all of a file; with @touch, then write once per page. */
static double bench_fallocate(int fd, size_t size, bool touch)
{
	char *p;
	size_t i;
	double t;

	if (fd < 0 || ftruncate(fd, size))
		die("shmem file");
	t = now_ns();
	if (fallocate(fd, 0, 0, size))
		die("shmem fallocate");
	if (touch) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("shmem mmap");
		for (i = 0; i < size; i += SZ_4K)
			p[i] = 1;
		munmap(p, size);
	}
	t = now_ns() - t;
	close(fd);
	return t;
}

static double bench_shmem(size_t size)
{
	return bench_fallocate(memfd_create("bench", MFD_CLOEXEC), size, false);
}

/*
 * A tmpfs with huge=always: shmem with 2 MiB folios. shmem's fallocate()
 * does not zero: a folio is cleared on its first use. With @touch the file
 * is also written once per page through a mapping, which shows what
 * zeroed 2 MiB folios cost there.
 */
static double bench_shmem_thp(size_t size, bool touch)
{
	int fd = open(THP_DIR "/f", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	double t = bench_fallocate(fd, size, touch);

	unlink(THP_DIR "/f");
	return t;
}

static double bench_secretmem(size_t size)
{
	int fd = syscall(SYS_memfd_secret, 0);
	char *p;
	size_t i;
	double t;

	if (fd < 0)
		die("memfd_secret");
	if (ftruncate(fd, size))
		die("memfd_secret ftruncate");
	/*
	 * MAP_POPULATE cannot populate it (GUP refuses secret memory), so
	 * fault every page in, as a user of it would.
	 */
	t = now_ns();
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("memfd_secret mmap");
	/* p escapes to munmap(): the stores cannot be dropped. */
	for (i = 0; i < size; i += SZ_4K)
		p[i] = 1;
	t = now_ns() - t;
	munmap(p, size);
	close(fd);
	return t;
}

struct gunyah_run {
	double alloc, lend, reclaim;
	long long entries, rm_msgs, rm_bytes, meta, drains, flushes;
};

/* The value after " key " in a VM's debugfs memory file, or -1. */
static long long vm_mem_value(int vm, const char *key)
{
	char buf[4096], pat[32], *e;

	snprintf(pat, sizeof(pat), " %s ", key);
	if (gh_vm_file(vm, "memory", buf, sizeof(buf)))
		return -1;
	e = strstr(buf, pat);
	return e ? strtoll(e + strlen(pat), NULL, 0) : -1;
}

static void bench_gunyah(int dev, size_t size, __u64 flags,
			 struct gunyah_run *r)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	long long flushes = gh_mem_total("tlb_flushes");
	long long drains = gh_mem_total("lru_drains");
	int vm, gmem;
	double t;

	vm = ioctl(dev, GH_CREATE_VM, 0);
	gmem = gh_create_mem(dev, size, flags);
	if (vm < 0 || gmem < 0)
		die("create");

	t = now_ns();
	if (fallocate(gmem, FALLOC_FL_KEEP_SIZE, 0, size))
		die("gmem fallocate");
	r->alloc = now_ns() - t;

	if (gh_write_dtb(gmem, 0, SZ_64K, GH_GUEST_BASE) ||
	    gh_map(vm, gmem, GH_GUEST_BASE, 0, size,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX) ||
	    ioctl(vm, GH_VM_SET_DTB_CONFIG, &d))
		die("configure");

	t = now_ns();
	if (ioctl(vm, GH_VM_START, 0))
		die("start");
	r->lend = now_ns() - t;

	r->flushes = gh_mem_total("tlb_flushes") - flushes;
	r->drains = gh_mem_total("lru_drains") - drains;
	r->entries = vm_mem_value(vm, "entries");
	r->rm_msgs = vm_mem_value(vm, "rm_msgs");
	r->rm_bytes = vm_mem_value(vm, "rm_bytes");
	r->meta = vm_mem_value(vm, "meta_bytes");

	t = now_ns();
	close(vm);
	r->reclaim = now_ns() - t;
	close(gmem);
}

/* MemAvailable from /proc/meminfo, in MiB; 0 if it cannot be read. */
static size_t mem_available_mib(void)
{
	char line[128];
	size_t kib = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %zu kB", &kib) == 1)
			break;
	fclose(f);
	return kib >> 10;
}

struct series {
	double alloc[REPS], lend[REPS], reclaim[REPS];
	struct gunyah_run last;
};

static void series_add(struct series *s, int rep, size_t mib,
		       const struct gunyah_run *r)
{
	s->alloc[rep] = r->alloc / mib;
	s->lend[rep] = r->lend / mib;
	s->reclaim[rep] = r->reclaim / mib;
	s->last = *r;
}

static void print_line(size_t mib, const char *what, double v, double base)
{
	printf("gh_bench: %4zu MiB %-16s %10.0f  %.2f\n", mib, what, v, v / base);
}

/* Print a series; return the median alloc+lend and reclaim per MiB. */
static void print_series(size_t mib, const char *name, struct series *s,
			 double base, double *alloc_lend, double *reclaim)
{
	char what[32];

	*alloc_lend = median(s->alloc) + median(s->lend);
	*reclaim = median(s->reclaim);
	snprintf(what, sizeof(what), "%s_alloc", name);
	print_line(mib, what, median(s->alloc), base);
	snprintf(what, sizeof(what), "%s_lend", name);
	print_line(mib, what, median(s->lend), base);
	snprintf(what, sizeof(what), "%s_alloc+lend", name);
	print_line(mib, what, *alloc_lend, base);
	snprintf(what, sizeof(what), "%s_reclaim", name);
	print_line(mib, what, *reclaim, base);
	printf("gh_bench: %4zu MiB %s entries %lld (%.1f per 2 MiB) pages %zu",
	       mib, name, s->last.entries, s->last.entries / (mib / 2.0),
	       (mib << 20) / SZ_4K);
	printf(" rm_msgs %lld rm_bytes %lld meta_bytes %lld", s->last.rm_msgs,
	       s->last.rm_bytes, s->last.meta);
	printf(" lru_drains %lld tlb_flushes_per_lend %lld\n", s->last.drains,
	       s->last.flushes);
}

static void bench_size(int dev, size_t mib)
{
	double shm[REPS], thp[REPS], thp_z[REPS], sec[REPS];
	double fixed_lend[REPS], fixed_reclaim[REPS];
	double base, base_thp, al, rc, al_small, rc_small;
	struct series huge, small;
	struct gunyah_run r;
	int j;

	for (j = 0; j < REPS; j++) {
		shm[j] = bench_shmem(mib << 20) / mib;
		thp[j] = bench_shmem_thp(mib << 20, false) / mib;
		thp_z[j] = bench_shmem_thp(mib << 20, true) / mib;
		sec[j] = bench_secretmem(mib << 20) / mib;
		bench_gunyah(dev, mib << 20, GHMF_ALLOW_HUGEPAGE, &r);
		series_add(&huge, j, mib, &r);
		bench_gunyah(dev, mib << 20, 0, &r);
		series_add(&small, j, mib, &r);
	}
	base = median(shm);
	base_thp = median(thp);
	print_line(mib, "shmem", base, base);
	print_line(mib, "shmem_thp", base_thp, base);
	print_line(mib, "shmem_thp_zeroed", median(thp_z), base);
	print_line(mib, "secretmem", median(sec), base);
	print_series(mib, "gmem", &huge, base, &al, &rc);
	print_series(mib, "small", &small, base, &al_small, &rc_small);
	/*
	 * What a start and a teardown cost whatever the size: the same for
	 * a 2 MiB image, in ms.
	 */
	for (j = 0; j < REPS; j++) {
		bench_gunyah(dev, SZ_2M, GHMF_ALLOW_HUGEPAGE, &r);
		fixed_lend[j] = r.lend / 1e6;
		fixed_reclaim[j] = r.reclaim / 1e6;
	}
	printf("gh_bench: %4zu MiB fixed: a 2 MiB VM starts in %.1f ms, goes in %.1f ms;",
	       mib, median(fixed_lend), median(fixed_reclaim));
	printf(" this size: lend %.1f ms, reclaim %.1f ms, shmem %.1f ms\n",
	       median(huge.lend) * mib / 1e6, median(huge.reclaim) * mib / 1e6,
	       base * mib / 1e6);

	/* One line, for scripts. */
	printf("gh_bench-summary: size_mib=%zu entries=%lld rm_msgs=%lld rm_bytes=%lld",
	       mib, huge.last.entries, huge.last.rm_msgs, huge.last.rm_bytes);
	printf(" alloc_lend_vs_shmem=%.2f alloc_lend_vs_shmem_thp=%.2f",
	       al / base, al / base_thp);
	printf(" reclaim_vs_shmem=%.2f meta_kib=%.1f\n", rc / base,
	       huge.last.meta / 1024.0);
}

int main(void)
{
	static const size_t sizes[] = { 64, 256, 1024 };
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	size_t i, mib, avail;
	int dev;

	/* Output goes to a pipe: keep each line even if a run dies. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* memfd_secret charges its pages to RLIMIT_MEMLOCK (SIGBUS beyond). */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited))
		die("setrlimit(RLIMIT_MEMLOCK)");
	mkdir("/tmp", 0755);
	if (mkdir(THP_DIR, 0700) && errno != EEXIST)
		die("mkdir " THP_DIR);
	if (mount("tmpfs", THP_DIR, "tmpfs", 0, "huge=always,size=90%"))
		die("mount tmpfs huge=always");
	dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die("open " GH_DEV);

	printf("gh_bench: ns per MiB, median of %d; ratio to shmem fallocate\n", REPS);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		mib = sizes[i];
		/*
		 * A primary VM of a real hypervisor has 1 GiB in all: a size
		 * that does not fit (one of the files at a time, plus a
		 * quarter for headroom) is skipped rather than OOM-killed.
		 */
		avail = mem_available_mib();
		if (avail < mib + mib / 4) {
			printf("gh_bench: %4zu MiB skipped: needs about %zu MiB free,",
			       mib, mib + mib / 4);
			printf(" MemAvailable is %zu MiB\n", avail);
			continue;
		}
		bench_size(dev, mib);
	}
	close(dev);
	umount(THP_DIR);
	printf("gh_bench: done\n");
	return 0;
}
