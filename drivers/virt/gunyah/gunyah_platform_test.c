// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the real-hypervisor backend's pure parts: reading the
 * RM's capability ids from its "reg" and what a msgq_send error means to
 * the RPC core.
 *
 * Locking: none; the cases share nothing.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gunyah.h>
#include <linux/kernel.h>

#include "gunyah_platform.h"

/* Two capability ids one boot of the public hypervisor handed out. */
static const __be32 reg_public[] = {
	cpu_to_be32(0xa4c1f8bb), cpu_to_be32(0x22bfb4e8),
	cpu_to_be32(0xf9c26666), cpu_to_be32(0x05ae17d1),
};

static void gunyah_rm_capids_public(struct kunit *test)
{
	u64 tx = 0, rx = 0;

	KUNIT_ASSERT_EQ(test, gunyah_rm_dt_capids(reg_public, sizeof(reg_public),
						  2, 0, &tx, &rx), 0);
	KUNIT_EXPECT_EQ(test, tx, 0xa4c1f8bb22bfb4e8ULL);
	KUNIT_EXPECT_EQ(test, rx, 0xf9c2666605ae17d1ULL);
}

/* A debug build of the hypervisor does not randomise: TX 0, RX 1. */
static void gunyah_rm_capids_debug_build(struct kunit *test)
{
	static const __be32 reg[] = { 0, 0, 0, cpu_to_be32(1) };
	u64 tx = ~0ULL, rx = ~0ULL;

	KUNIT_ASSERT_EQ(test, gunyah_rm_dt_capids(reg, sizeof(reg), 2, 0,
						  &tx, &rx), 0);
	KUNIT_EXPECT_EQ(test, tx, 0ULL);
	KUNIT_EXPECT_EQ(test, rx, 1ULL);
}

static void gunyah_rm_capids_bad_shape(struct kunit *test)
{
	u64 tx = 7, rx = 8;

	/* No "reg" at all. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(NULL, 0, 2, 0, &tx, &rx),
			-EINVAL);
	/* One entry, three entries, half an entry. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 8, 2, 0, &tx, &rx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 24, 2, 0, &tx, &rx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 4, 2, 0, &tx, &rx),
			-EINVAL);
	/* 32-bit ids, or ids with a size, are not what the RM emits. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 8, 1, 0, &tx, &rx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 16, 1, 1, &tx, &rx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 16, 2, 1, &tx, &rx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(reg_public, 16, 3, 0, &tx, &rx),
			-EINVAL);

	/* Nothing is written on failure. */
	KUNIT_EXPECT_EQ(test, tx, 7ULL);
	KUNIT_EXPECT_EQ(test, rx, 8ULL);
}

static void gunyah_rm_capids_bad_values(struct kunit *test)
{
	static const __be32 tx_inval[] = {
		cpu_to_be32(~0U), cpu_to_be32(~0U), 0, cpu_to_be32(1),
	};
	static const __be32 rx_inval[] = {
		0, cpu_to_be32(1), cpu_to_be32(~0U), cpu_to_be32(~0U),
	};
	static const __be32 same[] = {
		cpu_to_be32(0x1234), cpu_to_be32(0x5678),
		cpu_to_be32(0x1234), cpu_to_be32(0x5678),
	};
	u64 tx, rx;

	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(tx_inval, sizeof(tx_inval),
						  2, 0, &tx, &rx), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(rx_inval, sizeof(rx_inval),
						  2, 0, &tx, &rx), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dt_capids(same, sizeof(same), 2, 0,
						  &tx, &rx), -EINVAL);
}

static void gunyah_rm_msgq_send_errors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_OK), 0);
	/* Only a full queue makes the core wait for the TX interrupt. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_MSGQUEUE_FULL),
			-EAGAIN);
	KUNIT_EXPECT_NE(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_RETRY),
			-EAGAIN);
	KUNIT_EXPECT_LT(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_RETRY), 0);
	/* The rest as gunyah_error_remap() says. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_ARG_SIZE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_CSPACE_CAP_NULL),
			-EACCES);
	KUNIT_EXPECT_EQ(test, gunyah_rm_msgq_send_errno(GUNYAH_ERROR_UNIMPLEMENTED),
			-EOPNOTSUPP);
}

static struct kunit_case gunyah_platform_cases[] = {
	KUNIT_CASE(gunyah_rm_capids_public),
	KUNIT_CASE(gunyah_rm_capids_debug_build),
	KUNIT_CASE(gunyah_rm_capids_bad_shape),
	KUNIT_CASE(gunyah_rm_capids_bad_values),
	KUNIT_CASE(gunyah_rm_msgq_send_errors),
	{}
};

static struct kunit_suite gunyah_platform_suite = {
	.name = "gunyah_platform",
	.test_cases = gunyah_platform_cases,
};

kunit_test_suite(gunyah_platform_suite);
