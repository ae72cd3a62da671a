// SPDX-License-Identifier: GPL-2.0-only
/*
 * A lend whose reply never comes: the RM may have taken the pages, so the
 * driver must treat them as given for good. They stay counted as lent, out
 * of every host mapping, and the VM is kept rather than freed.
 *
 * Needs the simulated RM, which can drop a reply; it leaves the pages with
 * the RM on purpose, so it runs last of the gunyah kselftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/falloc.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define TIMEOUT_FILE	GH_DEBUGFS "/rm_reply_timeout_ms"

/* 1 if reading *p raises SIGBUS, 0 if it reads. */
static int reads_sigbus(const unsigned char *p)
{
	return gh_read_byte(p) == -1;
}

TEST(lend_without_reply_stays_given)
{
	long long lent, unknown;
	unsigned char *p, *q;
	int dev, vm, gmem;

	dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(dev, 0);
	if (access(GH_SIM "/control", W_OK))
		SKIP(return, "needs the simulated RM to drop a reply; a real RM cannot be made to");
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
	close(dev);
}

TEST_HARNESS_MAIN
