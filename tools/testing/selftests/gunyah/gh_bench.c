// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark of lending guest memory, not a test: run by "ghdev bench" on a
 * kernel without debug options, under QEMU.
 *
 * For each size from 64 MiB to 1 GiB it measures, in the same run:
 *   gmem_alloc   fallocate() of a guest memory file (allocate and zero)
 *   lend         GH_VM_START of a VM whose image is that memory, already
 *                allocated: unmap, direct-map removal, parcel, RM calls
 *   reclaim      closing the VM: stop, reset, sanitizing reclaim, direct map
 *   shmem        fallocate() of a shmem memfd (the zeroing floor)
 *   secretmem    faulting in every page of a memfd_secret mapping (the
 *                nearest peer that also takes pages out of the direct map,
 *                one page and one TLB flush at a time)
 * and prints ns per MiB (median of the repetitions), each as a ratio to
 * shmem, with the parcel's entries and the TLB flushes per lend.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest.h"

#define REPS	3

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

static double bench_shmem(size_t size)
{
	int fd = memfd_create("bench", MFD_CLOEXEC);
	double t;

	if (fd < 0 || ftruncate(fd, size))
		die("memfd");
	t = now_ns();
	if (fallocate(fd, 0, 0, size))
		die("memfd fallocate");
	t = now_ns() - t;
	close(fd);
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
	long long entries, flushes;
};

static void bench_gunyah(int dev, size_t size, struct gunyah_run *r)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	long long flushes = gh_mem_total("tlb_flushes");
	char buf[4096], *e;
	int vm, gmem;
	double t;

	vm = ioctl(dev, GH_CREATE_VM, 0);
	gmem = gh_create_mem(dev, size, 0);
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
	r->entries = -1;
	if (!gh_vm_file(vm, "memory", buf, sizeof(buf))) {
		e = strstr(buf, "entries ");
		if (e)
			r->entries = strtoll(e + 8, NULL, 0);
	}

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

int main(void)
{
	static const size_t sizes[] = { 64, 256, 1024 };
	size_t avail;
	double alloc[REPS], lend[REPS], reclaim[REPS], shm[REPS], sec[REPS];
	struct gunyah_run r;
	size_t i, j, mib;
	double base;
	int dev;

	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	/* Output goes to a pipe: keep each line even if a run dies. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* memfd_secret charges its pages to RLIMIT_MEMLOCK (SIGBUS beyond). */
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited))
		die("setrlimit(RLIMIT_MEMLOCK)");
	dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die("open " GH_DEV);

	printf("gh_bench: ns per MiB, median of %d; ratio to shmem fallocate\n", REPS);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		mib = sizes[i];
		/*
		 * A primary VM of a real hypervisor has 1 GiB in all: a size
		 * that does not fit twice (the peer and guest memory, plus
		 * headroom) is skipped rather than OOM-killed.
		 */
		avail = mem_available_mib();
		if (avail < mib * 2 + mib / 4) {
			printf("gh_bench: %4zu MiB skipped: needs about %zu MiB free, ",
			       mib, mib * 2 + mib / 4);
			printf("MemAvailable is %zu MiB\n", avail);
			continue;
		}
		for (j = 0; j < REPS; j++) {
			shm[j] = bench_shmem(mib << 20) / mib;
			sec[j] = bench_secretmem(mib << 20) / mib;
			bench_gunyah(dev, mib << 20, &r);
			alloc[j] = r.alloc / mib;
			lend[j] = r.lend / mib;
			reclaim[j] = r.reclaim / mib;
		}
		base = median(shm);
		printf("gh_bench: %4zu MiB shmem     %10.0f  1.00\n", mib, base);
		printf("gh_bench: %4zu MiB secretmem %10.0f  %.2f\n", mib,
		       median(sec), median(sec) / base);
		printf("gh_bench: %4zu MiB gmem_alloc %9.0f  %.2f\n", mib,
		       median(alloc), median(alloc) / base);
		printf("gh_bench: %4zu MiB lend      %10.0f  %.2f\n", mib,
		       median(lend), median(lend) / base);
		printf("gh_bench: %4zu MiB reclaim   %10.0f  %.2f\n", mib,
		       median(reclaim), median(reclaim) / base);
		printf("gh_bench: %4zu MiB entries %lld pages %zu tlb_flushes_per_lend %lld\n",
		       mib, r.entries, (mib << 20) / SZ_4K, r.flushes);
	}
	close(dev);
	return 0;
}
