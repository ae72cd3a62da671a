// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah hypercalls (SMCCC vendor-hyp calls) and hypervisor detection.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/arm-smccc.h>
#include <linux/bitfield.h>
#include <linux/gunyah.h>
#include <linux/printk.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>

#define GUNYAH_HYPERCALL_HYP_IDENTIFY	GUNYAH_HYPERCALL(0x0)
#define GUNYAH_API_INFO_VERSION		GENMASK_ULL(13, 0)

/* c1d58fcd-a453-5fdb-9265-ce36673d5f14, Gunyah's vendor-hyp UID */
static const uuid_t gunyah_uuid = UUID_INIT(0xc1d58fcd, 0xa453, 0x5fdb, 0x92,
					    0x65, 0xce, 0x36, 0x67, 0x3d, 0x5f,
					    0x14);

/**
 * gunyah_uid_is_gunyah() - check a vendor-hyp UID call's answer
 * @res: the registers the VENDOR_HYP_CALL_UID call returned
 *
 * SMCCC returns the UID's 16 bytes in the low 32 bits of w0..w3, each word
 * holding four bytes in little-endian order.
 *
 * Return: true if the UID is Gunyah's.
 */
bool gunyah_uid_is_gunyah(const struct arm_smccc_res *res)
{
	const unsigned long w[4] = { res->a0, res->a1, res->a2, res->a3 };
	uuid_t uid;
	int i;

	for (i = 0; i < 4; i++) {
		/* An unsupported call returns -1 (all ones) in a0. */
		if (w[i] > U32_MAX)
			return false;
		put_unaligned_le32(w[i], &uid.b[i * 4]);
	}
	return uuid_equal(&uid, &gunyah_uuid);
}

/**
 * gunyah_detect() - find out whether Linux runs on Gunyah
 * @id: filled with the hypervisor's identification when it does
 *
 * Uses the SMCCC conduit only when firmware advertises SMCCC 1.1, so it is
 * safe (and silent) on any arm64 machine.
 *
 * Return: true if Gunyah with a supported API version is present.
 */
bool gunyah_detect(struct gunyah_hypercall_hyp_identify_resp *id)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, &res);
	if (!gunyah_uid_is_gunyah(&res))
		return false;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_HYP_IDENTIFY, &res);
	id->api_info = res.a0;
	id->flags[0] = res.a1;
	id->flags[1] = res.a2;
	id->flags[2] = res.a3;
	if (FIELD_GET(GUNYAH_API_INFO_VERSION, id->api_info) != GUNYAH_API_V1) {
		pr_info("unsupported API version %llu\n",
			FIELD_GET(GUNYAH_API_INFO_VERSION, id->api_info));
		return false;
	}
	return true;
}
