// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocation failures: every slab allocation of GH_CREATE_VM and of
 * GH_VM_START is failed in turn with fault injection (failslab and
 * /proc/thread-self/fail-nth), and what each failed call leaves behind is
 * compared with what was there before: the RM's VMs, parcels and pages
 * given, the VMs' debugfs directories. kmemleak, at the end of the run,
 * sees what these counters cannot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAIL_NTH	"/proc/thread-self/fail-nth"

/*
 * The failslab settings the tests change, saved at setup and put back at
 * teardown in this order (probability first: no failure is due once it is
 * 0). The stack filter's (require-*) only exist with
 * CONFIG_FAULT_INJECTION_STACKTRACE_FILTER.
 */
static const char *const knobs[] = {
	"probability", "task-filter", "times", "interval", "space",
	"ignore-gfp-wait", "verbose", "require-start", "require-end",
};

#define N_KNOBS		ARRAY_SIZE(knobs)

/*
 * Every slab allocation an ioctl makes fails in turn (fail-nth), with the
 * failslab settings that let GFP_KERNEL ones fail and keep the console
 * quiet.
 */
FIXTURE(failslab) {
	int dev;
	int nth;		/* this thread's fail-nth, open */
	char saved[N_KNOBS][32];	/* "" if absent */
	int sim;		/* the simulated RM, whose VMs can be counted */
};

/* A failslab setting: 0 or -1. */
static int failslab_get(const char *name, char *buf, size_t size)
{
	char path[96];
	ssize_t n;

	snprintf(path, sizeof(path), FAILSLAB "/%s", name);
	n = gh_read_file(path, buf, size);
	if (n <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int failslab_set(const char *name, const char *value)
{
	char path[96];

	snprintf(path, sizeof(path), FAILSLAB "/%s", name);
	return gh_write_file(path, value);
}

FIXTURE_SETUP(failslab)
{
	unsigned int i;

	self->nth = -1;
	memset(self->saved, 0, sizeof(self->saved));
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (self->nth < 0 || access(FAILSLAB "/ignore-gfp-wait", W_OK))
		SKIP(return, "no %s or %s: a kernel without %s",
		     FAIL_NTH, FAILSLAB, "CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS");
	for (i = 0; i < N_KNOBS; i++)
		if (failslab_get(knobs[i], self->saved[i], sizeof(self->saved[i])))
			self->saved[i][0] = '\0';
	ASSERT_EQ(0, failslab_set("ignore-gfp-wait", "N"));
	ASSERT_EQ(0, failslab_set("verbose", "0"));
	self->sim = !access(GH_SIM "/control", W_OK);
}

FIXTURE_TEARDOWN(failslab)
{
	unsigned int i;

	if (self->nth >= 0)
		close(self->nth);
	for (i = 0; i < N_KNOBS; i++)
		if (self->saved[i][0] && failslab_set(knobs[i], self->saved[i]))
			ksft_print_msg("cannot put failslab/%s back\n", knobs[i]);
	if (self->dev >= 0)
		close(self->dev);
}

/* Arm fail-nth: the nth slab allocation of this thread from now on fails. */
static void nth_arm(int fd, unsigned int n)
{
	char s[16];
	int len = snprintf(s, sizeof(s), "%u", n);

	if (pwrite(fd, s, len, 0) != len)
		ksft_print_msg("cannot write %s: %s\n", FAIL_NTH, strerror(errno));
}

/* Disarm fail-nth; whether the failure it was armed for was injected. */
static int nth_fired(int fd)
{
	char s[16] = "";
	int fired = pread(fd, s, sizeof(s) - 1, 0) > 0 && atoi(s) == 0;

	nth_arm(fd, 0);
	return fired;
}

/* What a failed ioctl must leave as it found it. */
struct census {
	long long sim_vms;	/* VMs the simulated RM holds; -1 on a real RM */
	long long parcels;
	long long lent;
	long long shared;
	int vm_dirs;		/* gunyah/vm<N> debugfs directories */
};

static void census_take(struct census *c)
{
	DIR *d = opendir(GH_DEBUGFS);
	struct dirent *e;
	int id;

	c->sim_vms = gh_sim_counter("vms");
	c->parcels = gh_mem_total("parcels");
	c->lent = gh_mem_total("pages_lent");
	c->shared = gh_mem_total("pages_shared");
	c->vm_dirs = d ? 0 : -1;
	while (d && (e = readdir(d)))
		if (sscanf(e->d_name, "vm%d", &id) == 1)
			c->vm_dirs++;
	if (d)
		closedir(d);
}

/* Nothing leaked since @before; the failed call is named by @what and @n. */
static void census_check(struct __test_metadata *_metadata,
			 const struct census *before, const char *what, int n)
{
	struct census now;

	census_take(&now);
	EXPECT_EQ(before->sim_vms, now.sim_vms)
		TH_LOG("%s, allocation %d failed: the RM keeps a VM", what, n);
	EXPECT_EQ(before->parcels, now.parcels)
		TH_LOG("%s, allocation %d failed: parcels", what, n);
	EXPECT_EQ(before->lent, now.lent)
		TH_LOG("%s, allocation %d failed: pages lent", what, n);
	EXPECT_EQ(before->shared, now.shared)
		TH_LOG("%s, allocation %d failed: pages shared", what, n);
	EXPECT_EQ(before->vm_dirs, now.vm_dirs)
		TH_LOG("%s, allocation %d failed: VM debugfs directories", what, n);
}

/* No more allocations than this in one ioctl: the loops end before. */
#define FAIL_NTH_MAX	2000

/*
 * GH_CREATE_VM with its first, second, ... allocation failed: it fails
 * (ENOMEM) and leaves nothing behind, until it makes no more allocations.
 */
TEST_F_TIMEOUT(failslab, create_vm_fails_cleanly, 300)
{
	struct census before;
	int n, vm, err, fired, failed = 0;

	census_take(&before);
	for (n = 1; n < FAIL_NTH_MAX; n++) {
		nth_arm(self->nth, n);
		vm = ioctl(self->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
		err = errno;
		fired = nth_fired(self->nth);
		if (vm >= 0) {
			close(vm);
			if (!fired)
				break;
			/* A failure it could do without; its VM goes cleanly. */
			census_check(_metadata, &before, "GH_CREATE_VM, then close", n);
			continue;
		}
		failed++;
		EXPECT_TRUE(fired) TH_LOG("allocation %d: %s", n, strerror(err));
		EXPECT_EQ(ENOMEM, err) TH_LOG("allocation %d: %s", n, strerror(err));
		census_check(_metadata, &before, "GH_CREATE_VM", n);
		if (_metadata->exit_code == KSFT_FAIL)	/* one report is enough */
			break;
	}
	EXPECT_GT(FAIL_NTH_MAX, n);
	EXPECT_LT(0, failed);
	ksft_print_msg("GH_CREATE_VM: %d allocations, %d failures it returned\n",
		       n - 1, failed);
}

/* A bootable VM: its fd, and in *gmem its guest memory's. */
static int bootable_vm(struct __test_metadata *_metadata, int dev, int *gmem)
{
	int vm = ioctl(dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);

	if (vm < 0)
		return -1;
	*gmem = gh_setup_bootable(dev, vm);
	if (*gmem < 0) {
		close(vm);
		return -1;
	}
	return vm;
}

/*
 * GH_VM_START with its first, second, ... allocation failed: each failure
 * gives back what the start had done (the vmid, the memory), the VM can
 * still be started, and its teardown leaves nothing either.
 */
TEST_F_TIMEOUT(failslab, start_fails_cleanly, 600)
{
	struct census base, open;
	int n, vm, gmem, ret, err, fired, failed = 0;

	census_take(&base);
	vm = bootable_vm(_metadata, self->dev, &gmem);
	ASSERT_LE(0, vm);
	census_take(&open);
	for (n = 1; n < FAIL_NTH_MAX; n++) {
		nth_arm(self->nth, n);
		ret = ioctl(vm, GH_VM_START, 0);
		err = errno;
		fired = nth_fired(self->nth);
		if (!ret && !fired)
			break;
		if (ret) {
			failed++;
			EXPECT_TRUE(fired) TH_LOG("allocation %d: %s", n, strerror(err));
			/* The start undid itself. */
			census_check(_metadata, &open, "GH_VM_START", n);
		}
		close(vm);
		close(gmem);
		census_check(_metadata, &base, "GH_VM_START, then close", n);
		if (_metadata->exit_code == KSFT_FAIL)
			return;
		vm = bootable_vm(_metadata, self->dev, &gmem);
		ASSERT_LE(0, vm);
	}
	EXPECT_GT(FAIL_NTH_MAX, n);
	EXPECT_LT(0, failed);
	ksft_print_msg("GH_VM_START: %d allocations, %d failures it returned\n",
		       n - 1, failed);
	close(vm);
	close(gmem);
	census_check(_metadata, &base, "the last start's teardown", n);
}

/*
 * The range of addresses of a kernel function, from /proc/kallsyms (whose
 * kernel symbols are sorted): 0, or -1 if it is not there or hidden.
 */
static int ksym_range(const char *name, unsigned long *start,
		      unsigned long *end)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long addr;
	char type, sym[256];

	*start = *end = 0;
	if (!f)
		return -1;
	while (!*end && fscanf(f, "%lx %c %255s%*[^\n]", &addr, &type, sym) == 3) {
		if (!*start && !strcmp(sym, name))
			*start = addr;
		else if (*start && addr > *start)
			*end = addr;
	}
	fclose(f);
	return *start && *end ? 0 : -1;
}

/* The saved value of a failslab setting, "" if it is absent. */
static const char *knob_saved(char saved[][32], const char *name)
{
	unsigned int i;

	for (i = 0; i < N_KNOBS; i++)
		if (!strcmp(knobs[i], name))
			return saved[i];
	return "";
}

/*
 * Fail the slab allocations this thread makes inside [start, end) (and
 * only those), @times of them at most, after the first @space bytes of
 * them, until failslab_put_back().
 */
static int failslab_in(unsigned long start, unsigned long end, int times,
		       unsigned long space)
{
	char a[32], b[32], t[16], sp[32];

	snprintf(a, sizeof(a), "%#lx", start);
	snprintf(b, sizeof(b), "%#lx", end);
	snprintf(t, sizeof(t), "%d", times);
	snprintf(sp, sizeof(sp), "%lu", space);
	return failslab_set("require-start", a) || failslab_set("require-end", b) ||
	       failslab_set("task-filter", "Y") || failslab_set("interval", "1") ||
	       failslab_set("times", t) || failslab_set("space", sp) ||
	       gh_write_file("/proc/thread-self/make-it-fail", "1") ||
	       failslab_set("probability", "100") ? -1 : 0;
}

/* Undo failslab_in(@times); the failures it injected, or -1. */
static int failslab_put_back(char saved[][32], int times)
{
	static const char *const undo[] = {
		"probability", "task-filter", "interval", "space",
		"require-start", "require-end",
	};
	char left[16];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(undo); i++)
		ret |= failslab_set(undo[i], knob_saved(saved, undo[i]));
	ret |= gh_write_file("/proc/thread-self/make-it-fail", "0");
	ret |= failslab_get("times", left, sizeof(left));
	ret |= failslab_set("times", knob_saved(saved, "times"));
	return ret ? -1 : times - atoi(left);
}

/*
 * The VM manager cannot record the vmid the RM has just allocated (the
 * node allocations of its xa_insert() fail): the vmid goes back to the RM
 * at once, and the VM can be started later.
 */
TEST_F(failslab, vmid_given_back_when_it_cannot_be_recorded)
{
	unsigned long start, end;
	struct census base, open;
	int vm, gmem, ret, err, fired;
	long long requests;
	char buf[4096];

	if (!knob_saved(self->saved, "require-start")[0])
		SKIP(return, "no %s: a kernel without %s", FAILSLAB "/require-start",
		     "CONFIG_FAULT_INJECTION_STACKTRACE_FILTER");
	ASSERT_EQ(0, ksym_range("__xa_insert", &start, &end))
		TH_LOG("__xa_insert is not in /proc/kallsyms");
	census_take(&base);
	/* Another VM's vmid would leave xa_insert nothing to allocate. */
	if (self->sim)
		ASSERT_EQ(0, base.sim_vms) TH_LOG("a VM is left from earlier tests");
	vm = bootable_vm(_metadata, self->dev, &gmem);
	ASSERT_LE(0, vm);
	census_take(&open);
	requests = gh_sim_counter("requests");

	/* xa_insert() tries a node allocation without sleeping, then again. */
	ASSERT_EQ(0, failslab_in(start, end, 2, 0));
	ret = ioctl(vm, GH_VM_START, 0);
	err = errno;
	fired = failslab_put_back(self->saved, 2);
	ASSERT_EQ(2, fired) TH_LOG("failures injected in xa_insert: %d", fired);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err) TH_LOG("start: %s", strerror(err));
	/* The RM saw VM_ALLOCATE and then VM_DEALLOCATE, nothing else. */
	if (self->sim)
		EXPECT_EQ(requests + 2, gh_sim_counter("requests"));
	census_check(_metadata, &open, "xa_insert", 1);
	ASSERT_EQ(0, gh_vm_file(vm, "status", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "state new"));
	EXPECT_NE(NULL, strstr(buf, "vmid none"));

	EXPECT_EQ(0, ioctl(vm, GH_VM_START, 0)) TH_LOG("%s", strerror(errno));
	close(vm);
	close(gmem);
	census_check(_metadata, &base, "xa_insert, then close", 1);
}

/* The VM's bindings: how many, and the pages of the one at @gpa. */
static int bindings(int vm, __u64 gpa, long long *pages)
{
	char buf[8192], *p = buf;
	int n = 0;

	if (gh_vm_file(vm, "memory", buf, sizeof(buf)))
		return -1;
	while ((p = strstr(p, "binding gpa "))) {
		n++;
		p++;
	}
	*pages = gh_vm_binding_value(vm, gpa, "pages");
	return n;
}

/*
 * Issue 11, item 10: GH_VM_MAP_MEM taking a piece out of the middle of a
 * binding, and putting it back, with their first, second, ... allocation
 * failed: a failed call changes no binding (no half-done split), and the
 * VM's teardown leaves nothing either.
 */
TEST_F_TIMEOUT(failslab, split_and_bind_fail_cleanly, 300)
{
	const __u32 lend = GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX;
	const __u64 hole = GH_GUEST_BASE + SZ_64K;
	int n, vm, gmem, ret, err, fired, failed = 0;
	struct census base;
	long long pages;

	census_take(&base);
	vm = bootable_vm(_metadata, self->dev, &gmem);
	ASSERT_LE(0, vm);
	for (n = 1; n < FAIL_NTH_MAX; n++) {
		ASSERT_EQ(1, bindings(vm, GH_GUEST_BASE, &pages));
		ASSERT_EQ(SZ_2M / SZ_4K, pages);
		nth_arm(self->nth, n);
		ret = gh_map(vm, gmem, hole, SZ_64K, SZ_64K, lend | GH_MEM_UNMAP);
		err = errno;
		fired = nth_fired(self->nth);
		if (ret) {
			failed++;
			EXPECT_EQ(ENOMEM, err) TH_LOG("allocation %d: %s", n, strerror(err));
			EXPECT_EQ(1, bindings(vm, GH_GUEST_BASE, &pages))
				TH_LOG("allocation %d failed: bindings", n);
			EXPECT_EQ(SZ_2M / SZ_4K, pages);
			if (_metadata->exit_code == KSFT_FAIL)
				break;
			continue;
		}
		EXPECT_EQ(2, bindings(vm, GH_GUEST_BASE, &pages));
		EXPECT_EQ(SZ_64K / SZ_4K, pages);
		/* The piece back, with the same allocation failed. */
		nth_arm(self->nth, n);
		ret = gh_map(vm, gmem, hole, SZ_64K, SZ_64K, lend);
		nth_fired(self->nth);
		if (ret) {
			EXPECT_EQ(2, bindings(vm, GH_GUEST_BASE, &pages));
			ASSERT_EQ(0, gh_map(vm, gmem, hole, SZ_64K, SZ_64K, lend));
		}
		EXPECT_EQ(3, bindings(vm, GH_GUEST_BASE, &pages));
		/* Start again from one binding. */
		gh_close(&vm);
		gh_close(&gmem);
		if (!fired)
			break;
		vm = bootable_vm(_metadata, self->dev, &gmem);
		ASSERT_LE(0, vm);
	}
	EXPECT_GT(FAIL_NTH_MAX, n);
	EXPECT_LT(0, failed);
	ksft_print_msg("split: %d allocations, %d failures it returned\n",
		       n - 1, failed);
	gh_close(&vm);
	gh_close(&gmem);
	census_check(_metadata, &base, "split, then close", n);
}

/* Bindings of a VM and a file enough to fill a maple tree's leaf node. */
#define MANY		24
#define MANY_GPA	0xc0000000UL
#define MANY_STEP	(2 * SZ_64K)

static int bind_many(int vm, int gmem)
{
	int i;

	for (i = 0; i < MANY; i++)
		if (gh_map(vm, gmem, MANY_GPA + i * MANY_STEP, i * MANY_STEP,
			   SZ_64K, GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX))
			return -1;
	return 0;
}

/*
 * Issue 11, item 10, the maple trees' way: with every allocation of the
 * trees' stores failing after the first 0, 1, 2, ... nodes of them, a
 * binding split in the middle either splits, or fails with both trees as
 * they were. Before, a store that failed between the VM's tree and the
 * file's left the binding at two ranges of one tree only (and the split's
 * WARN_ON was reachable); trees whose nodes live in the bindings make no
 * such store, and the split always succeeds.
 */
TEST_F_TIMEOUT(failslab, split_with_tree_nodes_failing, 300)
{
	const __u32 lend = GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX;
	const __u64 target = MANY_GPA + (MANY / 2) * MANY_STEP;
	int k, vm, gmem, many, ret, err, fired, n;
	unsigned long start, end;
	struct census base;
	long long pages;

	if (!knob_saved(self->saved, "require-start")[0])
		SKIP(return, "no %s: a kernel without %s", FAILSLAB "/require-start",
		     "CONFIG_FAULT_INJECTION_STACKTRACE_FILTER");
	ASSERT_EQ(0, ksym_range("mtree_store_range", &start, &end));
	census_take(&base);
	for (k = 0; k < 32; k++) {
		vm = bootable_vm(_metadata, self->dev, &gmem);
		ASSERT_LE(0, vm);
		many = gh_create_mem(self->dev, MANY * MANY_STEP, 0);
		ASSERT_LE(0, many);
		ASSERT_EQ(0, bind_many(vm, many));
		/* A maple node is 256 bytes. */
		ASSERT_EQ(0, failslab_in(start, end, 1000, k * 256UL));
		ret = gh_map(vm, many, target + SZ_4K * 4,
			     (MANY / 2) * MANY_STEP + SZ_4K * 4, SZ_4K * 4,
			     lend | GH_MEM_UNMAP);
		err = errno;
		fired = failslab_put_back(self->saved, 1000);
		n = bindings(vm, target, &pages);
		TH_LOG("%d nodes, then failures (%d injected): %s, %d bindings",
		       k, fired, ret ? strerror(err) : "split", n);
		if (ret) {
			EXPECT_EQ(ENOMEM, err);
			EXPECT_EQ(1 + MANY, n);
			EXPECT_EQ(SZ_64K / SZ_4K, pages);
		} else {
			EXPECT_EQ(2 + MANY, n);
			EXPECT_EQ(4, pages);
		}
		close(vm);
		close(gmem);
		close(many);
		census_check(_metadata, &base, "split with tree nodes failing", k);
		if (_metadata->exit_code == KSFT_FAIL || fired <= 0)
			break;
	}
}

TEST_HARNESS_MAIN
