// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gunyah hypercalls (SMCCC vendor-hyp calls) and hypervisor detection.
 *
 * Detection runs once, early at boot: the vendor-hyp UID call goes through
 * whatever SMCCC conduit firmware advertised, so it is harmless on any
 * arm64 machine, and no Gunyah hypercall is ever issued unless the UID was
 * Gunyah's. What it found is kept read-only for the rest of the driver.
 *
 * Locking: none; detection runs once at arch_initcall, and what it found
 * is only read afterwards.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/arm-smccc.h>
#include <linux/bitfield.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/gunyah.h>
#include <linux/init.h>
#include <linux/kasan.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>

#define GUNYAH_HYPERCALL_HYP_IDENTIFY	GUNYAH_HYPERCALL(0x00)
#define GUNYAH_HYPERCALL_BELL_SEND	GUNYAH_HYPERCALL(0x12)
#define GUNYAH_HYPERCALL_BELL_SET_MASK	GUNYAH_HYPERCALL(0x15)
#define GUNYAH_HYPERCALL_MSGQ_SEND	GUNYAH_HYPERCALL(0x1b)
#define GUNYAH_HYPERCALL_MSGQ_RECV	GUNYAH_HYPERCALL(0x1c)
#define GUNYAH_HYPERCALL_VCPU_RUN	GUNYAH_HYPERCALL(0x65)

/* c1d58fcd-a453-5fdb-9265-ce36673d5f14, Gunyah's vendor-hyp UID */
static const uuid_t gunyah_uuid = UUID_INIT(0xc1d58fcd, 0xa453, 0x5fdb, 0x92,
					    0x65, 0xce, 0x36, 0x67, 0x3d, 0x5f,
					    0x14);

/* Set once by gunyah_hypercall_init(); read-only afterwards. */
static bool gunyah_present __ro_after_init;
static bool gunyah_uid_seen __ro_after_init;
static struct gunyah_hypercall_hyp_identify_resp gunyah_identity __ro_after_init;

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
 * gunyah_identify_check() - can the driver work with this hypervisor?
 * @id: what hyp_identify returned
 *
 * The driver speaks API version 1 with 64-bit registers.
 *
 * Return: 0 if it can, -ENODEV if not.
 */
int gunyah_identify_check(const struct gunyah_hypercall_hyp_identify_resp *id)
{
	if (FIELD_GET(GUNYAH_API_INFO_API_VERSION, id->api_info) != GUNYAH_API_V1)
		return -ENODEV;
	if (!(id->api_info & GUNYAH_API_INFO_IS_64BIT))
		return -ENODEV;
	return 0;
}

/**
 * gunyah_identify_has_feature() - test a feature bit of hyp_identify
 * @id: what hyp_identify returned
 * @feature: the feature
 *
 * Return: true if @id reports @feature.
 */
bool gunyah_identify_has_feature(const struct gunyah_hypercall_hyp_identify_resp *id,
				 enum gunyah_api_feature feature)
{
	if ((unsigned int)feature >= BITS_PER_TYPE(id->flags[0]))
		return false;
	return id->flags[0] & BIT_ULL(feature);
}

/**
 * gunyah_detect() - find out whether Linux runs on Gunyah
 * @id: filled with the hypervisor's identification when it does
 *
 * Returns what the detection at boot found; it issues no call itself.
 *
 * Return: true if Gunyah with a supported API version is present.
 */
bool gunyah_detect(struct gunyah_hypercall_hyp_identify_resp *id)
{
	if (!gunyah_present)
		return false;
	*id = gunyah_identity;
	return true;
}

/**
 * gunyah_hypervisor_seen() - whether Linux runs on any Gunyah at all
 *
 * Return: true if the vendor-hyp UID is Gunyah's, even if its API version
 * is one this driver does not support (gunyah_detect() is false then).
 */
bool gunyah_hypervisor_seen(void)
{
	return gunyah_uid_seen;
}

/**
 * gunyah_has_feature() - does the hypervisor Linux runs on have a feature?
 * @feature: the feature
 *
 * Return: true if Linux runs on a supported Gunyah that reports @feature;
 * false otherwise, including when there is no Gunyah at all.
 */
bool gunyah_has_feature(enum gunyah_api_feature feature)
{
	return gunyah_present &&
	       gunyah_identify_has_feature(&gunyah_identity, feature);
}

/* An arch_initcall: before any device probes, so every backend agrees. */
static int __init gunyah_hypercall_init(void)
{
	struct gunyah_hypercall_hyp_identify_resp id;
	struct arm_smccc_res res;

	/* Falls back to SMCCC_RET_NOT_SUPPORTED when there is no conduit. */
	arm_smccc_1_1_invoke(ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID, &res);
	if (!gunyah_uid_is_gunyah(&res))
		return 0;
	gunyah_uid_seen = true;

	/* hyp_identify has no error register: x0..x3 are all results. */
	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_HYP_IDENTIFY, &res);
	id.api_info = res.a0;
	id.flags[0] = res.a1;
	id.flags[1] = res.a2;
	id.flags[2] = res.a3;

	if (gunyah_identify_check(&id)) {
		pr_warn("unsupported hypervisor API (api_info %#llx)\n",
			id.api_info);
		return 0;
	}

	gunyah_identity = id;
	gunyah_present = true;
	pr_info("Gunyah API v%llu, variant %#llx, features %#llx\n",
		FIELD_GET(GUNYAH_API_INFO_API_VERSION, id.api_info),
		FIELD_GET(GUNYAH_API_INFO_VARIANT, id.api_info), id.flags[0]);
	return 0;
}
arch_initcall(gunyah_hypercall_init);

/**
 * gunyah_error_remap() - turn a hypervisor error into an errno
 * @gunyah_error: what a hypercall returned
 *
 * Return: 0 for %GUNYAH_ERROR_OK, otherwise a negative errno.
 */
int gunyah_error_remap(enum gunyah_error gunyah_error)
{
	switch (gunyah_error) {
	case GUNYAH_ERROR_OK:
		return 0;
	case GUNYAH_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GUNYAH_ERROR_RETRY:
		return -EAGAIN;
	case GUNYAH_ERROR_NOMEM:
		return -ENOMEM;
	case GUNYAH_ERROR_DENIED:
	case GUNYAH_ERROR_CSPACE_CAP_NULL:
	case GUNYAH_ERROR_CSPACE_CAP_REVOKED:
	case GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE:
	case GUNYAH_ERROR_CSPACE_INSUF_RIGHTS:
		return -EACCES;
	case GUNYAH_ERROR_BUSY:
	case GUNYAH_ERROR_IDLE:
	case GUNYAH_ERROR_CSPACE_FULL:
		return -EBUSY;
	case GUNYAH_ERROR_IRQ_BOUND:
	case GUNYAH_ERROR_IRQ_UNBOUND:
	case GUNYAH_ERROR_MSGQUEUE_EMPTY:
	case GUNYAH_ERROR_MSGQUEUE_FULL:
		return -EIO;
	case GUNYAH_ERROR_ARG_INVAL:
	case GUNYAH_ERROR_ARG_SIZE:
	case GUNYAH_ERROR_ARG_ALIGN:
	case GUNYAH_ERROR_ADDR_OVFL:
	case GUNYAH_ERROR_ADDR_UNFL:
	case GUNYAH_ERROR_ADDR_INVAL:
	default:
		return -EINVAL;
	}
}

/*
 * The hypervisor reads and writes message buffers through the caller's
 * stage-1 translation, given a kernel virtual address. Hand it one without
 * a KASAN tag in the top byte, so it need not know about tagged pointers.
 */
static uintptr_t gunyah_buf_addr(const void *buf)
{
	return (uintptr_t)kasan_reset_tag(buf);
}

/*
 * The hypervisor's error is a 32-bit signed value; only the low half of x0
 * is defined, so a negative code is not relied on to be sign-extended.
 */
static enum gunyah_error gunyah_error_from_reg(unsigned long x0)
{
	return (enum gunyah_error)(s32)lower_32_bits(x0);
}

/**
 * gunyah_hypercall_msgq_send() - put a message into a message queue
 * @capid: the queue's transmit capability
 * @size: bytes in @buf
 * @buf: the message; the hypervisor reads it through this kernel virtual
 *       address, so it must stay mapped during the call
 * @tx_flags: %GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH or 0
 * @ready: set to whether the queue still has room after this message
 *
 * Return: %GUNYAH_ERROR_OK once the message is queued,
 * %GUNYAH_ERROR_MSGQUEUE_FULL if it was not because the queue is full, or
 * another error. @ready is only meaningful on success.
 */
enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buf, u64 tx_flags,
					     bool *ready)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_SEND, capid, size,
			  gunyah_buf_addr(buf), tx_flags, 0, &res);
	*ready = res.a1;
	return gunyah_error_from_reg(res.a0);
}

/**
 * gunyah_hypercall_msgq_recv() - take a message out of a message queue
 * @capid: the queue's receive capability
 * @buf: where the message goes, a kernel virtual address (see
 *       gunyah_hypercall_msgq_send())
 * @size: bytes available at @buf
 * @recv_size: set to the size of the message received
 * @ready: set to whether more messages are waiting
 *
 * Return: %GUNYAH_ERROR_OK with a message in @buf,
 * %GUNYAH_ERROR_MSGQUEUE_EMPTY if there was none, or another error.
 * @recv_size and @ready are only meaningful on success.
 */
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buf, size_t size,
					     size_t *recv_size, bool *ready)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_MSGQ_RECV, capid,
			  gunyah_buf_addr(buf), size, 0, &res);
	*recv_size = res.a1;
	*ready = res.a2;
	return gunyah_error_from_reg(res.a0);
}

/**
 * gunyah_hypercall_bell_send() - ring a doorbell
 * @capid: the doorbell's send capability
 * @new_flags: flags to set in the doorbell
 * @old_flags: set to the doorbell's flags before this call
 *
 * Return: a hypervisor error; @old_flags is only meaningful on success.
 */
enum gunyah_error gunyah_hypercall_bell_send(u64 capid, u64 new_flags,
					     u64 *old_flags)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_BELL_SEND, capid, new_flags, 0, &res);
	*old_flags = res.a1;
	return gunyah_error_from_reg(res.a0);
}

/**
 * gunyah_hypercall_bell_set_mask() - choose which doorbell flags interrupt
 * @capid: the doorbell's receive capability
 * @enable_mask: flags that raise the doorbell's interrupt
 * @ack_mask: flags cleared when the interrupt is taken
 *
 * Return: a hypervisor error.
 */
enum gunyah_error gunyah_hypercall_bell_set_mask(u64 capid, u64 enable_mask,
						 u64 ack_mask)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GUNYAH_HYPERCALL_BELL_SET_MASK, capid, enable_mask,
			  ack_mask, 0, &res);
	return gunyah_error_from_reg(res.a0);
}

/**
 * gunyah_hypercall_vcpu_run() - run a vCPU of another VM on this CPU
 * @capid: the vCPU's capability
 * @resume_data: how to finish what stopped the vCPU last time (resume_data[0]
 *               is a GUNYAH_VCPU_RESUME_* action; [1] the value of an
 *               emulated read); zeros for a plain run
 * @resp: set to why the vCPU stopped
 *
 * Return: a hypervisor error; @resp is only meaningful on success.
 */
enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 resume_data[3],
			  struct gunyah_hypercall_vcpu_run_resp *resp)
{
	/* Gunyah wants every reserved input register zero: start from {}. */
	struct arm_smccc_1_2_regs args = {
		.a0 = GUNYAH_HYPERCALL_VCPU_RUN,
		.a1 = capid,
		.a2 = resume_data[0],
		.a3 = resume_data[1],
		.a4 = resume_data[2],
	};
	struct arm_smccc_1_2_regs res;

	arm_smccc_1_2_hvc(&args, &res);
	resp->state = res.a1;
	resp->state_data[0] = res.a2;
	resp->state_data[1] = res.a3;
	resp->state_data[2] = res.a4;
	return gunyah_error_from_reg(res.a0);
}
