// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for Gunyah hypervisor detection.
 */

#include <kunit/test.h>
#include <linux/arm-smccc.h>
#include <linux/gunyah.h>

/* What the public Gunyah hypervisor answers to VENDOR_HYP_CALL_UID. */
static void gunyah_uid_accepts_gunyah(struct kunit *test)
{
	struct arm_smccc_res res = {
		.a0 = 0xcd8fd5c1, .a1 = 0xdb5f53a4,
		.a2 = 0x36ce6592, .a3 = 0x145f3d67,
	};

	KUNIT_EXPECT_TRUE(test, gunyah_uid_is_gunyah(&res));
}

static void gunyah_uid_rejects_others(struct kunit *test)
{
	/* The same words in reverse order, as some early patches had them. */
	struct arm_smccc_res reversed = {
		.a0 = 0x145f3d67, .a1 = 0x36ce6592,
		.a2 = 0xdb5f53a4, .a3 = 0xcd8fd5c1,
	};
	/* KVM's UID: 28b46fb6-2ec5-11e9-a9ca-4b564d003a74 */
	struct arm_smccc_res kvm = {
		.a0 = 0xb66fb428, .a1 = 0xe911c52e,
		.a2 = 0x564bcaa9, .a3 = 0x743a004d,
	};
	struct arm_smccc_res unsupported = { .a0 = SMCCC_RET_NOT_SUPPORTED };
	struct arm_smccc_res high_bits = {
		.a0 = 0x1cd8fd5c1ULL, .a1 = 0xdb5f53a4,
		.a2 = 0x36ce6592, .a3 = 0x145f3d67,
	};

	KUNIT_EXPECT_FALSE(test, gunyah_uid_is_gunyah(&reversed));
	KUNIT_EXPECT_FALSE(test, gunyah_uid_is_gunyah(&kvm));
	KUNIT_EXPECT_FALSE(test, gunyah_uid_is_gunyah(&unsupported));
	KUNIT_EXPECT_FALSE(test, gunyah_uid_is_gunyah(&high_bits));
}

static struct kunit_case gunyah_hypercall_cases[] = {
	KUNIT_CASE(gunyah_uid_accepts_gunyah),
	KUNIT_CASE(gunyah_uid_rejects_others),
	{}
};

static struct kunit_suite gunyah_hypercall_suite = {
	.name = "gunyah_hypercall",
	.test_cases = gunyah_hypercall_cases,
};

kunit_test_suite(gunyah_hypercall_suite);
