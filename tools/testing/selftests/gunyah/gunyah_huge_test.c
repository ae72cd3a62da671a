// SPDX-License-Identifier: GPL-2.0-only
/*
 * 2 MiB folios and physically contiguous memory: a file made with
 * GHMF_ALLOW_HUGEPAGE holds every 2 MiB-aligned 2 MiB range as one 2 MiB
 * folio whichever way it is allocated (fallocate of part of it, a host
 * fault, a lend), its bindings are 2 MiB-aligned so that no folio is part
 * lent, part not, and a lend of it lists at most one entry per 2 MiB. A
 * file without the flag is allocated in contiguous blocks: at most one
 * entry per 256 KiB. A VM start drains the LRU batches once and flushes the
 * TLB once per lent parcel; the parcel's kernel memory is bounded.
 *
 * The cases read the driver's own debugfs (gunyah/memory and the VM's
 * memory file), so they run on the simulated RM and on a real one alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define LEND		(GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX)
#define SHARE		(GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE)
#define HUGE_SIZE	(4 * SZ_2M)
#define SHM_GPA		0xc0000000UL

FIXTURE(huge) {
	int dev;
	int vm;
	int gmem;
};

FIXTURE_SETUP(huge)
{
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	self->vm = -1;
	self->gmem = -1;
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	if (ioctl(self->dev, GH_CHECK_EXTENSION, GH_CAP_HUGEPAGES) != 1)
		SKIP(return, "GH_CAP_HUGEPAGES is 0: no transparent huge pages");
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_create_mem(self->dev, HUGE_SIZE, GHMF_ALLOW_HUGEPAGE);
	ASSERT_GE(self->gmem, 0);
}

FIXTURE_TEARDOWN(huge)
{
	gh_close(&self->vm);
	gh_close(&self->gmem);
	gh_close(&self->dev);
}

/* A devicetree at @off of the file, and the VM's image binding of @size. */
static int bind_image(int vm, int gmem, __u64 off, __u64 size)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + off,
				      .size = SZ_64K };

	if (gh_write_dtb(gmem, off, SZ_64K, GH_GUEST_BASE))
		return -1;
	if (gh_map(vm, gmem, GH_GUEST_BASE, 0, size, LEND))
		return -1;
	return ioctl(vm, GH_VM_SET_DTB_CONFIG, &d);
}

/*
 * Issue 11, item 1: a 1 MiB lend at the start of a 2 MiB folio, the VM
 * started, the host touching the unbound half of the folio: the lent half
 * must not become readable through the folio's (PMD) mapping.
 */
TEST_F(huge, binding_of_part_of_a_folio_refused)
{
	unsigned char *p;
	int ret;

	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE, 0, SZ_2M));
	ASSERT_EQ(0, gh_write_dtb(self->gmem, 0, SZ_64K, GH_GUEST_BASE));
	ret = gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0, SZ_1M, LEND);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINVAL, errno);
	if (!ret) {
		struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
					      .size = SZ_64K };

		ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
		ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	}
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, gh_read_byte(p + SZ_1M));
	/* Lent (before the fix) or never lent: never the guest's image. */
	if (!ret)
		EXPECT_EQ(-1, gh_read_byte(p));
	munmap(p, SZ_2M);

	/* Every other misalignment too, and for an unmap. */
	EXPECT_EQ(-1, gh_map(self->vm, self->gmem, GH_GUEST_BASE + SZ_1M, 0,
			     SZ_2M, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(self->vm, self->gmem, GH_GUEST_BASE, SZ_1M, SZ_2M,
			     LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0,
			     SZ_2M + SZ_4K, LEND));
	EXPECT_EQ(EINVAL, errno);
	if (ret) {
		ASSERT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0,
				    2 * SZ_2M, LEND));
		EXPECT_EQ(-1, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0,
				     SZ_1M, LEND | GH_MEM_UNMAP));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0,
				    SZ_2M, LEND | GH_MEM_UNMAP));
	}
}

/* A lent 2 MiB folio is out of reach; its unbound neighbour is not. */
TEST_F(huge, lent_folio_unreachable_neighbour_mappable)
{
	unsigned char *p;

	ASSERT_EQ(0, bind_image(self->vm, self->gmem, 0, SZ_2M));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	p = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, gh_read_byte(p + SZ_2M + SZ_4K));
	EXPECT_EQ(-1, gh_read_byte(p));
	EXPECT_EQ(-1, gh_read_byte(p + SZ_2M - 1));
	munmap(p, HUGE_SIZE);
}

/*
 * Each 2 MiB range is one 2 MiB folio however it was allocated: by a
 * fallocate() of one page of it, by a host fault (the devicetree's write),
 * or when the lend needs it; the parcel then lists at most one entry per
 * folio. The debugfs counters say so, with no fallback counted.
 */
TEST_F(huge, every_allocation_path_gives_2m_folios)
{
	long long fallbacks = gh_mem_total("huge_fallbacks");
	long long huge = gh_mem_total("huge_folios");

	ASSERT_LE(0, fallbacks);
	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE, SZ_4K, SZ_4K));
	/* The devicetree, written through a mapping, in the second range. */
	ASSERT_EQ(0, bind_image(self->vm, self->gmem, SZ_2M + SZ_1M, HUGE_SIZE));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));

	ASSERT_EQ(0, gh_mem_total("huge_fallbacks") - fallbacks);
	EXPECT_EQ(4, gh_mem_total("huge_folios") - huge);
	EXPECT_EQ(HUGE_SIZE / SZ_4K,
		  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "pages"));
	EXPECT_EQ(4, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "folios"));
	EXPECT_EQ(4, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "huge_folios"));
	EXPECT_LE(1, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "entries"));
	EXPECT_GE(4, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "entries"));
}

/*
 * A start lends with one LRU drain in all and one TLB flush per lent
 * parcel; a parcel's kernel memory grows with neither its pages nor its
 * entries, and what it sent the RM is counted.
 */
TEST_F(huge, one_drain_per_start_and_bounded_metadata)
{
	long long drains = gh_mem_total("lru_drains");
	long long flushes = gh_mem_total("tlb_flushes");
	long long meta = gh_mem_total("meta_bytes");
	long long entries, bytes;
	int other;

	other = gh_create_mem(self->dev, 2 * SZ_2M, GHMF_ALLOW_HUGEPAGE);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, bind_image(self->vm, self->gmem, 0, HUGE_SIZE));
	ASSERT_EQ(0, gh_map(self->vm, other, SHM_GPA, 0, 2 * SZ_2M, LEND));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));

	EXPECT_EQ(1, gh_mem_total("lru_drains") - drains);
	EXPECT_EQ(2, gh_mem_total("tlb_flushes") - flushes);
	entries = gh_vm_binding_value(self->vm, GH_GUEST_BASE, "entries");
	bytes = gh_vm_binding_value(self->vm, GH_GUEST_BASE, "meta_bytes");
	EXPECT_LE(1, entries);
	/* The parcel and its ACL: the same for both, well under a page. */
	EXPECT_EQ(bytes, gh_vm_binding_value(self->vm, SHM_GPA, "meta_bytes"));
	EXPECT_GT(1024, bytes);
	EXPECT_LT(meta, gh_mem_total("meta_bytes"));
	EXPECT_LE(1, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "rm_msgs"));
	EXPECT_LE(entries * 16,
		  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "rm_bytes"));
	gh_close(&self->vm);
	EXPECT_EQ(meta, gh_mem_total("meta_bytes"));
	close(other);
}

/*
 * Without the flag, memory is allocated in physically contiguous blocks,
 * in file order: a lend lists at most one entry per 256 KiB.
 */
TEST_F(huge, small_folios_come_in_contiguous_runs)
{
	int gmem = gh_create_mem(self->dev, 8 * SZ_1M, 0);
	long long entries;

	ASSERT_LE(0, gmem);
	ASSERT_EQ(0, fallocate(gmem, FALLOC_FL_KEEP_SIZE, 0, 4 * SZ_1M));
	ASSERT_EQ(0, bind_image(self->vm, gmem, SZ_1M, 8 * SZ_1M));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	entries = gh_vm_binding_value(self->vm, GH_GUEST_BASE, "entries");
	EXPECT_LE(1, entries);
	EXPECT_GE(8 * SZ_1M / SZ_256K, entries);
	EXPECT_EQ(8 * SZ_1M / SZ_4K,
		  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "folios"));
	EXPECT_EQ(0, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "huge_folios"));
	gh_close(&self->vm);
	close(gmem);
}

/*
 * Issue 11, item 3: a punch of part of a 2 MiB folio that cannot be split
 * (something else holds a reference: here a pipe, through vmsplice())
 * zeroes the hole and keeps the folio, as on shmem; it must not drop the
 * whole folio from the file, and with it data the host never wrote (a
 * guest's, say). The folio here holds only what fallocate() zeroed, read
 * but never written by the host; afterwards the pipe's page must still be
 * the file's page.
 */
TEST_F(huge, partial_punch_of_a_pinned_folio_keeps_the_rest)
{
	unsigned char *ro, *rw, byte;
	struct iovec iov;
	int pipefd[2];

	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE, 0, SZ_2M));
	ro = mmap(NULL, SZ_2M, PROT_READ, MAP_SHARED, self->gmem, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, ro[0]);
	ASSERT_EQ(0, pipe(pipefd));
	iov.iov_base = ro;
	iov.iov_len = 1;
	ASSERT_EQ(1, vmsplice(pipefd[1], &iov, 1, 0));

	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       SZ_1M, SZ_4K));
	rw = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem, 0);
	ASSERT_NE(MAP_FAILED, rw);
	rw[0] = 0x5a;
	ASSERT_EQ(1, read(pipefd[0], &byte, 1));
	EXPECT_EQ(0x5a, byte);
	EXPECT_EQ(0, rw[SZ_1M]);

	close(pipefd[0]);
	close(pipefd[1]);
	munmap(rw, SZ_2M);
	munmap(ro, SZ_2M);
}

TEST_HARNESS_MAIN
