// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transport to the Gunyah Resource Manager on a real hypervisor: two
 * message queues, one per direction, each with an interrupt.
 *
 * TX: a message goes out with one msgq_send. When the queue is full the
 *     RPC core is told -EAGAIN and waits; the TX interrupt ("space
 *     available") tells it to try again.
 * RX: the RX interrupt ("message pending") wakes a thread that receives
 *     until the queue is empty and hands each message to the RPC core, in
 *     order and in a context that may sleep.
 *
 * The transport also carries the hypervisor calls VM functions make
 * (struct gunyah_hyp_ops): vcpu_run and the doorbell calls are the
 * hypercalls themselves, and the virqs GET_HYP_RESOURCES hands out are GIC
 * interrupt ids, mapped through the irq domain of the GIC the RM node's
 * own interrupts go to.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>

#include <dt-bindings/interrupt-controller/arm-gic.h>

#include "gunyah_platform.h"
#include "rsc_mgr.h"

/* How often a send the hypervisor asks to retry is retried on the spot. */
#define GUNYAH_RM_MSGQ_SEND_RETRIES	8

/**
 * struct gunyah_rm_msgq - the message-queue transport
 * @t: what the RPC core sees
 * @dev: the RM's device, for messages
 * @tx_capid: capability of the queue to the RM
 * @rx_capid: capability of the queue from the RM
 * @rx_irq: the RX interrupt, whose thread gunyah_rm_msgq_start() wakes
 * @rx_buf: the message being received; only the RX thread uses it
 */
struct gunyah_rm_msgq {
	struct gunyah_rm_transport t;
	struct device *dev;
	u64 tx_capid;
	u64 rx_capid;
	int rx_irq;
	u8 rx_buf[GUNYAH_RM_MSG_SIZE] __aligned(8);
};

static struct gunyah_rm_msgq *to_msgq(struct gunyah_rm_transport *t)
{
	return container_of(t, struct gunyah_rm_msgq, t);
}

/**
 * gunyah_rm_msgq_send_errno() - what a msgq_send error means to the core
 * @gunyah_error: what msgq_send returned
 *
 * A full queue is -EAGAIN, which makes the core wait for the TX interrupt.
 * Any other error fails the request; in particular a RETRY that persisted
 * is not -EAGAIN, because no interrupt would end that wait.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_msgq_send_errno(enum gunyah_error gunyah_error)
{
	switch (gunyah_error) {
	case GUNYAH_ERROR_MSGQUEUE_FULL:
		return -EAGAIN;
	case GUNYAH_ERROR_RETRY:
		return -EBUSY;
	default:
		return gunyah_error_remap(gunyah_error);
	}
}

static int gunyah_rm_msgq_send(struct gunyah_rm_transport *t, const void *msg,
			       size_t len, bool push)
{
	struct gunyah_rm_msgq *q = to_msgq(t);
	u64 tx_flags = push ? GUNYAH_HYPERCALL_MSGQ_TX_FLAGS_PUSH : 0;
	enum gunyah_error gunyah_error;
	unsigned int tries = 0;
	bool ready;

	if (!len || len > GUNYAH_RM_MSG_SIZE)
		return -EINVAL;

	/*
	 * Success with !ready means the message went in and filled the
	 * queue: the next send gets MSGQUEUE_FULL, so nothing is kept here.
	 */
	do {
		gunyah_error = gunyah_hypercall_msgq_send(q->tx_capid, len, msg,
							  tx_flags, &ready);
	} while (gunyah_error == GUNYAH_ERROR_RETRY &&
		 ++tries < GUNYAH_RM_MSGQ_SEND_RETRIES);

	if (gunyah_error != GUNYAH_ERROR_OK &&
	    gunyah_error != GUNYAH_ERROR_MSGQUEUE_FULL)
		dev_err_ratelimited(q->dev, "msgq_send failed: %d\n",
				    gunyah_error);
	return gunyah_rm_msgq_send_errno(gunyah_error);
}

/*
 * t->rm is set by gunyah_rm_create() while the interrupts are already
 * requested; until then there is nobody to tell, and a message that came
 * in stays queued until gunyah_rm_msgq_start().
 */
static irqreturn_t gunyah_rm_msgq_tx_irq(int irq, void *data)
{
	struct gunyah_rm_msgq *q = data;
	struct gunyah_rm *rm = READ_ONCE(q->t.rm);

	if (rm)
		gunyah_rm_tx_ready(rm);
	return IRQ_HANDLED;
}

static irqreturn_t gunyah_rm_msgq_rx_thread(int irq, void *data)
{
	struct gunyah_rm_msgq *q = data;
	struct gunyah_rm *rm = READ_ONCE(q->t.rm);
	enum gunyah_error gunyah_error;
	size_t len;
	bool ready;

	if (!rm)
		return IRQ_HANDLED;

	/*
	 * Drain to MSGQUEUE_EMPTY, whatever "ready" said: the interrupt is an
	 * edge, and a message left behind would sit there, with the RM
	 * waiting for room, until some later message raised another.
	 */
	for (;;) {
		gunyah_error = gunyah_hypercall_msgq_recv(q->rx_capid, q->rx_buf,
							  sizeof(q->rx_buf),
							  &len, &ready);
		if (gunyah_error != GUNYAH_ERROR_OK) {
			/* Empty is how a drained queue answers. */
			if (gunyah_error != GUNYAH_ERROR_MSGQUEUE_EMPTY)
				dev_err_ratelimited(q->dev, "msgq_recv failed: %d\n",
						    gunyah_error);
			break;
		}
		if (len > sizeof(q->rx_buf)) {
			dev_err_ratelimited(q->dev, "dropped a %zu-byte message\n",
					    len);
			continue;
		}
		gunyah_rm_rx(rm, q->rx_buf, len);
	}

	return IRQ_HANDLED;
}

/* ---- Hypervisor calls --------------------------------------------------- */

static int gunyah_msgq_vcpu_run(struct gunyah_rm_transport *t, u64 capid,
				const u64 resume_data[3],
				struct gunyah_hypercall_vcpu_run_resp *resp)
{
	enum gunyah_error gunyah_error;

	gunyah_error = gunyah_hypercall_vcpu_run(capid, resume_data, resp);
	if (gunyah_error == GUNYAH_ERROR_RETRY)
		return -EAGAIN;
	return gunyah_error_remap(gunyah_error);
}

static int gunyah_msgq_bell_send(struct gunyah_rm_transport *t, u64 capid,
				 u64 new_flags)
{
	u64 old_flags;

	return gunyah_error_remap(gunyah_hypercall_bell_send(capid, new_flags,
							     &old_flags));
}

static int gunyah_msgq_bell_set_mask(struct gunyah_rm_transport *t, u64 capid,
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

static int gunyah_msgq_virq_to_irq(struct gunyah_rm_transport *t, u32 virq)
{
	struct gunyah_rm_msgq *q = to_msgq(t);
	struct irq_fwspec fwspec = { };
	struct device_node *gic;
	unsigned int irq;
	int ret;

	ret = gunyah_virq_to_fwspec(virq, &fwspec);
	if (ret)
		return ret;
	gic = of_irq_find_parent(q->dev->of_node);
	if (!gic)
		return -ENODEV;
	fwspec.fwnode = of_fwnode_handle(gic);
	irq = irq_create_fwspec_mapping(&fwspec);
	of_node_put(gic);
	return irq ? irq : -ENXIO;
}

static const struct gunyah_hyp_ops gunyah_msgq_hyp_ops = {
	.vcpu_run	= gunyah_msgq_vcpu_run,
	.bell_send	= gunyah_msgq_bell_send,
	.bell_set_mask	= gunyah_msgq_bell_set_mask,
	.virq_to_irq	= gunyah_msgq_virq_to_irq,
};

/**
 * gunyah_rm_msgq_create() - set up the transport to the RM
 * @dev: the RM's device; everything is released with it (devm)
 * @tx_capid: capability of the queue to the RM
 * @rx_capid: capability of the queue from the RM
 * @tx_irq: the TX queue's "space available" interrupt
 * @rx_irq: the RX queue's "message pending" interrupt
 *
 * The interrupts are live on return, but messages are delivered only once
 * the transport is attached to an RPC core; call gunyah_rm_msgq_start()
 * after that to pick up anything that arrived before.
 *
 * Return: the transport or an ERR_PTR().
 */
struct gunyah_rm_transport *gunyah_rm_msgq_create(struct device *dev,
						  u64 tx_capid, u64 rx_capid,
						  int tx_irq, int rx_irq)
{
	struct gunyah_rm_msgq *q;
	int ret;

	q = devm_kzalloc(dev, sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);

	q->t.send = gunyah_rm_msgq_send;
	q->t.hyp = &gunyah_msgq_hyp_ops;
	q->dev = dev;
	q->tx_capid = tx_capid;
	q->rx_capid = rx_capid;
	q->rx_irq = rx_irq;

	ret = devm_request_irq(dev, tx_irq, gunyah_rm_msgq_tx_irq, 0,
			       "gunyah-rm-tx", q);
	if (ret)
		return ERR_PTR(dev_err_probe(dev, ret, "cannot request TX IRQ %d\n",
					     tx_irq));

	ret = devm_request_threaded_irq(dev, rx_irq, NULL,
					gunyah_rm_msgq_rx_thread, IRQF_ONESHOT,
					"gunyah-rm-rx", q);
	if (ret)
		return ERR_PTR(dev_err_probe(dev, ret, "cannot request RX IRQ %d\n",
					     rx_irq));

	return &q->t;
}

/**
 * gunyah_rm_msgq_start() - deliver what arrived before the core was attached
 * @t: a transport from gunyah_rm_msgq_create(), now attached
 *
 * Runs the RX thread once. Going through the thread keeps the messages in
 * order with those the interrupt delivers.
 */
void gunyah_rm_msgq_start(struct gunyah_rm_transport *t)
{
	struct gunyah_rm_msgq *q = to_msgq(t);

	irq_wake_thread(q->rx_irq, q);
}
