// SPDX-License-Identifier: GPL-2.0-only
/*
 * A lend's reference check: before memory is lent, the driver makes sure
 * nothing but the page cache holds its folios. A reference that only
 * passes by (a speculative page-cache lookup, a compaction scan, a CPU's
 * LRU batch) must not fail the start: the check is made again, a bounded
 * number of times, and the LRU batches are drained once more only when a
 * check fails. A reference that stays refuses the lend (EBUSY).
 *
 * Passing references cannot be made on demand, so the check itself is
 * failed, a given number of times, with the fail_function fault injection
 * (CONFIG_FAIL_FUNCTION). Runs on either Resource Manager.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define FEI		"/sys/kernel/debug/fail_function"
#define CHECK_FN	"gunyah_parcel_check_refs"
/* How often a lend checks before it gives up (mem_parcel.c). */
#define LEND_CHECKS	4

FIXTURE(lend_refs) {
	int dev;
	int vm;
	int gmem;
	bool armed;
};

FIXTURE_SETUP(lend_refs)
{
	self->vm = -1;
	self->gmem = -1;
	self->armed = false;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	if (access(FEI "/inject", W_OK))
		SKIP(return, "no %s: a kernel without CONFIG_FAIL_FUNCTION", FEI);
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_setup_bootable(self->dev, self->vm);
	ASSERT_GE(self->gmem, 0);
}

FIXTURE_TEARDOWN(lend_refs)
{
	if (self->armed && gh_write_file(FEI "/inject", "!" CHECK_FN))
		ksft_print_msg("cannot disarm %s\n", CHECK_FN);
	if (self->vm >= 0)
		close(self->vm);
	if (self->gmem >= 0)
		close(self->gmem);
	if (self->dev >= 0) {
		EXPECT_EQ(0, gh_mem_total("pages_lent"));
		close(self->dev);
	}
}

/* The next @times reference checks find a reference that is not ours. */
static int fail_checks(bool *armed, int times)
{
	char n[16];

	if (gh_write_file(FEI "/inject", CHECK_FN))
		return -1;
	*armed = true;
	snprintf(n, sizeof(n), "%d", times);
	/* -EBUSY, as the 64-bit value fail_function takes. */
	return gh_write_file(FEI "/" CHECK_FN "/retval", "0xfffffffffffffff0") ||
	       gh_write_file(FEI "/verbose", "0") ||
	       gh_write_file(FEI "/interval", "1") ||
	       gh_write_file(FEI "/times", n) ||
	       gh_write_file(FEI "/probability", "100");
}

/* A reference gone by the last check: the start goes on. */
TEST_F(lend_refs, passing_references_are_waited_out)
{
	long long drains = gh_mem_total("lru_drains");
	long long busy = gh_mem_total("lend_busy");

	ASSERT_EQ(0, fail_checks(&self->armed, LEND_CHECKS - 1));
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0)) TH_LOG("start: %s",
							     strerror(errno));
	EXPECT_EQ(busy, gh_mem_total("lend_busy"));
	/* The start's drain, and one more after the first failed check. */
	EXPECT_EQ(drains + 2, gh_mem_total("lru_drains"));
	EXPECT_EQ(SZ_2M / SZ_4K, gh_mem_total("pages_lent"));
}

/* A reference still there at the last check: EBUSY, nothing left lent. */
TEST_F(lend_refs, references_that_stay_refuse_the_lend)
{
	long long drains = gh_mem_total("lru_drains");
	long long busy = gh_mem_total("lend_busy");
	unsigned char *p;

	ASSERT_EQ(0, fail_checks(&self->armed, LEND_CHECKS));
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(busy + 1, gh_mem_total("lend_busy"));
	EXPECT_EQ(drains + 2, gh_mem_total("lru_drains"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	/* The memory is the host's again: the devicetree reads back. */
	p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, self->gmem, SZ_1M);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0xd0, gh_read_byte(p));
	munmap(p, SZ_4K);
	/* Once nothing holds the memory, the start succeeds. */
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
}

TEST_HARNESS_MAIN
