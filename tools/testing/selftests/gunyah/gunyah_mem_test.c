// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory bindings and the parcels that give them to a VM: validation,
 * overlaps, unmap (trim and split), labels, coalescing, MEM_APPEND, ACLs,
 * reclaim refused while the guest holds memory, the 64-parcel limit, host
 * references that block a lend, and every RM call of a start failing with
 * nothing left behind.
 *
 * Every case runs on whichever Resource Manager is there. Where the
 * simulated RM is present, cases also compare the driver's counters with
 * the RM's own; the cases that inject faults or play the guest need it and
 * skip, saying so, on a real hypervisor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define RWX		GH_MEM_ALLOW_RWX
#define LEND		(GH_MEM_FORCE_LEND | RWX)
#define SHARE		(GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE)
#define SHM_GPA		0xc0000000UL

/* Count lines of a VM's debugfs memory file that contain what. */
static int vm_mem_count(int vm, const char *what)
{
	char buf[65536], *p;
	int n = 0;

	if (gh_vm_file(vm, "memory", buf, sizeof(buf)))
		return -1;
	for (p = buf; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* How many pages of [off, off + len) of a file are in its page cache. */
static int resident_pages(int fd, __u64 off, size_t len)
{
	unsigned char vec[256];
	size_t i, n = len / SZ_4K;
	int count = 0;
	void *p;

	if (n > sizeof(vec))
		return -1;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED)
		return -1;
	if (mincore(p, len, vec))
		count = -1;
	for (i = 0; count >= 0 && i < n; i++)
		count += vec[i] & 1;
	munmap(p, len);
	return count;
}

FIXTURE(mem) {
	int dev;
	int vm;
	int gmem;
	bool sim;	/* the simulated RM, with its counters and faults */
};

/* Why a case that needs the simulator's fault injection or guest play skips. */
#define NO_SIM	"needs the simulated RM to %s; a real RM cannot be made to"

FIXTURE_SETUP(mem)
{
	self->vm = -1;
	self->gmem = -1;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	self->sim = !access(GH_SIM "/control", W_OK);
	if (self->sim)
		ASSERT_EQ(0, gh_sim_ctl("clear"));
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_create_mem(self->dev, 8 * SZ_1M, 0);
	ASSERT_GE(self->gmem, 0);
}

FIXTURE_TEARDOWN(mem)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->gmem >= 0)
		close(self->gmem);
	if (self->dev >= 0) {
		/* Whatever a case did, nothing may be left with the RM. */
		if (self->sim) {
			EXPECT_EQ(0, gh_sim_counter("vms"));
			EXPECT_EQ(0, gh_sim_counter("parcels"));
		}
		EXPECT_EQ(0, gh_mem_total("parcels"));
		EXPECT_EQ(0, gh_mem_total("pages_lent"));
		close(self->dev);
	}
}

TEST_F(mem, map_bad_inputs)
{
	int g = self->gmem, v = self->vm;

	EXPECT_EQ(-1, ioctl(v, GH_VM_MAP_MEM, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, LEND | 0x80));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, GH_MEM_FORCE_LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, 3 | RWX));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE + 1, 0, SZ_1M, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 8, SZ_1M, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M + 1, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, 0, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, g, ~0ULL & ~(SZ_4K - 1), 0, SZ_1M, LEND));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, ~0ULL & ~(SZ_4K - 1), SZ_1M, LEND));
	EXPECT_EQ(EOVERFLOW, errno);
	/* Past the end of the file. */
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 8 * SZ_1M - SZ_4K, 2 * SZ_4K, LEND));
	EXPECT_EQ(EINVAL, errno);
	/* Not a guest memory fd, and not an fd. */
	EXPECT_EQ(-1, gh_map(v, self->dev, GH_GUEST_BASE, 0, SZ_1M, LEND));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, gh_map(v, 1000, GH_GUEST_BASE, 0, SZ_1M, LEND));
	EXPECT_EQ(EBADF, errno);
	/* Larger than the host's memory: it could never be given. */
	g = gh_create_mem(self->dev, 1ULL << 40, 0);
	ASSERT_LE(0, g);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, 1ULL << 40, LEND));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, LEND));
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, LEND | GH_MEM_UNMAP));
	close(g);
}

TEST_F(mem, overlaps_refused)
{
	int vm2, g = self->gmem;

	ASSERT_EQ(0, gh_map(self->vm, g, GH_GUEST_BASE, 0, SZ_1M, LEND));
	/* In guest space. */
	EXPECT_EQ(-1, gh_map(self->vm, g, GH_GUEST_BASE + SZ_1M - SZ_4K,
			     2 * SZ_1M, SZ_1M, LEND));
	EXPECT_EQ(EEXIST, errno);
	/* In file space, in this VM and in another. */
	EXPECT_EQ(-1, gh_map(self->vm, g, SHM_GPA, SZ_1M - SZ_4K, SZ_1M, LEND));
	EXPECT_EQ(EEXIST, errno);
	vm2 = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(vm2, 0);
	EXPECT_EQ(-1, gh_map(vm2, g, GH_GUEST_BASE, 0, SZ_4K, LEND));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(0, gh_map(vm2, g, GH_GUEST_BASE, SZ_1M, SZ_1M, LEND));
	close(vm2);
	/* Adjacent is fine. */
	EXPECT_EQ(0, gh_map(self->vm, g, GH_GUEST_BASE + SZ_1M, SZ_1M, SZ_1M, LEND));
	EXPECT_EQ(2, vm_mem_count(self->vm, "binding "));
}

TEST_F(mem, unmap_trims_and_splits)
{
	int g = self->gmem, v = self->vm;

	ASSERT_EQ(0, gh_map(v, g, GH_GUEST_BASE, 0, 4 * SZ_1M, LEND));
	/* Must match flags, file and the address-to-offset relation. */
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, SHARE | GH_MEM_UNMAP));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE, SZ_4K, SZ_1M, LEND | GH_MEM_UNMAP));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, gh_map(v, g, GH_GUEST_BASE + 3 * SZ_1M, 3 * SZ_1M, 2 * SZ_1M,
			     LEND | GH_MEM_UNMAP));
	EXPECT_EQ(ENOENT, errno);

	/* Front, back, then the middle, which splits it. */
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE, 0, SZ_4K, LEND | GH_MEM_UNMAP));
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE + 4 * SZ_1M - SZ_4K,
			    4 * SZ_1M - SZ_4K, SZ_4K, LEND | GH_MEM_UNMAP));
	EXPECT_EQ(1, vm_mem_count(v, "binding "));
	EXPECT_EQ((4 * SZ_1M - 2 * SZ_4K) / SZ_4K,
		  gh_vm_binding_value(v, GH_GUEST_BASE + SZ_4K, "pages"));
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE + SZ_1M, SZ_1M, SZ_1M,
			    LEND | GH_MEM_UNMAP));
	EXPECT_EQ(2, vm_mem_count(v, "binding "));
	EXPECT_EQ(SZ_1M / SZ_4K - 1,
		  gh_vm_binding_value(v, GH_GUEST_BASE + SZ_4K, "pages"));
	EXPECT_EQ(2 * SZ_1M / SZ_4K - 1,
		  gh_vm_binding_value(v, GH_GUEST_BASE + 2 * SZ_1M, "pages"));
	/* The hole can be bound again; a whole piece can go. */
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE + SZ_1M, SZ_1M, SZ_1M, LEND));
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE + SZ_1M, SZ_1M, SZ_1M,
			    LEND | GH_MEM_UNMAP));
	EXPECT_EQ(0, gh_map(v, g, GH_GUEST_BASE + SZ_4K, SZ_4K, SZ_1M - SZ_4K,
			    LEND | GH_MEM_UNMAP));
	EXPECT_EQ(1, vm_mem_count(v, "binding "));
}

TEST_F(mem, labels)
{
	struct gh_mem_label l = { .guest_addr = GH_GUEST_BASE };
	int g = self->gmem, v = self->vm;

	ASSERT_EQ(0, gh_map(v, g, GH_GUEST_BASE, 0, SZ_1M, LEND));
	ASSERT_EQ(0, gh_map(v, g, SHM_GPA, SZ_1M, SZ_1M, SHARE));
	ASSERT_EQ(0, ioctl(v, GH_VM_GET_MEM_LABEL, &l));
	EXPECT_EQ(1, l.label);
	l.guest_addr = SHM_GPA;
	ASSERT_EQ(0, ioctl(v, GH_VM_GET_MEM_LABEL, &l));
	EXPECT_EQ(2, l.label);

	l.label = 0;
	EXPECT_EQ(-1, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	EXPECT_EQ(EINVAL, errno);
	l.label = 77;
	l.reserved = 1;
	EXPECT_EQ(-1, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	EXPECT_EQ(EINVAL, errno);
	l.reserved = 0;
	EXPECT_EQ(0, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	l.label = 0;
	ASSERT_EQ(0, ioctl(v, GH_VM_GET_MEM_LABEL, &l));
	EXPECT_EQ(77, l.label);
	l.guest_addr = SHM_GPA + SZ_4K;
	EXPECT_EQ(-1, ioctl(v, GH_VM_GET_MEM_LABEL, &l));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(77, gh_vm_binding_value(v, SHM_GPA, "label"));
}

static unsigned int label_at(struct __test_metadata *_metadata, int vm,
			     __u64 gpa)
{
	struct gh_mem_label l = { .guest_addr = gpa };

	EXPECT_EQ(0, ioctl(vm, GH_VM_GET_MEM_LABEL, &l)) TH_LOG("%s", strerror(errno));
	return l.label;
}

/*
 * The label rule (guest-memory.rst): the Nth binding made has label N;
 * failures take no number; labels set by the VMM are unique and skipped;
 * the piece after a hole is a new binding; the devicetree's binding reads 0.
 */
TEST_F(mem, label_rule)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	const __u64 a = GH_GUEST_BASE, c = SHM_GPA, e = SHM_GPA + 4 * SZ_1M;
	const __u64 f = SHM_GPA + 8 * SZ_1M;
	struct gh_mem_label l = { .guest_addr = c, .label = 1 };
	int g = self->gmem, v = self->vm;

	ASSERT_EQ(0, gh_map(v, g, a, 0, SZ_1M, LEND));
	/* Overlapping, and a bad size: refused, and they take no number. */
	EXPECT_EQ(-1, gh_map(v, g, a, SZ_1M, SZ_1M, LEND));
	EXPECT_EQ(-1, gh_map(v, g, c, SZ_1M, SZ_1M + 1, SHARE));
	ASSERT_EQ(0, gh_map(v, g, c, SZ_1M, SZ_1M, SHARE));
	EXPECT_EQ(1, label_at(_metadata, v, a));
	EXPECT_EQ(2, label_at(_metadata, v, c));

	/* Another binding's label is refused; a free one is taken, and skipped. */
	EXPECT_EQ(-1, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	EXPECT_EQ(EEXIST, errno);
	l.label = 3;
	ASSERT_EQ(0, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	/* Setting a binding's own label again is no conflict. */
	ASSERT_EQ(0, ioctl(v, GH_VM_SET_MEM_LABEL, &l));
	ASSERT_EQ(0, gh_map(v, g, e, 2 * SZ_1M, 3 * SZ_1M, SHARE));
	EXPECT_EQ(4, label_at(_metadata, v, e));

	/* A hole in the middle: the piece after it is binding number 5. */
	ASSERT_EQ(0, gh_map(v, g, e + SZ_1M, 3 * SZ_1M, SZ_1M, SHARE | GH_MEM_UNMAP));
	EXPECT_EQ(4, label_at(_metadata, v, e));
	EXPECT_EQ(5, label_at(_metadata, v, e + 2 * SZ_1M));
	ASSERT_EQ(0, gh_map(v, g, f, 6 * SZ_1M, SZ_1M, SHARE));
	EXPECT_EQ(6, label_at(_metadata, v, f));

	/* The binding that holds the devicetree is given with label 0. */
	ASSERT_EQ(0, ioctl(v, GH_VM_SET_DTB_CONFIG, &d));
	EXPECT_EQ(0, label_at(_metadata, v, a));
	EXPECT_EQ(1, gh_vm_binding_value(v, a, "label"));
}

/* The devicetree in a lent image binding, plus a shared binding. */
static void setup_image_and_shm(struct __test_metadata *_metadata, int vm,
				int gmem)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };

	ASSERT_EQ(0, gh_write_dtb(gmem, SZ_1M, SZ_64K, GH_GUEST_BASE));
	ASSERT_EQ(0, gh_map(vm, gmem, GH_GUEST_BASE, 0, 2 * SZ_1M, LEND));
	ASSERT_EQ(0, gh_map(vm, gmem, SHM_GPA, 4 * SZ_1M, SZ_1M, SHARE));
	ASSERT_EQ(0, ioctl(vm, GH_VM_SET_DTB_CONFIG, &d));
}

TEST_F(mem, parcels_and_acls_at_start)
{
	char key[64];
	long long vmid;

	setup_image_and_shm(_metadata, self->vm, self->gmem);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));

	EXPECT_EQ(2, gh_mem_total("parcels"));
	EXPECT_EQ(2 * SZ_1M / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(SZ_1M / SZ_4K, gh_mem_total("pages_shared"));
	/* The ACLs the RM took: the guest alone, and the guest and the host. */
	EXPECT_EQ(1, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "acl_entries"));
	EXPECT_EQ(7, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "guest_perms"));
	EXPECT_EQ(2, gh_vm_binding_value(self->vm, SHM_GPA, "acl_entries"));
	EXPECT_EQ(6, gh_vm_binding_value(self->vm, SHM_GPA, "guest_perms"));
	/* One TLB flush for the lent parcel. */
	EXPECT_LE(1, gh_mem_total("tlb_flushes"));
	if (!self->sim)
		return;
	/* The RM agrees, and the lend is to the VM, the share with it. */
	EXPECT_EQ(2, gh_sim_counter("parcels"));
	EXPECT_EQ(gh_mem_total("pages_lent"), gh_sim_counter("pages_lent"));
	EXPECT_EQ(gh_mem_total("pages_shared"), gh_sim_counter("pages_shared"));
	vmid = gh_vm_vmid(self->vm);
	ASSERT_LT(0, vmid);
	snprintf(key, sizeof(key), "vm.%lld.lent_pages", vmid);
	EXPECT_EQ(2 * SZ_1M / SZ_4K, gh_sim_counter(key));
	snprintf(key, sizeof(key), "vm.%lld.shared_pages", vmid);
	EXPECT_EQ(SZ_1M / SZ_4K, gh_sim_counter(key));
}

TEST_F(mem, huge_folios_coalesce)
{
	int huge = gh_create_mem(self->dev, 4 * SZ_2M, GHMF_ALLOW_HUGEPAGE);
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };

	ASSERT_GE(huge, 0);
	ASSERT_EQ(1, ioctl(self->dev, GH_CHECK_EXTENSION, GH_CAP_HUGEPAGES));
	ASSERT_EQ(0, fallocate(huge, FALLOC_FL_KEEP_SIZE, 0, 4 * SZ_2M));
	ASSERT_EQ(0, gh_write_dtb(huge, 0, SZ_64K, GH_GUEST_BASE));
	ASSERT_EQ(0, gh_map(self->vm, huge, GH_GUEST_BASE, 0, 4 * SZ_2M, LEND));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	/* 2048 pages in 2 MiB folios: at most one entry per folio. */
	EXPECT_EQ(4 * SZ_2M / SZ_4K,
		  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "pages"));
	EXPECT_GE(4, gh_vm_binding_value(self->vm, GH_GUEST_BASE, "entries"));
	close(self->vm);
	self->vm = -1;
	close(huge);
}

/* A shared binding of n single pages that no neighbour joins. */
static void bind_scattered(struct __test_metadata *_metadata, int dev, int vm,
			   int gmem, int n, int *other)
{
	int i;

	*other = gh_create_mem(dev, 8 * SZ_1M, 0);
	ASSERT_LE(0, *other);
	/* Interleave the allocations so neither file gets neighbours. */
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, fallocate(gmem, FALLOC_FL_KEEP_SIZE,
				       2 * SZ_1M + i * SZ_4K, SZ_4K));
		ASSERT_EQ(0, fallocate(*other, FALLOC_FL_KEEP_SIZE, i * SZ_4K, SZ_4K));
	}
	ASSERT_EQ(0, gh_map(vm, gmem, SHM_GPA, 2 * SZ_1M, n * SZ_4K, SHARE));
}

/*
 * A parcel of more than 512 entries goes out as MEM_SHARE + MEM_APPEND;
 * its kernel memory is the same as that of a parcel of a few entries.
 */
TEST_F(mem, long_lists_use_append)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	const int n = 600;
	int other = -1;
	void *p;

	/* Given while the guest runs, which needs an RM link. */
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(0, gh_fdt_guest_cfg(p, SZ_64K, GH_GUEST_BASE, 1, 0, true));
	munmap(p, SZ_64K);
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0, SZ_1M, LEND));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));

	bind_scattered(_metadata, self->dev, self->vm, self->gmem, n, &other);
	EXPECT_LT(512, gh_vm_binding_value(self->vm, SHM_GPA, "entries"));
	EXPECT_EQ(gh_vm_binding_value(self->vm, GH_GUEST_BASE, "meta_bytes"),
		  gh_vm_binding_value(self->vm, SHM_GPA, "meta_bytes"));
	EXPECT_GT(1024, gh_vm_binding_value(self->vm, SHM_GPA, "meta_bytes"));
	EXPECT_EQ(n, gh_mem_total("pages_shared"));
	if (self->sim) {
		EXPECT_EQ(n, gh_sim_counter("pages_shared"));
		EXPECT_EQ(0, gh_sim_counter("parcels_open"));
	}
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("pages_shared"));
	close(other);
}

/*
 * The same parcel given before the start. The public RM refuses to map it
 * into the guest at VM_START (NORESOURCE: ENOSPC), after MEM_SHARE and
 * MEM_APPEND took it; the start then unwinds and nothing stays given.
 */
TEST_F(mem, long_list_at_start)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	const int n = 600;
	int other = -1, ret;

	ASSERT_EQ(0, gh_write_dtb(self->gmem, 0, SZ_64K, GH_GUEST_BASE));
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0, SZ_1M, LEND));
	bind_scattered(_metadata, self->dev, self->vm, self->gmem, n, &other);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	ret = ioctl(self->vm, GH_VM_START, 0);
	if (self->sim) {
		ASSERT_EQ(0, ret) TH_LOG("start: %s", strerror(errno));
		EXPECT_LT(512, gh_vm_binding_value(self->vm, SHM_GPA, "entries"));
		EXPECT_EQ(n, gh_mem_total("pages_shared"));
		EXPECT_EQ(n, gh_sim_counter("pages_shared"));
	} else {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(ENOSPC, errno);
		EXPECT_EQ(0, gh_mem_total("parcels"));
		EXPECT_EQ(0, gh_mem_total("pages_shared"));
	}
	close(self->vm);
	self->vm = -1;
	close(other);
}

TEST_F(mem, reclaim_refused_while_the_guest_holds_it)
{
	long long refused = gh_mem_total("reclaim_refused");
	long long handle;
	char cmd[64];

	if (!self->sim)
		SKIP(return, NO_SIM, "release a parcel as the guest");
	setup_image_and_shm(_metadata, self->vm, self->gmem);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	/* The guest accepted everything at start: unmap cannot take it. */
	EXPECT_EQ(-1, gh_map(self->vm, self->gmem, SHM_GPA, 4 * SZ_1M, SZ_1M,
			     SHARE | GH_MEM_UNMAP));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(refused + 1, gh_mem_total("reclaim_refused"));
	EXPECT_EQ(SZ_1M / SZ_4K, gh_sim_counter("pages_shared"));
	EXPECT_EQ(SZ_1M / SZ_4K, gh_mem_total("pages_shared"));

	/* Once the guest releases it, it comes back. */
	handle = gh_vm_binding_value(self->vm, SHM_GPA, "parcel");
	ASSERT_LE(0, handle);
	snprintf(cmd, sizeof(cmd), "release %lld", handle);
	ASSERT_EQ(0, gh_sim_ctl("%s", cmd));
	EXPECT_EQ(0, gh_map(self->vm, self->gmem, SHM_GPA, 4 * SZ_1M, SZ_1M,
			    SHARE | GH_MEM_UNMAP));
	EXPECT_EQ(0, gh_sim_counter("pages_shared"));
	EXPECT_EQ(0, gh_mem_total("pages_shared"));
}

TEST_F(mem, shared_memory_punched_while_running_is_zeroed)
{
	unsigned char *p;

	setup_image_and_shm(_metadata, self->vm, self->gmem);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	p = mmap(NULL, SZ_1M, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem,
		 4 * SZ_1M);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x5a, SZ_1M);
	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       4 * SZ_1M, SZ_64K));
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, p[SZ_64K - 1]);
	EXPECT_EQ(0x5a, p[SZ_64K]);
	/* Still given to the guest. */
	EXPECT_EQ(SZ_1M / SZ_4K, gh_mem_total("pages_shared"));
	if (self->sim)
		EXPECT_EQ(SZ_1M / SZ_4K, gh_sim_counter("pages_shared"));
	munmap(p, SZ_1M);

	/*
	 * The zeroed pages stay in the file when the parcel comes back (the
	 * guest or the host may have written there since); punched again,
	 * they go.
	 */
	gh_close(&self->vm);
	EXPECT_EQ(SZ_64K / SZ_4K, resident_pages(self->gmem, 4 * SZ_1M, SZ_64K));
	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       4 * SZ_1M, SZ_64K));
	EXPECT_EQ(0, resident_pages(self->gmem, 4 * SZ_1M, SZ_64K));
	EXPECT_EQ(1, resident_pages(self->gmem, 4 * SZ_1M + SZ_64K, SZ_4K));
}

/*
 * Lent memory the guest released: a punch takes the whole parcel back
 * (the RM gives back no less), frees the hole and leaves the rest of the
 * binding with the host, bound but not given (the guest let go of it).
 */
TEST_F(mem, lent_memory_punched_after_the_guest_released_it)
{
	const __u64 gpa = 0x90000000UL, off = 6 * SZ_1M;
	long long handle, lent;
	unsigned char *p;

	if (!self->sim)
		SKIP(return, NO_SIM, "release a parcel as the guest");
	setup_image_and_shm(_metadata, self->vm, self->gmem);
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, gpa, off, SZ_1M, LEND));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	lent = gh_mem_total("pages_lent");
	/* The guest holds it: nothing changes. */
	EXPECT_EQ(-1, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				off, SZ_4K));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(lent, gh_mem_total("pages_lent"));

	handle = gh_vm_binding_value(self->vm, gpa, "parcel");
	ASSERT_LE(0, handle);
	ASSERT_EQ(0, gh_sim_ctl("release %lld", handle));
	ASSERT_EQ(0, fallocate(self->gmem, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
			       off, SZ_4K));
	EXPECT_EQ(lent - SZ_1M / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(lent - SZ_1M / SZ_4K, gh_sim_counter("pages_lent"));
	EXPECT_EQ(SZ_1M / SZ_4K, gh_vm_binding_value(self->vm, gpa, "pages"));
	EXPECT_EQ(-1, gh_vm_binding_value(self->vm, gpa, "parcel"));
	EXPECT_EQ(0, resident_pages(self->gmem, off, SZ_4K));
	/* The rest is the host's again, zeroed by the RM. */
	p = mmap(NULL, SZ_1M, PROT_READ, MAP_SHARED, self->gmem, off);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, gh_read_byte(p + SZ_4K));
	EXPECT_EQ(0, gh_read_byte(p + SZ_1M - 1));
	munmap(p, SZ_1M);
}

/* A guest with an RM link: memory bound while it runs is given to it. */
TEST_F(mem, binding_added_while_running_is_given)
{
	void *p;

	setup_image_and_shm(_metadata, self->vm, self->gmem);
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem,
		 SZ_1M);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(0, gh_fdt_guest_cfg(p, SZ_64K, GH_GUEST_BASE, 1, 0, true));
	munmap(p, SZ_64K);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, SHM_GPA + SZ_1M, 5 * SZ_1M,
			    SZ_1M, SHARE));
	EXPECT_EQ(3, gh_mem_total("parcels"));
	EXPECT_EQ(2 * SZ_1M / SZ_4K, gh_mem_total("pages_shared"));
	EXPECT_LE(0, gh_vm_binding_value(self->vm, SHM_GPA + SZ_1M, "parcel"));
	if (self->sim) {
		EXPECT_EQ(3, gh_sim_counter("parcels"));
		EXPECT_EQ(2 * SZ_1M / SZ_4K, gh_sim_counter("pages_shared"));
	}
}

/*
 * A guest without an RM link cannot accept memory given while it runs (and
 * the public RM stops answering when told to offer it): refused up front.
 */
TEST_F(mem, binding_added_to_a_guest_without_rm_link_refused)
{
	setup_image_and_shm(_metadata, self->vm, self->gmem);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(-1, gh_map(self->vm, self->gmem, SHM_GPA + SZ_1M, 5 * SZ_1M,
			     SZ_1M, SHARE));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(2, gh_mem_total("parcels"));
	EXPECT_EQ(-1, gh_vm_binding_value(self->vm, SHM_GPA + SZ_1M, "pages"));
	/* The RM still answers: the VM comes apart cleanly. */
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("parcels"));
}

/*
 * More parcels than the RM takes: the start fails with ENOSPC and leaves
 * nothing behind. The simulated RM takes exactly 64 per owner; the public
 * RM takes fewer once its own and the host's other parcels count, so there
 * a small VM of the same kind must still start.
 */
TEST_F(mem, too_many_parcels)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	int i, fits = self->sim ? 63 : 8;

	ASSERT_EQ(0, gh_write_dtb(self->gmem, 0, SZ_64K, GH_GUEST_BASE));
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0, SZ_1M, LEND));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, gh_map(self->vm, self->gmem, SHM_GPA + i * SZ_64K,
				    SZ_1M + i * SZ_64K, SZ_64K, SHARE));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(0, gh_mem_total("parcels"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	/* Fewer fit. */
	for (i = fits; i < 64; i++)
		ASSERT_EQ(0, gh_map(self->vm, self->gmem, SHM_GPA + i * SZ_64K,
				    SZ_1M + i * SZ_64K, SZ_64K, SHARE | GH_MEM_UNMAP));
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0)) TH_LOG("start with %d: %s",
							     fits + 1, strerror(errno));
	EXPECT_EQ(fits + 1, gh_mem_total("parcels"));
	if (self->sim)
		EXPECT_EQ(64, gh_sim_counter("parcels"));
}

TEST_F(mem, host_references_block_a_lend)
{
	long long busy = gh_mem_total("lend_busy");
	int pipefd[2];
	struct iovec iov;
	unsigned char *p;

	setup_image_and_shm(_metadata, self->vm, self->gmem);
	/* vmsplice holds references to the image's first page in a pipe. */
	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(0, pipe(pipefd));
	iov.iov_base = p;
	iov.iov_len = SZ_4K;
	ASSERT_EQ(SZ_4K, vmsplice(pipefd[1], &iov, 1, 0));
	munmap(p, SZ_4K);

	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(busy + 1, gh_mem_total("lend_busy"));

	close(pipefd[0]);
	close(pipefd[1]);
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
}

/*
 * Every RM call of a start fails in turn: the error comes back, nothing
 * stays. Not VM_CONFIG_IMAGE: its VM keeps its vmid for good (see
 * gunyah_lost_reply_test).
 */
static const struct {
	const char *name;
	unsigned int msg_id;
} start_calls[] = {
	{ "VM_ALLOCATE", 0x56000001 },
	{ "MEM_LEND", 0x51000012 },
	{ "MEM_SHARE", 0x51000013 },
	{ "VM_INIT", 0x5600000b },
	{ "VM_GET_HYP_RESOURCES", 0x56000020 },
	{ "VM_START", 0x56000004 },	/* last: the guest may run from here */
};

/* The first byte of the devicetree, read through a fresh host mapping. */
static int dtb_first_byte(int gmem)
{
	unsigned char *p;
	int v;

	p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, gmem, SZ_1M);
	if (p == MAP_FAILED)
		return -1;
	v = gh_read_byte(p);
	munmap(p, SZ_4K);
	return v == -1 ? -2 : v;	/* -2: still lent */
}

TEST_F(mem, every_start_call_failing_unwinds)
{
	long long hits;
	const char *name;
	char cmd[64];
	size_t i;
	int want;

	if (!self->sim)
		SKIP(return, NO_SIM, "fail each call of a start");
	hits = gh_sim_counter("faults_hit");
	setup_image_and_shm(_metadata, self->vm, self->gmem);
	for (i = 0; i < ARRAY_SIZE(start_calls); i++) {
		name = start_calls[i].name;
		snprintf(cmd, sizeof(cmd), "fail %#x 1 0x6", start_calls[i].msg_id);
		ASSERT_EQ(0, gh_sim_ctl("%s", cmd));
		EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0))
			TH_LOG("%s failing did not fail the start", name);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", name);
		EXPECT_EQ(hits + (long long)i + 1, gh_sim_counter("faults_hit"))
			TH_LOG("%s", name);
		EXPECT_EQ(0, gh_sim_counter("vms")) TH_LOG("%s", name);
		EXPECT_EQ(0, gh_sim_counter("parcels")) TH_LOG("%s", name);
		EXPECT_EQ(0, gh_mem_total("parcels")) TH_LOG("%s", name);
		EXPECT_EQ(0, gh_mem_total("pages_lent")) TH_LOG("%s", name);
		/*
		 * The image is the host's again, back in the direct map. Until
		 * VM_START the guest never had it and it comes back untouched;
		 * after that it comes back zeroed.
		 */
		want = start_calls[i].msg_id == 0x56000004 ? 0 : 0xd0;
		EXPECT_EQ(want, dtb_first_byte(self->gmem)) TH_LOG("%s", name);
	}

	/* With a devicetree again and no fault armed, it starts. */
	ASSERT_EQ(0, gh_write_dtb(self->gmem, SZ_1M, SZ_64K, GH_GUEST_BASE));
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
}

/* A teardown call the RM refuses once is retried: nothing is left behind. */
TEST_F(mem, teardown_calls_failing_once_are_retried)
{
	static const unsigned int ids[] = {
		0x56000005,	/* VM_STOP */
		0x56000006,	/* VM_RESET */
		0x51000015,	/* MEM_RECLAIM */
		0x56000002,	/* VM_DEALLOCATE */
	};
	long long hits;
	char cmd[64];
	size_t i;
	int vm, gmem;

	if (!self->sim)
		SKIP(return, NO_SIM, "refuse a teardown call once");
	hits = gh_sim_counter("faults_hit");
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		vm = ioctl(self->dev, GH_CREATE_VM, 0);
		ASSERT_GE(vm, 0);
		gmem = gh_setup_bootable(self->dev, vm);
		ASSERT_GE(gmem, 0);
		ASSERT_EQ(0, ioctl(vm, GH_VM_START, 0));
		snprintf(cmd, sizeof(cmd), "fail %#x 1 0x5", ids[i]);
		ASSERT_EQ(0, gh_sim_ctl("%s", cmd));
		close(vm);
		close(gmem);
		EXPECT_EQ(hits + (long long)i + 1, gh_sim_counter("faults_hit"))
			TH_LOG("msg %#x", ids[i]);
		EXPECT_EQ(0, gh_sim_counter("vms")) TH_LOG("msg %#x", ids[i]);
		EXPECT_EQ(0, gh_sim_counter("parcels")) TH_LOG("msg %#x", ids[i]);
		EXPECT_EQ(0, gh_mem_total("pages_lent")) TH_LOG("msg %#x", ids[i]);
	}
}

TEST_HARNESS_MAIN
