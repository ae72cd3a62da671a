// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for Gunyah hypervisor detection and the hypercall layer's
 * pure parts: the UID check, hyp_identify decoding and the errno mapping.
 *
 * Locking: none; the cases share nothing.
 */

#include <kunit/test.h>
#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/gunyah.h>
#include <linux/kernel.h>

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

/* api_info and flags[0] as the public hypervisor reports them. */
#define PUBLIC_API_INFO		0x5100000000008001ULL
#define PUBLIC_FLAGS0		0x10000effULL

static void gunyah_identify_accepts_public(struct kunit *test)
{
	struct gunyah_hypercall_hyp_identify_resp id = {
		.api_info = PUBLIC_API_INFO,
		.flags = { PUBLIC_FLAGS0 },
	};

	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), 0);
}

static void gunyah_identify_rejects_others(struct kunit *test)
{
	struct gunyah_hypercall_hyp_identify_resp id = { };

	/* Version 0, 2 and the largest, with the 64-bit bit set. */
	id.api_info = GUNYAH_API_INFO_IS_64BIT;
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
	id.api_info = GUNYAH_API_INFO_IS_64BIT | 2;
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
	id.api_info = GUNYAH_API_INFO_IS_64BIT | GUNYAH_API_INFO_API_VERSION;
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
	/* Version 1 of a 32-bit hypervisor. */
	id.api_info = PUBLIC_API_INFO & ~GUNYAH_API_INFO_IS_64BIT;
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
	/* Version 1 plus a version bit above it is version 0x2001. */
	id.api_info = PUBLIC_API_INFO | BIT_ULL(13);
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
	/* Not an identify answer at all: SMCCC's NOT_SUPPORTED. */
	id.api_info = (u64)SMCCC_RET_NOT_SUPPORTED;
	KUNIT_EXPECT_EQ(test, gunyah_identify_check(&id), -ENODEV);
}

static void gunyah_identify_features(struct kunit *test)
{
	struct gunyah_hypercall_hyp_identify_resp id = {
		.api_info = PUBLIC_API_INFO,
		.flags = { PUBLIC_FLAGS0 },
	};
	struct gunyah_hypercall_hyp_identify_resp none = {
		.api_info = PUBLIC_API_INFO,
		/* Features live in flags[0] only. */
		.flags = { 0, ~0ULL, ~0ULL },
	};
	struct gunyah_hypercall_hyp_identify_resp only_msgq = {
		.api_info = PUBLIC_API_INFO,
		.flags = { BIT_ULL(2) },
	};

	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&id, GUNYAH_FEATURE_DOORBELL));
	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&id, GUNYAH_FEATURE_MSGQUEUE));
	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&id, GUNYAH_FEATURE_VCPU));
	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&id, GUNYAH_FEATURE_MEMEXTENT));
	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&id, GUNYAH_FEATURE_VCPU_RUN));

	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&none, GUNYAH_FEATURE_DOORBELL));
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&none, GUNYAH_FEATURE_MSGQUEUE));
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&none, GUNYAH_FEATURE_VCPU));

	KUNIT_EXPECT_TRUE(test, gunyah_identify_has_feature(&only_msgq, GUNYAH_FEATURE_MSGQUEUE));
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&only_msgq, GUNYAH_FEATURE_DOORBELL));
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&only_msgq, GUNYAH_FEATURE_VCPU_RUN));

	/* A bit number past flags[0] is never set. */
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&id, (enum gunyah_api_feature)64));
	KUNIT_EXPECT_FALSE(test, gunyah_identify_has_feature(&id, (enum gunyah_api_feature)-1));
}

/* The test kernel runs under QEMU without Gunyah: nothing is reported. */
static void gunyah_not_detected_under_test(struct kunit *test)
{
	struct gunyah_hypercall_hyp_identify_resp id;

	if (gunyah_detect(&id))
		kunit_skip(test, "running on Gunyah");
	KUNIT_EXPECT_FALSE(test, gunyah_has_feature(GUNYAH_FEATURE_MSGQUEUE));
	KUNIT_EXPECT_FALSE(test, gunyah_has_feature(GUNYAH_FEATURE_DOORBELL));
}

static const struct {
	enum gunyah_error error;
	int err;
} gunyah_remap_table[] = {
	{ GUNYAH_ERROR_OK,			0 },
	{ GUNYAH_ERROR_UNIMPLEMENTED,		-EOPNOTSUPP },
	{ GUNYAH_ERROR_RETRY,			-EAGAIN },
	{ GUNYAH_ERROR_ARG_INVAL,		-EINVAL },
	{ GUNYAH_ERROR_ARG_SIZE,		-EINVAL },
	{ GUNYAH_ERROR_ARG_ALIGN,		-EINVAL },
	{ GUNYAH_ERROR_NOMEM,			-ENOMEM },
	{ GUNYAH_ERROR_ADDR_OVFL,		-EINVAL },
	{ GUNYAH_ERROR_ADDR_UNFL,		-EINVAL },
	{ GUNYAH_ERROR_ADDR_INVAL,		-EINVAL },
	{ GUNYAH_ERROR_DENIED,			-EACCES },
	{ GUNYAH_ERROR_BUSY,			-EBUSY },
	{ GUNYAH_ERROR_IDLE,			-EBUSY },
	{ GUNYAH_ERROR_IRQ_BOUND,		-EIO },
	{ GUNYAH_ERROR_IRQ_UNBOUND,		-EIO },
	{ GUNYAH_ERROR_CSPACE_CAP_NULL,		-EACCES },
	{ GUNYAH_ERROR_CSPACE_CAP_REVOKED,	-EACCES },
	{ GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE,	-EACCES },
	{ GUNYAH_ERROR_CSPACE_INSUF_RIGHTS,	-EACCES },
	{ GUNYAH_ERROR_CSPACE_FULL,		-EBUSY },
	{ GUNYAH_ERROR_MSGQUEUE_EMPTY,		-EIO },
	{ GUNYAH_ERROR_MSGQUEUE_FULL,		-EIO },
};

static void gunyah_error_remap_every_code(struct kunit *test)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(gunyah_remap_table); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    gunyah_error_remap(gunyah_remap_table[i].error),
				    gunyah_remap_table[i].err,
				    "hypervisor error %d",
				    gunyah_remap_table[i].error);
}

static void gunyah_error_remap_unknown(struct kunit *test)
{
	static const int unknown[] = { -3, 4, 9, 11, 23, 33, 42, 55, 59, 62,
				       S32_MAX, S32_MIN };
	int i;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    gunyah_error_remap((enum gunyah_error)unknown[i]),
				    -EINVAL, "hypervisor error %d", unknown[i]);
}

static struct kunit_case gunyah_hypercall_cases[] = {
	KUNIT_CASE(gunyah_uid_accepts_gunyah),
	KUNIT_CASE(gunyah_uid_rejects_others),
	KUNIT_CASE(gunyah_identify_accepts_public),
	KUNIT_CASE(gunyah_identify_rejects_others),
	KUNIT_CASE(gunyah_identify_features),
	KUNIT_CASE(gunyah_not_detected_under_test),
	KUNIT_CASE(gunyah_error_remap_every_code),
	KUNIT_CASE(gunyah_error_remap_unknown),
	{}
};

static struct kunit_suite gunyah_hypercall_suite = {
	.name = "gunyah_hypercall",
	.test_cases = gunyah_hypercall_cases,
};

kunit_test_suite(gunyah_hypercall_suite);
