// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor-call interface (hypercall_ops.h) on a real Gunyah.
 *
 * vcpu_run and the doorbell calls are the hypercalls of hypercall.c, with
 * their errors turned into errnos. The virqs GET_HYP_RESOURCES hands out
 * are GIC interrupt ids, mapped through the irq domain of the GIC that the
 * RM node's own interrupts go to.
 *
 * Locking: none; the hypercalls need none, and irq_create_fwspec_mapping()
 * serialises itself.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>

#include <dt-bindings/interrupt-controller/arm-gic.h>

#include "gunyah_platform.h"
#include "hypercall_ops.h"

/**
 * struct gunyah_hyp_real - the hypercall implementation
 * @hyp: what the VM manager sees
 * @dev: the RM's device, whose interrupt parent maps virqs
 */
struct gunyah_hyp_real {
	struct gunyah_hyp hyp;
	struct device *dev;
};

static int gunyah_real_vcpu_run(struct gunyah_hyp *hyp, u64 capid,
				const u64 resume_data[3],
				struct gunyah_hypercall_vcpu_run_resp *resp)
{
	enum gunyah_error gunyah_error;

	gunyah_error = gunyah_hypercall_vcpu_run(capid, resume_data, resp);
	if (gunyah_error == GUNYAH_ERROR_RETRY)
		return -EAGAIN;
	return gunyah_error_remap(gunyah_error);
}

static int gunyah_real_bell_send(struct gunyah_hyp *hyp, u64 capid,
				 u64 new_flags)
{
	u64 old_flags;

	return gunyah_error_remap(gunyah_hypercall_bell_send(capid, new_flags,
							     &old_flags));
}

static int gunyah_real_bell_set_mask(struct gunyah_hyp *hyp, u64 capid,
				     u64 enable_mask, u64 ack_mask)
{
	return gunyah_error_remap(gunyah_hypercall_bell_set_mask(capid,
								 enable_mask,
								 ack_mask));
}

/**
 * gunyah_virq_to_fwspec() - the GIC interrupt specifier of a virq
 * @virq: a GIC interrupt id (INTID), as GET_HYP_RESOURCES gives it
 * @fwspec: its param_count and params are set, edge rising as the RM's own
 *	interrupts are; the caller sets its fwnode
 *
 * Return: 0, or -EINVAL for an SGI or an id in no SPI or PPI range.
 */
static int gunyah_virq_to_fwspec(u32 virq, struct irq_fwspec *fwspec)
{
	if (virq >= 32 && virq < 1020) {
		fwspec->param[0] = GIC_SPI;
		fwspec->param[1] = virq - 32;
	} else if (virq >= 16 && virq < 32) {
		fwspec->param[0] = GIC_PPI;
		fwspec->param[1] = virq - 16;
	} else if (virq >= 4096 && virq < 5120) {
		fwspec->param[0] = GIC_ESPI;
		fwspec->param[1] = virq - 4096;
	} else if (virq >= 1056 && virq < 1120) {
		fwspec->param[0] = GIC_EPPI;
		fwspec->param[1] = virq - 1056;
	} else {
		return -EINVAL;
	}
	fwspec->param[2] = IRQ_TYPE_EDGE_RISING;
	fwspec->param_count = 3;
	return 0;
}

static int gunyah_real_virq_to_irq(struct gunyah_hyp *hyp, u32 virq)
{
	struct gunyah_hyp_real *r = container_of(hyp, struct gunyah_hyp_real, hyp);
	struct irq_fwspec fwspec = { };
	struct device_node *gic;
	unsigned int irq;
	int ret;

	ret = gunyah_virq_to_fwspec(virq, &fwspec);
	if (ret)
		return ret;
	gic = of_irq_find_parent(r->dev->of_node);
	if (!gic)
		return -ENODEV;
	fwspec.fwnode = of_fwnode_handle(gic);
	irq = irq_create_fwspec_mapping(&fwspec);
	of_node_put(gic);
	return irq ? irq : -ENXIO;
}

static const struct gunyah_hyp_ops gunyah_real_hyp_ops = {
	.vcpu_run	= gunyah_real_vcpu_run,
	.bell_send	= gunyah_real_bell_send,
	.bell_set_mask	= gunyah_real_bell_set_mask,
	.virq_to_irq	= gunyah_real_virq_to_irq,
};

/**
 * gunyah_hyp_real_create() - the hypervisor calls of a real Gunyah
 * @dev: the RM's device, whose interrupt parent is the GIC virqs belong
 *	to; the interface is released with it (devm)
 *
 * Return: the interface or an ERR_PTR().
 */
struct gunyah_hyp *gunyah_hyp_real_create(struct device *dev)
{
	struct gunyah_hyp_real *r;

	r = devm_kzalloc(dev, sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->hyp.ops = &gunyah_real_hyp_ops;
	r->dev = dev;
	return &r->hyp;
}
