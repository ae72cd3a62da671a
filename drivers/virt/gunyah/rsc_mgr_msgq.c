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
 * It carries RM messages only; the hypervisor calls VM functions make are
 * hypercall_ops.c's.
 *
 * Locking: the RX buffer belongs to the RX thread alone; sends are
 * serialised by the RPC core's send lock.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

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
