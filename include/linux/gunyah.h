/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces of the Gunyah hypervisor driver shared between its layers.
 */
#ifndef _LINUX_GUNYAH_H
#define _LINUX_GUNYAH_H

#include <linux/arm-smccc.h>
#include <linux/types.h>

/* SMCCC owner for Gunyah's hypercalls: fast, 64-bit, vendor-hyp 0x8000 | n */
#define GUNYAH_HYPERCALL(n)						\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_VENDOR_HYP, 0x8000 | (n))

#define GUNYAH_API_V1			1

/**
 * struct gunyah_hypercall_hyp_identify_resp - what hyp_identify returns
 * @api_info: API version (bits 13:0), endianness (bit 14), 64-bit (bit 15)
 *            and the hypervisor variant (bits 63:56)
 * @flags: feature bits; flags[0] bit 1 doorbells, bit 2 message queues,
 *         bit 5 vCPUs, bit 6 memory extents
 */
struct gunyah_hypercall_hyp_identify_resp {
	u64 api_info;
	u64 flags[3];
};

bool gunyah_uid_is_gunyah(const struct arm_smccc_res *res);
bool gunyah_detect(struct gunyah_hypercall_hyp_identify_resp *id);

#endif /* _LINUX_GUNYAH_H */
