// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory files: creation flags and sizes, fallocate and punch hole,
 * truncate, refused read/write and private mappings, zeroed pages, and a
 * host that cannot reach lent memory (SIGBUS, process_vm_readv,
 * /proc/pid/mem).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define MEM_SIZE	(4 * SZ_1M)

FIXTURE(gmem) {
	int dev;
	int fd;
};

FIXTURE_SETUP(gmem)
{
	self->fd = -1;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	self->fd = gh_create_mem(self->dev, MEM_SIZE, GHMF_CLOEXEC);
	ASSERT_GE(self->fd, 0) TH_LOG("GH_CREATE_GUEST_MEM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(gmem)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(gmem, create_flags_and_sizes)
{
	struct gh_create_mem_args a = { .size = SZ_2M };
	int fd;

	EXPECT_EQ(FD_CLOEXEC, fcntl(self->fd, F_GETFD) & FD_CLOEXEC);
	fd = gh_create_mem(self->dev, SZ_2M, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = gh_create_mem(self->dev, SZ_2M, GHMF_ALLOW_HUGEPAGE);
	ASSERT_GE(fd, 0);
	close(fd);

	EXPECT_EQ(-1, gh_create_mem(self->dev, SZ_2M, 1 << 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_create_mem(self->dev, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_create_mem(self->dev, SZ_4K + 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_create_mem(self->dev, ~0ULL & ~(SZ_4K - 1), 0));
	EXPECT_EQ(EINVAL, errno);
	a.reserved[5] = 1;
	EXPECT_EQ(-1, ioctl(self->dev, GH_CREATE_GUEST_MEM, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev, GH_CREATE_GUEST_MEM, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(gmem, stat_and_truncate)
{
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(MEM_SIZE, st.st_size);
	EXPECT_EQ(0, ftruncate(self->fd, 2 * MEM_SIZE));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(2 * MEM_SIZE, st.st_size);
	EXPECT_EQ(0, ftruncate(self->fd, SZ_1M));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ(SZ_1M, st.st_size);
	EXPECT_EQ(-1, ftruncate(self->fd, SZ_1M + 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(gmem, read_write_and_private_mappings_refused)
{
	char buf[16] = { 0 };

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(gmem, fallocate_matrix)
{
	const int keep = FALLOC_FL_KEEP_SIZE, punch = keep | FALLOC_FL_PUNCH_HOLE;

	EXPECT_EQ(0, fallocate(self->fd, keep, 0, MEM_SIZE));
	/* Unaligned offsets and lengths. */
	EXPECT_EQ(-1, fallocate(self->fd, keep, 1, SZ_4K));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, fallocate(self->fd, keep, 0, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, fallocate(self->fd, punch, SZ_4K, SZ_4K + 1));
	EXPECT_EQ(EINVAL, errno);
	/* Past the end of the file. */
	EXPECT_EQ(-1, fallocate(self->fd, keep, MEM_SIZE - SZ_4K, 2 * SZ_4K));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, fallocate(self->fd, keep, ~0ULL & ~(SZ_4K - 1), SZ_4K * 2));
	EXPECT_EQ(EINVAL, errno);
	/* Growing the file is not fallocate's job. */
	EXPECT_EQ(-1, fallocate(self->fd, 0, 0, SZ_4K));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, fallocate(self->fd, keep | FALLOC_FL_COLLAPSE_RANGE, 0, SZ_4K));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* Punching allocated, unallocated and already punched ranges. */
	EXPECT_EQ(0, fallocate(self->fd, punch, 0, SZ_1M));
	EXPECT_EQ(0, fallocate(self->fd, punch, 0, SZ_1M));
	EXPECT_EQ(0, fallocate(self->fd, punch, SZ_2M, SZ_4K));
	/* A hole past the end is no hole: nothing to do, as on shmem. */
	EXPECT_EQ(0, fallocate(self->fd, punch, MEM_SIZE, SZ_4K));
	EXPECT_EQ(0, fallocate(self->fd, punch, 2 * MEM_SIZE, SZ_1M));
	EXPECT_EQ(0, fallocate(self->fd, punch, MEM_SIZE - SZ_4K, 2 * SZ_4K));
}

TEST_F(gmem, pages_start_zeroed_and_punch_zeroes)
{
	unsigned char *p;
	size_t i;

	p = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < MEM_SIZE; i += SZ_4K)
		ASSERT_EQ(0, p[i + 17]);
	memset(p, 0xa5, MEM_SIZE);
	ASSERT_EQ(0, fallocate(self->fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       SZ_1M, SZ_64K));
	EXPECT_EQ(0, p[SZ_1M]);
	EXPECT_EQ(0, p[SZ_1M + SZ_64K - 1]);
	EXPECT_EQ(0xa5, p[SZ_1M - 1]);
	EXPECT_EQ(0xa5, p[SZ_1M + SZ_64K]);
	munmap(p, MEM_SIZE);
}

/* Does reading *p raise SIGBUS? */
static int reads_sigbus(unsigned char *p)
{
	return gh_read_byte(p) == -1;
}

TEST_F(gmem, sigbus_past_eof)
{
	unsigned char *p;

	p = mmap(NULL, 2 * SZ_4K, PROT_READ, MAP_SHARED, self->fd, MEM_SIZE - SZ_4K);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, reads_sigbus(p));
	EXPECT_EQ(1, reads_sigbus(p + SZ_4K));
	munmap(p, 2 * SZ_4K);
}

/* A started VM whose image is this test's memory; p maps all of it. */
FIXTURE(lent) {
	int dev;
	int vm;
	int gmem;
	unsigned char *p;
};

FIXTURE_SETUP(lent)
{
	self->vm = -1;
	self->gmem = -1;
	self->p = MAP_FAILED;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_setup_bootable(self->dev, self->vm);
	ASSERT_GE(self->gmem, 0);
	/* Mapped and touched by the host before the lend. */
	self->p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->gmem, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	memcpy(self->p, "guest image", 12);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0)) TH_LOG("start: %s",
							     strerror(errno));
}

FIXTURE_TEARDOWN(lent)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, SZ_2M);
	if (self->vm >= 0)
		close(self->vm);
	if (self->gmem >= 0)
		close(self->gmem);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(lent, host_access_gets_sigbus)
{
	EXPECT_EQ(1, reads_sigbus(self->p));
	EXPECT_EQ(1, reads_sigbus(self->p + SZ_2M - 1));
	/* A new mapping of the range does no better. */
	EXPECT_EQ(1, reads_sigbus(mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED,
				       self->gmem, 0)));
}

TEST_F(lent, other_processes_cannot_read_it)
{
	struct iovec local, remote;
	char buf[16], path[64];
	int fd;

	local.iov_base = buf;
	local.iov_len = sizeof(buf);
	remote.iov_base = self->p;
	remote.iov_len = sizeof(buf);
	EXPECT_EQ(-1, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);

	snprintf(path, sizeof(path), "/proc/%d/mem", getpid());
	fd = open(path, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-1, pread(fd, buf, sizeof(buf), (off_t)(unsigned long)self->p));
	EXPECT_EQ(EIO, errno);
	close(fd);
}

TEST_F(lent, punch_and_truncate_refused_while_lent)
{
	EXPECT_EQ(-1, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				0, SZ_4K));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ftruncate(self->gmem, SZ_1M));
	EXPECT_EQ(EBUSY, errno);
}

TEST_F(lent, memory_comes_back_zeroed)
{
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	/* The guest's memory returns sanitized: the host's data is gone too. */
	EXPECT_EQ(0, reads_sigbus(self->p));
	EXPECT_EQ(0, self->p[0]);
	EXPECT_EQ(0, self->p[SZ_1M + 3]);
}

#define CG	"/tmp/gh-cgroup"

static long long memory_current(const char *cg)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	if (gh_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

/* Memory is charged to the creator's cgroup, whoever allocates it. */
TEST(charged_to_the_creators_memcg)
{
	char pid[32];
	long long before, after;
	int dev, fd;

	dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(dev, 0);
	mkdir(CG, 0755);
	if (mount("none", CG, "cgroup2", 0, NULL) && errno != EBUSY)
		SKIP(return, "no cgroup2 file system: %s", strerror(errno));
	ASSERT_EQ(0, gh_write_file(CG "/cgroup.subtree_control", "+memory"));
	mkdir(CG "/creator", 0755);
	snprintf(pid, sizeof(pid), "%d", getpid());

	/* Created from the "creator" cgroup... */
	ASSERT_EQ(0, gh_write_file(CG "/creator/cgroup.procs", pid));
	fd = gh_create_mem(dev, 8 * SZ_1M, 0);
	ASSERT_GE(fd, 0);
	/* ...allocated from the root. */
	ASSERT_EQ(0, gh_write_file(CG "/cgroup.procs", pid));
	before = memory_current(CG "/creator");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 8 * SZ_1M));
	after = memory_current(CG "/creator");
	EXPECT_LE((long long)(8 * SZ_1M), after - before);

	close(fd);
	close(dev);
	rmdir(CG "/creator");
	umount(CG);
	rmdir(CG);
}

TEST_HARNESS_MAIN
