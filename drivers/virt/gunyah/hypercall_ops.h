/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor-call interface: what a VM's functions (vCPUs, irqfds) ask
 * of the hypervisor directly, without the Resource Manager. It sits beside
 * the RM transport, not on it, and is chosen once at probe like the
 * transport: the real hypercalls on Gunyah (hypercall_ops.c), or the
 * simulator's vCPUs and doorbells (rm_sim/hyp.c).
 *
 * Locking: the interface holds no lock of its own. Every call may sleep and
 * calls for different objects may run concurrently; an implementation
 * serialises what it shares itself.
 */
#ifndef __GUNYAH_HYPERCALL_OPS_H
#define __GUNYAH_HYPERCALL_OPS_H

#include <linux/types.h>

struct device;
struct gunyah_hyp;
struct gunyah_hypercall_vcpu_run_resp;

/**
 * struct gunyah_hyp_ops - the hypervisor calls of one implementation
 * @vcpu_run: run a proxy-scheduled vCPU (by its capability id) until it
 *	needs the host; fills @resp. Returns 0, -EAGAIN to be called again, or
 *	another errno.
 * @bell_send: ring a doorbell with @new_flags. Returns 0 or an errno.
 * @bell_set_mask: set a doorbell's enable and ack masks. Returns 0 or an
 *	errno.
 * @virq_to_irq: the Linux interrupt of a virq number that GET_HYP_RESOURCES
 *	gave. Returns the irq or a negative errno.
 */
struct gunyah_hyp_ops {
	int (*vcpu_run)(struct gunyah_hyp *hyp, u64 capid,
			const u64 resume_data[3],
			struct gunyah_hypercall_vcpu_run_resp *resp);
	int (*bell_send)(struct gunyah_hyp *hyp, u64 capid, u64 new_flags);
	int (*bell_set_mask)(struct gunyah_hyp *hyp, u64 capid,
			     u64 enable_mask, u64 ack_mask);
	int (*virq_to_irq)(struct gunyah_hyp *hyp, u32 virq);
};

/**
 * struct gunyah_hyp - one implementation of the hypervisor calls
 * @ops: its calls; an implementation embeds this structure in its own
 */
struct gunyah_hyp {
	const struct gunyah_hyp_ops *ops;
};

/* hypercall_ops.c: the real hypercalls; released with @dev */
struct gunyah_hyp *gunyah_hyp_real_create(struct device *dev);

#endif /* __GUNYAH_HYPERCALL_OPS_H */
