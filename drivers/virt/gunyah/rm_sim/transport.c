// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simulated Gunyah Resource Manager: a transport backend for the RPC core
 * that speaks the RM protocol byte for byte, so the driver can be tested
 * without the hypervisor.
 *
 * The host's send() fills a queue of 8 messages, as the RM's message queue
 * would; a full queue answers -EAGAIN and gunyah_rm_tx_ready() follows once
 * the RM has taken a message off it. The RM (a work item, never the
 * caller's context) wakes when a message is sent with push or when the
 * queue is full, like the receive interrupt of a message queue, checks each
 * header, reassembles requests with its own parser and handles them. Replies
 * and notifications are cut into 240-byte messages and handed to
 * gunyah_rm_rx() one at a time, in order, by a second work item.
 *
 * Locking: @txq_lock for the TX queue, @outq_lock for the delivery list,
 * @lock for the RM's state while a request is handled; see rm_sim.h.
 */

#define pr_fmt(fmt) "gunyah-rm-sim: " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rm_sim.h"

static void rm_sim_deliver_rx(struct gunyah_rm_sim *sim, const void *msg,
			      size_t len)
{
	struct gunyah_rm *rm = READ_ONCE(sim->t.rm);

	if (rm)
		gunyah_rm_rx(rm, msg, len);
}

static void rm_sim_tx_ready(struct gunyah_rm_sim *sim)
{
	struct gunyah_rm *rm = READ_ONCE(sim->t.rm);

	if (rm)
		gunyah_rm_tx_ready(rm);
}

/* ---- Outgoing messages (RM to host) ------------------------------------ */

/*
 * Cut @hdr_extra (the reply's error code, if any) followed by @payload into
 * 240-byte messages of @type on @list. Returns 0 or -ENOMEM / -E2BIG, in
 * which case nothing is added to @list.
 */
static int rm_sim_frame(struct list_head *list, u8 type, u32 msg_id, u16 seq,
			const void *hdr_extra, size_t extra_len,
			const void *payload, size_t len)
{
	size_t total = extra_len + len, done = 0;
	unsigned int cont, i;
	struct rm_sim_msg *m, *tmp;
	LIST_HEAD(msgs);

	cont = total ? (total - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0;
	if (cont > GUNYAH_RM_MAX_CONT)
		return -E2BIG;

	for (i = 0; i <= cont; i++) {
		struct gunyah_rm_hdr *hdr;
		size_t n = min_t(size_t, total - done, GUNYAH_RM_FRAG_PAYLOAD);
		size_t off = 0;

		m = kzalloc(sizeof(*m), GFP_KERNEL);
		if (!m)
			goto err;
		hdr = (struct gunyah_rm_hdr *)m->data;
		hdr->api = GUNYAH_RM_HDR_API;
		hdr->type = GUNYAH_RM_HDR_TYPE(i ? GUNYAH_RM_TYPE_CONTINUATION : type,
					       cont);
		hdr->seq = cpu_to_le16(seq);
		hdr->msg_id = cpu_to_le32(msg_id);
		/* Copy bytes [done, done + n) of hdr_extra ++ payload. */
		while (off < n) {
			size_t pos = done + off, chunk;

			if (pos < extra_len) {
				chunk = min(n - off, extra_len - pos);
				memcpy(m->data + GUNYAH_RM_HDR_SIZE + off,
				       (const u8 *)hdr_extra + pos, chunk);
			} else {
				chunk = n - off;
				memcpy(m->data + GUNYAH_RM_HDR_SIZE + off,
				       (const u8 *)payload + pos - extra_len, chunk);
			}
			off += chunk;
		}
		m->len = GUNYAH_RM_HDR_SIZE + n;
		done += n;
		list_add_tail(&m->list, &msgs);
	}
	list_splice_tail(&msgs, list);
	return 0;

err:
	list_for_each_entry_safe(m, tmp, &msgs, list)
		kfree(m);
	return -ENOMEM;
}

/**
 * rm_sim_queue_notif() - build a notification
 * @sim: the simulated RM
 * @list: where the notification's messages go
 * @msg_id: the notification
 * @payload: its payload
 * @len: bytes of payload
 *
 * Return: 0, or a negative errno and the notification is lost (reported).
 */
int rm_sim_queue_notif(struct gunyah_rm_sim *sim, struct list_head *list,
		       u32 msg_id, const void *payload, size_t len)
{
	int ret;

	ret = rm_sim_frame(list, GUNYAH_RM_TYPE_NOTIF, msg_id, 0, NULL, 0,
			   payload, len);
	if (ret)
		dev_warn_ratelimited(sim->dev, "notification %#x lost: %d\n",
				     msg_id, ret);
	return ret;
}

/**
 * rm_sim_flush_notifs() - send messages to the host
 * @sim: the simulated RM
 * @list: messages built by rm_sim_queue_notif(); emptied
 *
 * Appends the messages to the delivery queue, after everything queued
 * before them, and wakes the delivery worker.
 */
void rm_sim_flush_notifs(struct gunyah_rm_sim *sim, struct list_head *list)
{
	if (list_empty(list))
		return;
	spin_lock(&sim->outq_lock);
	list_splice_tail_init(list, &sim->outq);
	spin_unlock(&sim->outq_lock);
	queue_work(sim->wq, &sim->tx_work);
}

static void rm_sim_tx_work(struct work_struct *work)
{
	struct gunyah_rm_sim *sim = container_of(work, struct gunyah_rm_sim,
						 tx_work);
	struct rm_sim_msg *m;

	for (;;) {
		spin_lock(&sim->outq_lock);
		m = list_first_entry_or_null(&sim->outq, struct rm_sim_msg, list);
		if (m)
			list_del(&m->list);
		spin_unlock(&sim->outq_lock);
		if (!m)
			return;
		sim->deliver(sim, m->data, m->len);
		kfree(m);
		cond_resched();
	}
}

/**
 * rm_sim_resp_alloc() - get room for a reply payload
 * @req: the request being handled
 * @len: bytes needed
 *
 * Return: zeroed memory for the payload, freed once the reply is sent, or
 * NULL when out of memory.
 */
void *rm_sim_resp_alloc(struct rm_sim_req *req, size_t len)
{
	if (len <= sizeof(req->resp_buf)) {
		memset(req->resp_buf, 0, sizeof(req->resp_buf));
		req->resp = req->resp_buf;
	} else {
		req->resp = kzalloc(len, GFP_KERNEL);
		if (!req->resp)
			return NULL;
		req->resp_alloc = true;
	}
	req->resp_len = len;
	return req->resp;
}

/* ---- Fault injection --------------------------------------------------- */

/**
 * rm_sim_add_fault() - arm a fault
 * @sim: the simulated RM
 * @msg_id: the request it applies to
 * @nth: 1 for the next such request, 2 for the one after, ...
 * @kind: fail the request, or handle it and drop or hold its reply
 * @rm_error: for %RM_SIM_FAIL, the RM error to answer (not OK)
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int rm_sim_add_fault(struct gunyah_rm_sim *sim, u32 msg_id, u32 nth,
		     enum rm_sim_fault_kind kind, u32 rm_error)
{
	struct rm_sim_fault *f;

	if (!msg_id || !nth ||
	    (kind == RM_SIM_FAIL && rm_error == GUNYAH_RM_ERROR_OK))
		return -EINVAL;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->msg_id = msg_id;
	f->countdown = nth;
	f->kind = kind;
	f->rm_error = rm_error;
	mutex_lock(&sim->lock);
	list_add_tail(&f->list, &sim->faults);
	mutex_unlock(&sim->lock);
	return 0;
}

/**
 * rm_sim_answer_held() - send the replies "hold" kept back
 * @sim: the simulated RM
 *
 * They follow what was sent before, in the order their requests came.
 *
 * Return: 0.
 */
int rm_sim_answer_held(struct gunyah_rm_sim *sim)
{
	mutex_lock(&sim->lock);
	rm_sim_flush_notifs(sim, &sim->held);
	mutex_unlock(&sim->lock);
	return 0;
}

/**
 * rm_sim_clear_faults() - disarm every fault
 * @sim: the simulated RM
 *
 * Replies still held are dropped: they never come.
 *
 * Return: 0.
 */
int rm_sim_clear_faults(struct gunyah_rm_sim *sim)
{
	struct rm_sim_fault *f, *tmp;
	struct rm_sim_msg *m, *next;

	mutex_lock(&sim->lock);
	list_for_each_entry_safe(f, tmp, &sim->faults, list) {
		list_del(&f->list);
		kfree(f);
	}
	list_for_each_entry_safe(m, next, &sim->held, list) {
		list_del(&m->list);
		kfree(m);
	}
	sim->sleepy = 0;
	sim->exit_on_start = false;
	mutex_unlock(&sim->lock);
	return 0;
}

/**
 * rm_sim_arm_exit_fault() - arm "sleepy", "exit_on_start" or its early form
 * @sim: the simulated RM
 * @f: which
 *
 * Return: 0.
 */
int rm_sim_arm_exit_fault(struct gunyah_rm_sim *sim, enum rm_sim_exit_fault f)
{
	mutex_lock(&sim->lock);
	if (f == RM_SIM_SLEEPY) {
		sim->sleepy = 1;
	} else {
		sim->exit_on_start = true;
		sim->exit_early = f == RM_SIM_EXIT_ON_START_EARLY;
	}
	mutex_unlock(&sim->lock);
	return 0;
}

/*
 * Count this occurrence of @msg_id against the armed faults. Sets *@drop
 * (or *@hold) and returns an RM error other than OK if a fault fires.
 * Every rule counts the occurrence, even when an earlier one already fired.
 */
static u32 rm_sim_check_faults(struct gunyah_rm_sim *sim, u32 msg_id,
			       bool *drop, bool *hold)
{
	struct rm_sim_fault *f, *tmp;
	u32 err = GUNYAH_RM_ERROR_OK;

	lockdep_assert_held(&sim->lock);
	list_for_each_entry_safe(f, tmp, &sim->faults, list) {
		if (f->msg_id != msg_id || --f->countdown)
			continue;
		if (f->kind == RM_SIM_DROP)
			*drop = true;
		else if (f->kind == RM_SIM_HOLD)
			*hold = true;
		else if (err == GUNYAH_RM_ERROR_OK)
			err = f->rm_error;
		sim->stats.faults_hit++;
		list_del(&f->list);
		kfree(f);
	}
	return err;
}

/* ---- Handling requests ------------------------------------------------- */

static u32 rm_sim_dispatch(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	if (rm_sim_vm_handles(req->msg_id))
		return rm_sim_vm_handle(sim, req);
	if (rm_sim_mem_handles(req->msg_id))
		return rm_sim_mem_handle(sim, req);
	return GUNYAH_RM_ERROR_UNIMPLEMENTED;
}

static void rm_sim_handle_request(struct gunyah_rm_sim *sim, u32 msg_id,
				  u16 seq, const void *payload, size_t len)
{
	struct rm_sim_req req = {
		.msg_id = msg_id,
		.seq = seq,
		.payload = payload,
		.len = len,
	};
	bool drop = false, hold = false;
	__le32 err;
	u32 rm_err;
	LIST_HEAD(reply);

	INIT_LIST_HEAD(&req.notifs);
	INIT_LIST_HEAD(&req.late_notifs);

	mutex_lock(&sim->lock);
	sim->stats.requests++;
	/* A request wakes a sleepy RM: first what it slept through. */
	rm_sim_vm_deferred_exits(sim, &req.notifs);
	rm_err = rm_sim_check_faults(sim, msg_id, &drop, &hold);
	if (rm_err == GUNYAH_RM_ERROR_OK)
		rm_err = rm_sim_dispatch(sim, &req);
	else
		rm_sim_vm_failed(sim, &req);

	err = cpu_to_le32(rm_err);
	if (!drop &&
	    rm_sim_frame(&reply, GUNYAH_RM_TYPE_REPLY, msg_id, seq, &err,
			 sizeof(err), req.resp,
			 rm_err == GUNYAH_RM_ERROR_OK ? req.resp_len : 0)) {
		/* Answer at least the error, so the caller is not left waiting. */
		err = cpu_to_le32(GUNYAH_RM_ERROR_NOMEM);
		rm_sim_frame(&reply, GUNYAH_RM_TYPE_REPLY, msg_id, seq, &err,
			     sizeof(err), NULL, 0);
	}
	/* In the RM's order: notifications of the handler, reply, later work. */
	if (hold)
		list_splice_tail_init(&reply, &sim->held);
	list_splice_tail_init(&reply, &req.notifs);
	list_splice_tail_init(&req.late_notifs, &req.notifs);
	rm_sim_flush_notifs(sim, &req.notifs);
	mutex_unlock(&sim->lock);

	if (req.resp_alloc)
		kfree(req.resp);
}

/* ---- Incoming messages (host to RM) ------------------------------------ */

static void rm_sim_drop(struct gunyah_rm_sim *sim, const char *why)
{
	mutex_lock(&sim->lock);
	sim->stats.dropped++;
	mutex_unlock(&sim->lock);
	dev_dbg(sim->dev, "dropped a message: %s\n", why);
}

static void rm_sim_rx_abort(struct gunyah_rm_sim *sim, const char *why)
{
	if (sim->rx_active)
		rm_sim_drop(sim, why);
	sim->rx_active = false;
}

/* Check one message from the host and reassemble requests. */
static void rm_sim_rx_msg(struct gunyah_rm_sim *sim, const u8 *msg, size_t len)
{
	const struct gunyah_rm_hdr *hdr = (const void *)msg;
	size_t plen = len - GUNYAH_RM_HDR_SIZE;
	unsigned int type, cont;
	u32 msg_id;
	u16 seq;

	if (len < GUNYAH_RM_HDR_SIZE || hdr->api != GUNYAH_RM_HDR_API) {
		rm_sim_drop(sim, "bad header");
		return;
	}
	type = hdr->type & 0x3;
	cont = hdr->type >> 2;
	seq = le16_to_cpu(hdr->seq);
	msg_id = le32_to_cpu(hdr->msg_id);
	if (cont > GUNYAH_RM_MAX_CONT) {
		rm_sim_drop(sim, "too many continuations");
		return;
	}

	switch (type) {
	case GUNYAH_RM_TYPE_REQUEST:
		/* A new request abandons one still being reassembled. */
		rm_sim_rx_abort(sim, "request interrupted");
		if (!msg_id) {
			rm_sim_drop(sim, "message id 0");
			return;
		}
		if (cont && plen != GUNYAH_RM_FRAG_PAYLOAD) {
			rm_sim_drop(sim, "short first fragment");
			return;
		}
		memcpy(sim->rx_buf, msg + GUNYAH_RM_HDR_SIZE, plen);
		sim->rx_len = plen;
		sim->rx_msg_id = msg_id;
		sim->rx_seq = seq;
		sim->rx_cont = cont;
		sim->rx_got = 0;
		sim->rx_active = true;
		break;
	case GUNYAH_RM_TYPE_CONTINUATION:
		if (!sim->rx_active) {
			rm_sim_drop(sim, "continuation of nothing");
			return;
		}
		if (msg_id != sim->rx_msg_id || seq != sim->rx_seq ||
		    cont != sim->rx_cont) {
			rm_sim_rx_abort(sim, "continuation does not match");
			rm_sim_drop(sim, "stray continuation");
			return;
		}
		sim->rx_got++;
		if (sim->rx_got < cont && plen != GUNYAH_RM_FRAG_PAYLOAD) {
			rm_sim_rx_abort(sim, "short continuation");
			return;
		}
		memcpy(sim->rx_buf + sim->rx_len, msg + GUNYAH_RM_HDR_SIZE, plen);
		sim->rx_len += plen;
		break;
	default:
		/* Replies and notifications only go the other way. */
		rm_sim_drop(sim, "not a request");
		return;
	}

	if (sim->rx_got < sim->rx_cont)
		return;
	sim->rx_active = false;
	rm_sim_handle_request(sim, sim->rx_msg_id, sim->rx_seq, sim->rx_buf,
			      sim->rx_len);
}

static void rm_sim_rx_work(struct work_struct *work)
{
	struct gunyah_rm_sim *sim = container_of(work, struct gunyah_rm_sim,
						 rx_work);
	u8 msg[GUNYAH_RM_MSG_SIZE];
	unsigned long flags;
	bool wake;
	size_t len;

	for (;;) {
		spin_lock_irqsave(&sim->txq_lock, flags);
		if (!sim->txq_count) {
			spin_unlock_irqrestore(&sim->txq_lock, flags);
			return;
		}
		len = sim->txq_len[sim->txq_head];
		memcpy(msg, sim->txq[sim->txq_head], len);
		sim->txq_head = (sim->txq_head + 1) % RM_SIM_TXQ_DEPTH;
		sim->txq_count--;
		wake = sim->txq_blocked;
		sim->txq_blocked = false;
		spin_unlock_irqrestore(&sim->txq_lock, flags);

		if (wake)
			sim->tx_ready(sim);
		rm_sim_rx_msg(sim, msg, len);
		cond_resched();
	}
}

static int rm_sim_send(struct gunyah_rm_transport *t, const void *msg,
		       size_t len, bool push)
{
	struct gunyah_rm_sim *sim = container_of(t, struct gunyah_rm_sim, t);
	unsigned long flags;
	unsigned int slot;
	bool kick;

	if (len > GUNYAH_RM_MSG_SIZE)
		return -EINVAL;

	spin_lock_irqsave(&sim->txq_lock, flags);
	if (sim->dying) {
		spin_unlock_irqrestore(&sim->txq_lock, flags);
		return -ENODEV;
	}
	if (sim->txq_count == RM_SIM_TXQ_DEPTH || sim->tx_stalled) {
		sim->txq_blocked = true;
		sim->stats.tx_full++;	/* only written here, under txq_lock */
		spin_unlock_irqrestore(&sim->txq_lock, flags);
		return -EAGAIN;
	}
	slot = (sim->txq_head + sim->txq_count) % RM_SIM_TXQ_DEPTH;
	memcpy(sim->txq[slot], msg, len);
	sim->txq_len[slot] = len;
	sim->txq_push[slot] = push;
	sim->txq_count++;
	/* The RM's receive interrupt: on push, or when the queue is full. */
	kick = push || sim->txq_count == RM_SIM_TXQ_DEPTH;
	spin_unlock_irqrestore(&sim->txq_lock, flags);

	if (kick)
		queue_work(sim->wq, &sim->rx_work);
	return 0;
}

/**
 * rm_sim_stall_tx() - stop or resume taking messages from the host
 * @sim: the simulated RM
 * @stall: stop; send() then finds the queue full, and no tx_ready comes
 *	until the RM takes messages again
 *
 * Return: 0.
 */
int rm_sim_stall_tx(struct gunyah_rm_sim *sim, bool stall)
{
	unsigned long flags;
	bool wake;

	spin_lock_irqsave(&sim->txq_lock, flags);
	sim->tx_stalled = stall;
	wake = !stall && sim->txq_blocked;
	if (wake)
		sim->txq_blocked = false;
	spin_unlock_irqrestore(&sim->txq_lock, flags);
	if (wake)
		sim->tx_ready(sim);
	return 0;
}

/* ---- Life cycle -------------------------------------------------------- */

/**
 * rm_sim_quiesce() - wait until the simulated RM is idle
 * @sim: the simulated RM
 *
 * Waits until every message sent so far (with push) was handled and every
 * reply and notification was delivered.
 */
void rm_sim_quiesce(struct gunyah_rm_sim *sim)
{
	flush_work(&sim->rx_work);
	flush_work(&sim->tx_work);
}

static void rm_sim_destroy(void *data)
{
	struct gunyah_rm_sim *sim = data;
	struct rm_sim_msg *m, *tmp;
	unsigned long flags;

	rm_sim_debugfs_exit(sim);

	spin_lock_irqsave(&sim->txq_lock, flags);
	sim->dying = true;
	spin_unlock_irqrestore(&sim->txq_lock, flags);

	destroy_workqueue(sim->wq);

	list_for_each_entry_safe(m, tmp, &sim->outq, list)
		kfree(m);
	rm_sim_clear_faults(sim);
	mutex_lock(&sim->lock);
	rm_sim_parcels_destroy(sim);
	rm_sim_vms_destroy(sim);
	mutex_unlock(&sim->lock);
	rm_sim_irq_exit(sim);
	xa_destroy(&sim->vcpu_caps);
	xa_destroy(&sim->bell_caps);
	ida_destroy(&sim->virqs);
	xa_destroy(&sim->vms);
	xa_destroy(&sim->parcels);
	kvfree(sim->rx_buf);
	mutex_destroy(&sim->lock);
}

/**
 * gunyah_rm_sim_create() - create a simulated Resource Manager
 * @dev: the device it belongs to; everything is released with it
 *
 * The RM starts with no VM and no parcel, and the host is VM 3.
 *
 * Return: the simulator, whose @t and @hyp are its transport and its
 * hypervisor calls, or an ERR_PTR().
 */
struct gunyah_rm_sim *gunyah_rm_sim_create(struct device *dev)
{
	struct gunyah_rm_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return ERR_PTR(-ENOMEM);

	sim->dev = dev;
	sim->t.send = rm_sim_send;
	sim->hyp.ops = &rm_sim_hyp_ops;
	sim->deliver = rm_sim_deliver_rx;
	sim->tx_ready = rm_sim_tx_ready;
	spin_lock_init(&sim->txq_lock);
	spin_lock_init(&sim->outq_lock);
	INIT_LIST_HEAD(&sim->outq);
	mutex_init(&sim->lock);
	xa_init(&sim->vms);
	xa_init_flags(&sim->parcels, XA_FLAGS_ALLOC1);
	sim->ranges = RB_ROOT;
	INIT_LIST_HEAD(&sim->faults);
	INIT_LIST_HEAD(&sim->held);
	sim->next_cap = 0x1000;
	xa_init(&sim->vcpu_caps);
	xa_init(&sim->bell_caps);
	ida_init(&sim->virqs);
	INIT_WORK(&sim->rx_work, rm_sim_rx_work);
	INIT_WORK(&sim->tx_work, rm_sim_tx_work);

	sim->rx_buf = kvmalloc(GUNYAH_RM_MAX_MSG_PAYLOAD, GFP_KERNEL);
	if (!sim->rx_buf) {
		mutex_destroy(&sim->lock);
		return ERR_PTR(-ENOMEM);
	}
	/* Two workers: the RM itself, and delivery to the host. */
	sim->wq = alloc_workqueue("gunyah-rm-sim", WQ_UNBOUND, 2);
	if (!sim->wq) {
		kvfree(sim->rx_buf);
		mutex_destroy(&sim->lock);
		return ERR_PTR(-ENOMEM);
	}

	ret = rm_sim_irq_init(sim);
	if (ret) {
		destroy_workqueue(sim->wq);
		kvfree(sim->rx_buf);
		mutex_destroy(&sim->lock);
		return ERR_PTR(ret);
	}

	ret = devm_add_action_or_reset(dev, rm_sim_destroy, sim);
	if (ret)
		return ERR_PTR(ret);

	rm_sim_debugfs_init(sim);
	return sim;
}
