/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces of the Gunyah hypervisor driver shared between its layers.
 */
#ifndef _LINUX_GUNYAH_H
#define _LINUX_GUNYAH_H

#include <linux/arm-smccc.h>
#include <linux/bits.h>
#include <linux/types.h>

/* SMCCC owner for Gunyah's hypercalls: fast, 64-bit, vendor-hyp 0x8000 | n */
#define GUNYAH_HYPERCALL(n)						\
	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64,	\
			   ARM_SMCCC_OWNER_VENDOR_HYP, 0x8000 | (n))

#define GUNYAH_API_V1			1

/* Fields of hyp_identify's api_info */
#define GUNYAH_API_INFO_API_VERSION	GENMASK_ULL(13, 0)
#define GUNYAH_API_INFO_BIG_ENDIAN	BIT_ULL(14)
#define GUNYAH_API_INFO_IS_64BIT	BIT_ULL(15)
#define GUNYAH_API_INFO_VARIANT		GENMASK_ULL(63, 56)

/* A capability id that names nothing */
#define GUNYAH_CAPID_INVAL		U64_MAX

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

/**
 * enum gunyah_api_feature - feature bits in flags[0] of hyp_identify
 * @GUNYAH_FEATURE_DOORBELL: doorbells (bell_send, bell_set_mask, ...)
 * @GUNYAH_FEATURE_MSGQUEUE: message queues; required to reach the RM
 * @GUNYAH_FEATURE_VCPU: vCPU objects
 * @GUNYAH_FEATURE_MEMEXTENT: memory extents
 * @GUNYAH_FEATURE_VCPU_RUN: vcpu_run, i.e. a host-scheduled vCPU (the public
 *                           hypervisor reports it in bit 11)
 */
enum gunyah_api_feature {
	GUNYAH_FEATURE_DOORBELL		= 1,
	GUNYAH_FEATURE_MSGQUEUE		= 2,
	GUNYAH_FEATURE_VCPU		= 5,
	GUNYAH_FEATURE_MEMEXTENT	= 6,
	GUNYAH_FEATURE_VCPU_RUN		= 11,
};

bool gunyah_uid_is_gunyah(const struct arm_smccc_res *res);
int gunyah_identify_check(const struct gunyah_hypercall_hyp_identify_resp *id);
bool gunyah_identify_has_feature(const struct gunyah_hypercall_hyp_identify_resp *id,
				 enum gunyah_api_feature feature);
bool gunyah_detect(struct gunyah_hypercall_hyp_identify_resp *id);
bool gunyah_hypervisor_seen(void);
bool gunyah_has_feature(enum gunyah_api_feature feature);

/**
 * enum gunyah_error - error codes the hypervisor returns in x0
 * @GUNYAH_ERROR_OK: success
 * @GUNYAH_ERROR_UNIMPLEMENTED: the call does not exist
 * @GUNYAH_ERROR_RETRY: try the call again
 * @GUNYAH_ERROR_ARG_INVAL: an argument is invalid
 * @GUNYAH_ERROR_ARG_SIZE: a size argument is invalid
 * @GUNYAH_ERROR_ARG_ALIGN: an argument is misaligned
 * @GUNYAH_ERROR_NOMEM: the hypervisor is out of memory
 * @GUNYAH_ERROR_ADDR_OVFL: an address range overflows
 * @GUNYAH_ERROR_ADDR_UNFL: an address range underflows
 * @GUNYAH_ERROR_ADDR_INVAL: an address is invalid
 * @GUNYAH_ERROR_DENIED: the operation is not allowed
 * @GUNYAH_ERROR_BUSY: the object is busy
 * @GUNYAH_ERROR_IDLE: the object is idle
 * @GUNYAH_ERROR_IRQ_BOUND: the interrupt is already bound
 * @GUNYAH_ERROR_IRQ_UNBOUND: the interrupt is not bound
 * @GUNYAH_ERROR_CSPACE_CAP_NULL: the capability id names no capability
 * @GUNYAH_ERROR_CSPACE_CAP_REVOKED: the capability was revoked
 * @GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE: the capability is of another type
 * @GUNYAH_ERROR_CSPACE_INSUF_RIGHTS: the capability lacks a right
 * @GUNYAH_ERROR_CSPACE_FULL: the capability space is full
 * @GUNYAH_ERROR_MSGQUEUE_EMPTY: nothing to receive
 * @GUNYAH_ERROR_MSGQUEUE_FULL: no room to send
 */
enum gunyah_error {
	GUNYAH_ERROR_OK				= 0,
	GUNYAH_ERROR_UNIMPLEMENTED		= -1,
	GUNYAH_ERROR_RETRY			= -2,

	GUNYAH_ERROR_ARG_INVAL			= 1,
	GUNYAH_ERROR_ARG_SIZE			= 2,
	GUNYAH_ERROR_ARG_ALIGN			= 3,

	GUNYAH_ERROR_NOMEM			= 10,

	GUNYAH_ERROR_ADDR_OVFL			= 20,
	GUNYAH_ERROR_ADDR_UNFL			= 21,
	GUNYAH_ERROR_ADDR_INVAL			= 22,

	GUNYAH_ERROR_DENIED			= 30,
	GUNYAH_ERROR_BUSY			= 31,
	GUNYAH_ERROR_IDLE			= 32,

	GUNYAH_ERROR_IRQ_BOUND			= 40,
	GUNYAH_ERROR_IRQ_UNBOUND		= 41,

	GUNYAH_ERROR_CSPACE_CAP_NULL		= 50,
	GUNYAH_ERROR_CSPACE_CAP_REVOKED		= 51,
	GUNYAH_ERROR_CSPACE_WRONG_OBJ_TYPE	= 52,
	GUNYAH_ERROR_CSPACE_INSUF_RIGHTS	= 53,
	GUNYAH_ERROR_CSPACE_FULL		= 54,

	GUNYAH_ERROR_MSGQUEUE_EMPTY		= 60,
	GUNYAH_ERROR_MSGQUEUE_FULL		= 61,
};

int gunyah_error_remap(enum gunyah_error gunyah_error);

/* msgq_send's tx_flags: raise the receiver's interrupt now */
#define GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH	BIT_ULL(0)

enum gunyah_error gunyah_hypercall_msgq_send(u64 capid, size_t size,
					     const void *buf, u64 tx_flags,
					     bool *ready);
enum gunyah_error gunyah_hypercall_msgq_recv(u64 capid, void *buf, size_t size,
					     size_t *recv_size, bool *ready);
enum gunyah_error gunyah_hypercall_bell_send(u64 capid, u64 new_flags,
					     u64 *old_flags);
enum gunyah_error gunyah_hypercall_bell_set_mask(u64 capid, u64 enable_mask,
						 u64 ack_mask);

/**
 * enum gunyah_vcpu_state - why vcpu_run returned
 * @GUNYAH_VCPU_STATE_READY: the vCPU can run again at once (preempted)
 * @GUNYAH_VCPU_STATE_EXPECTS_WAKEUP: the vCPU waits for an interrupt
 * @GUNYAH_VCPU_STATE_POWERED_OFF: the vCPU is off; state_data[0] holds the
 *                                 power-off flags
 * @GUNYAH_VCPU_STATE_BLOCKED: the vCPU is blocked in the hypervisor
 * @GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ: the guest read an emulated
 *                                          address; state_data is
 *                                          {address, length, 0}
 * @GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE: the guest wrote an emulated
 *                                           address; state_data is
 *                                           {address, length, value}
 * @GUNYAH_VCPU_STATE_FAULT: the vCPU faulted
 * @GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET: the guest asked for a system reset
 */
enum gunyah_vcpu_state {
	GUNYAH_VCPU_STATE_READY			= 0,
	GUNYAH_VCPU_STATE_EXPECTS_WAKEUP	= 1,
	GUNYAH_VCPU_STATE_POWERED_OFF		= 2,
	GUNYAH_VCPU_STATE_BLOCKED		= 3,
	GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ	= 4,
	GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE	= 5,
	GUNYAH_VCPU_STATE_FAULT			= 6,
	GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET	= 0x100,
};

/*
 * How vcpu_run finishes an emulated access. resume_data[0] is the value of
 * an emulated read; resume_data[1] the action below; resume_data[2] zero.
 * The public hypervisor (12/2023) reads only resume_data[0] and always
 * emulates; later ones honour the action.
 */
#define GUNYAH_VCPU_RESUME_EMULATE		0
#define GUNYAH_VCPU_RESUME_RETRY		1
#define GUNYAH_VCPU_RESUME_FAULT		2

/* state_data[0] of GUNYAH_VCPU_STATE_POWERED_OFF: the vCPU's VM has exited */
#define GUNYAH_VCPU_POWEROFF_EXITED		BIT(0)

/**
 * struct gunyah_hypercall_vcpu_run_resp - what vcpu_run returns
 * @state: an &enum gunyah_vcpu_state, as the hypervisor's 64-bit value
 * @state_data: details of @state
 */
struct gunyah_hypercall_vcpu_run_resp {
	u64 state;
	u64 state_data[3];
};

enum gunyah_error
gunyah_hypercall_vcpu_run(u64 capid, const u64 resume_data[3],
			  struct gunyah_hypercall_vcpu_run_resp *resp);

#endif /* _LINUX_GUNYAH_H */
