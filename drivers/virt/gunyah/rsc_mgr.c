// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Gunyah Resource Manager RPC core: framing, fragmentation, sequence
 * numbers, reply matching and notification dispatch.
 *
 * A request goes out as one message of up to 240 bytes, or as a first
 * message and up to 62 continuations, each carrying the same header fields
 * and 232 bytes of payload. A reply or notification comes back the same way;
 * only one inbound message is reassembled at a time, so a new reply or
 * notification that arrives before the previous one is complete aborts it.
 *
 * Locking:
 *  - @call_lock keeps one request outstanding at a time, from its first
 *    fragment until its reply (or its timeout). The RM answers a VM's
 *    requests one at a time and buffers at most one reply it could not yet
 *    deliver: a second one drops the first, and that caller then never
 *    hears back. The public RM's own rule is "wait to receive the reply
 *    before making another request"; concurrent callers queue here.
 *  - @send_lock serialises senders so that one request's fragments are never
 *    interleaved with another's on the TX queue; it also protects @tx_buf.
 *  - @calls (an xarray with its own lock) maps sequence numbers to waiting
 *    callers. Whoever erases a caller's entry owns completing it: the RX
 *    path when a reply (or an abort) arrives, or the caller on timeout.
 *    A caller that gave up with a late listener leaves its entry behind,
 *    owned from then on by the RX path or by gunyah_rm_late_cancel(). The
 *    RX path tells the listener under the xarray's lock, so a cancel never
 *    returns while the listener runs, and the listener never runs after it.
 *  - The reassembly state @rx is only touched from gunyah_rm_rx(), which
 *    the transport calls for one message at a time.
 */

#define pr_fmt(fmt) "gunyah_rm: " fmt

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "rsc_mgr.h"

/* How long a caller waits for a reply before giving up on the RM. */
#define GUNYAH_RM_REPLY_TIMEOUT		(30 * HZ)

/**
 * struct gunyah_rm_rx - an inbound message being reassembled
 * @active: a message is in progress
 * @type: REPLY or NOTIF
 * @cont: continuations the first fragment announced
 * @remaining: continuations still expected
 * @seq: sequence number of the message
 * @msg_id: message id of the message
 * @buf: payload received so far (everything after the 8-byte headers);
 *	allocated with the RPC core, for the largest message the RM may send,
 *	so that receiving never needs memory
 * @size: bytes in @buf
 */
struct gunyah_rm_rx {
	bool active;
	u8 type;
	u8 cont;
	u8 remaining;
	u16 seq;
	u32 msg_id;
	u8 *buf;
	size_t size;
};

/**
 * struct gunyah_rm - one connection to the Resource Manager
 * @dev: the device of the transport, for messages
 * @t: the transport
 * @call_lock: keeps one request outstanding at a time
 * @send_lock: serialises requests on the TX queue, protects @tx_buf
 * @tx_buf: the message being sent
 * @tx_wq: woken when the transport has room again
 * @tx_ready_gen: bumped by gunyah_rm_tx_ready()
 * @calls: sequence number -> waiting &struct gunyah_rm_pending
 * @next_seq: cyclic allocation cursor for @calls
 * @rx: reassembly state, only used from gunyah_rm_rx()
 * @notifiers: listeners for notifications
 * @reply_timeout: how long gunyah_rm_call() waits for a reply
 */
struct gunyah_rm {
	struct device *dev;
	struct gunyah_rm_transport *t;

	/* One request outstanding: held from sending it to its reply. */
	struct mutex call_lock;

	/* Serialises requests' fragments on the TX queue; protects tx_buf. */
	struct mutex send_lock;
	u8 tx_buf[GUNYAH_RM_MSG_SIZE];
	wait_queue_head_t tx_wq;
	atomic_t tx_ready_gen;

	struct xarray calls;
	u32 next_seq;

	struct gunyah_rm_rx rx;
	struct blocking_notifier_head notifiers;
	unsigned long reply_timeout;
};

/**
 * struct gunyah_rm_pending - a caller waiting for its reply
 * @msg_id: the request's message id; a reply must carry the same
 * @done: completed when the fields below are final
 * @ret: 0, or -EIO if the reply could not be reassembled
 * @rm_error: the RM's error code from the reply
 * @payload: room for the reply's payload after the error code, allocated
 *	before the request is sent (if the caller wants it; it then owns it)
 * @size: bytes in @payload
 * @late: set once the caller gave up waiting: who hears the reply instead
 */
struct gunyah_rm_pending {
	u32 msg_id;
	struct completion done;
	int ret;
	u32 rm_error;
	void *payload;
	size_t size;
	struct gunyah_rm_late *late;
};

/**
 * gunyah_rm_error_remap() - turn an RM error code into an errno
 * @rm_error: the error code of an RM reply
 *
 * The mapping lets a caller tell "try again later" (-EBUSY: the RM is busy,
 * the memory or object is in use, or the VM is in the wrong state) from
 * "bad argument" (-EINVAL) from "not supported by this RM" (-EOPNOTSUPP).
 *
 * Return: 0 for OK, else a negative errno; -EBADMSG for codes the RM
 * protocol does not define.
 */
int gunyah_rm_error_remap(u32 rm_error)
{
	switch (rm_error) {
	case GUNYAH_RM_ERROR_OK:
		return 0;
	case GUNYAH_RM_ERROR_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GUNYAH_RM_ERROR_NOMEM:
		return -ENOMEM;
	case GUNYAH_RM_ERROR_NORESOURCE:
		return -ENOSPC;
	case GUNYAH_RM_ERROR_DENIED:
		return -EPERM;
	case GUNYAH_RM_ERROR_BUSY:
	case GUNYAH_RM_ERROR_MEM_INUSE:
	case GUNYAH_RM_ERROR_IN_USE:
	case GUNYAH_RM_ERROR_VM_STATE:
	case GUNYAH_RM_ERROR_IRQ_INUSE:
		return -EBUSY;
	case GUNYAH_RM_ERROR_INVALID:
	case GUNYAH_RM_ERROR_ARGUMENT_INVALID:
	case GUNYAH_RM_ERROR_HANDLE_INVALID:
	case GUNYAH_RM_ERROR_VALIDATE_FAILED:
	case GUNYAH_RM_ERROR_MAP_FAILED:
	case GUNYAH_RM_ERROR_MEM_INVALID:
	case GUNYAH_RM_ERROR_MEM_RELEASED:
	case GUNYAH_RM_ERROR_VMID_INVALID:
	case GUNYAH_RM_ERROR_LOOKUP_FAILED:
	case GUNYAH_RM_ERROR_IRQ_INVALID:
	case GUNYAH_RM_ERROR_IRQ_RELEASED:
	case GUNYAH_RM_ERROR_IRQ_NOT_MAPPED:
		return -EINVAL;
	default:
		return -EBADMSG;
	}
}

/* ---- TX ------------------------------------------------------------------ */

/**
 * gunyah_rm_tx_ready() - the transport has room for messages again
 * @rm: the RPC core
 *
 * Called by the transport (from any context) after its send() returned
 * -EAGAIN, once the queue has drained.
 */
void gunyah_rm_tx_ready(struct gunyah_rm *rm)
{
	atomic_inc(&rm->tx_ready_gen);
	wake_up_all(&rm->tx_wq);
}

/*
 * Send one message, waiting for room on the queue as long as the RM may
 * take to answer: an RM that stopped taking messages (or a lost "room
 * again" interrupt) must not hold every caller up for good. -EBUSY then,
 * or -EINTR for a killed caller: either way the request was not sent in
 * full, and the RM ignores a partial one.
 */
static int gunyah_rm_send_msg(struct gunyah_rm *rm, size_t len, bool push)
{
	long left;
	int gen, ret;

	lockdep_assert_held(&rm->send_lock);
	for (;;) {
		/*
		 * Read the generation before trying: a tx_ready that comes
		 * after a failed send() then always changes it, so the wait
		 * cannot miss it.
		 */
		gen = atomic_read(&rm->tx_ready_gen);
		ret = rm->t->send(rm->t, rm->tx_buf, len, push);
		if (ret != -EAGAIN)
			return ret;
		left = wait_event_killable_timeout(rm->tx_wq,
						   atomic_read(&rm->tx_ready_gen) != gen,
						   READ_ONCE(rm->reply_timeout));
		if (left < 0)
			return -EINTR;
		if (!left) {
			dev_err(rm->dev, "no room on the queue to the RM\n");
			return -EBUSY;
		}
	}
}

static int gunyah_rm_send_request(struct gunyah_rm *rm, u32 msg_id, u16 seq,
				  const void *req, size_t req_size)
{
	struct gunyah_rm_hdr *hdr = (struct gunyah_rm_hdr *)rm->tx_buf;
	size_t cont = req_size ? (req_size - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0;
	size_t off = 0, chunk;
	u8 type = GUNYAH_RM_TYPE_REQUEST;
	int ret = 0;

	mutex_lock(&rm->send_lock);
	do {
		chunk = min_t(size_t, req_size - off, GUNYAH_RM_FRAG_PAYLOAD);
		hdr->api = GUNYAH_RM_HDR_API;
		hdr->type = GUNYAH_RM_HDR_TYPE(type, cont);
		hdr->seq = cpu_to_le16(seq);
		hdr->msg_id = cpu_to_le32(msg_id);
		if (chunk)
			memcpy(rm->tx_buf + sizeof(*hdr), req + off, chunk);
		off += chunk;
		/* Only the last message raises the RM's interrupt. */
		ret = gunyah_rm_send_msg(rm, sizeof(*hdr) + chunk,
					 off == req_size);
		type = GUNYAH_RM_TYPE_CONTINUATION;
	} while (!ret && off < req_size);
	mutex_unlock(&rm->send_lock);

	return ret;
}

/* ---- RX ------------------------------------------------------------------ */

/*
 * Tell a caller's late listener the reply in reassembly: @ret is -EIO if it
 * could not be read, else 0 and the reply carries an error code.
 */
static void gunyah_rm_tell_late(struct gunyah_rm *rm, struct gunyah_rm_late *late,
				int ret)
{
	const void *payload = NULL;
	size_t size = 0;

	if (!ret) {
		ret = gunyah_rm_error_remap(get_unaligned_le32(rm->rx.buf));
		if (!ret) {
			payload = rm->rx.buf + sizeof(__le32);
			size = rm->rx.size - sizeof(__le32);
		}
	}
	late->armed = false;
	late->fn(late, ret, payload, size);
}

/*
 * Take ownership of the caller waiting on @seq, if its request was @msg_id.
 * A caller that gave up waiting is not returned: its late listener is told
 * @ret (as for gunyah_rm_tell_late()) here, and *@told set.
 */
static struct gunyah_rm_pending *gunyah_rm_claim(struct gunyah_rm *rm, u16 seq,
						 u32 msg_id, int ret, bool *told)
{
	struct gunyah_rm_pending *p;

	*told = false;
	xa_lock(&rm->calls);
	p = xa_load(&rm->calls, seq);
	if (p && p->msg_id == msg_id)
		__xa_erase(&rm->calls, seq);
	else
		p = NULL;
	if (p && p->late) {
		gunyah_rm_tell_late(rm, p->late, ret);
		*told = true;
	}
	xa_unlock(&rm->calls);
	if (*told) {
		kfree(p);
		return NULL;
	}
	return p;
}

static void gunyah_rm_rx_reset(struct gunyah_rm *rm)
{
	u8 *buf = rm->rx.buf;

	memset(&rm->rx, 0, sizeof(rm->rx));
	rm->rx.buf = buf;
}

/* Give up on the message in reassembly; its caller, if any, gets -EIO. */
static void gunyah_rm_rx_abort(struct gunyah_rm *rm, const char *why)
{
	struct gunyah_rm_pending *p;
	bool told;

	dev_warn_ratelimited(rm->dev, "dropping message %#x seq %u: %s\n",
			     rm->rx.msg_id, rm->rx.seq, why);
	if (rm->rx.type == GUNYAH_RM_TYPE_REPLY) {
		p = gunyah_rm_claim(rm, rm->rx.seq, rm->rx.msg_id, -EIO, &told);
		if (p) {
			p->ret = -EIO;
			complete(&p->done);
		}
	}
	gunyah_rm_rx_reset(rm);
}

static void gunyah_rm_dispatch_reply(struct gunyah_rm *rm)
{
	struct gunyah_rm_pending *p;
	bool told;

	p = gunyah_rm_claim(rm, rm->rx.seq, rm->rx.msg_id,
			    rm->rx.size < sizeof(__le32) ? -EIO : 0, &told);
	if (!p) {
		if (told)
			dev_info_ratelimited(rm->dev, "late reply %#x seq %u\n",
					     rm->rx.msg_id, rm->rx.seq);
		else
			dev_warn_ratelimited(rm->dev,
					     "reply %#x seq %u matches no request\n",
					     rm->rx.msg_id, rm->rx.seq);
		gunyah_rm_rx_reset(rm);
		return;
	}

	if (rm->rx.size < sizeof(__le32)) {
		dev_warn_ratelimited(rm->dev, "reply %#x seq %u has no error code\n",
				     rm->rx.msg_id, rm->rx.seq);
		p->ret = -EIO;
	} else {
		p->rm_error = get_unaligned_le32(rm->rx.buf);
		p->size = rm->rx.size - sizeof(__le32);
		/* Into the caller's buffer, allocated before it sent. */
		if (p->payload)
			memcpy(p->payload, rm->rx.buf + sizeof(__le32), p->size);
	}
	complete(&p->done);
	gunyah_rm_rx_reset(rm);
}

static void gunyah_rm_dispatch_notif(struct gunyah_rm *rm)
{
	struct gunyah_rm_notif notif = {
		.payload = rm->rx.buf,
		.size = rm->rx.size,
	};

	blocking_notifier_call_chain(&rm->notifiers, rm->rx.msg_id, &notif);
	gunyah_rm_rx_reset(rm);
}

static void gunyah_rm_rx_complete(struct gunyah_rm *rm)
{
	if (rm->rx.type == GUNYAH_RM_TYPE_REPLY)
		gunyah_rm_dispatch_reply(rm);
	else
		gunyah_rm_dispatch_notif(rm);
}

static void gunyah_rm_rx_start(struct gunyah_rm *rm,
			       const struct gunyah_rm_hdr *hdr, u8 type,
			       u8 cont, const void *payload, size_t len)
{
	if (rm->rx.active)
		gunyah_rm_rx_abort(rm, "a new message started before it completed");

	rm->rx.type = type;
	rm->rx.cont = cont;
	rm->rx.remaining = cont;
	rm->rx.seq = le16_to_cpu(hdr->seq);
	rm->rx.msg_id = le32_to_cpu(hdr->msg_id);

	if (cont > GUNYAH_RM_MAX_CONT) {
		rm->rx.active = true;
		gunyah_rm_rx_abort(rm, "too many continuations");
		return;
	}

	memcpy(rm->rx.buf, payload, len);
	rm->rx.size = len;
	rm->rx.active = true;

	if (!cont)
		gunyah_rm_rx_complete(rm);
}

static void gunyah_rm_rx_continue(struct gunyah_rm *rm,
				  const struct gunyah_rm_hdr *hdr, u8 cont,
				  const void *payload, size_t len)
{
	if (!rm->rx.active) {
		dev_warn_ratelimited(rm->dev,
				     "continuation of %#x seq %u with no message in progress\n",
				     le32_to_cpu(hdr->msg_id), le16_to_cpu(hdr->seq));
		return;
	}
	if (le32_to_cpu(hdr->msg_id) != rm->rx.msg_id ||
	    le16_to_cpu(hdr->seq) != rm->rx.seq || cont != rm->rx.cont) {
		gunyah_rm_rx_abort(rm, "continuation does not match the message");
		return;
	}

	if (rm->rx.size + len > GUNYAH_RM_MAX_MSG_PAYLOAD) {
		gunyah_rm_rx_abort(rm, "longer than any message");
		return;
	}
	memcpy(rm->rx.buf + rm->rx.size, payload, len);
	rm->rx.size += len;
	if (!--rm->rx.remaining)
		gunyah_rm_rx_complete(rm);
}

/**
 * gunyah_rm_rx() - hand a received message to the RPC core
 * @rm: the RPC core
 * @msg: the message, as the transport received it
 * @len: its length in bytes
 *
 * The transport calls this for one message at a time, in arrival order,
 * from a context that may sleep. Notification listeners run from here.
 */
void gunyah_rm_rx(struct gunyah_rm *rm, const void *msg, size_t len)
{
	const struct gunyah_rm_hdr *hdr = msg;
	const void *payload = msg + sizeof(*hdr);
	u8 type, cont;

	if (len < sizeof(*hdr) || len > GUNYAH_RM_MSG_SIZE) {
		dev_warn_ratelimited(rm->dev, "dropping a message of %zu bytes\n", len);
		return;
	}
	if (hdr->api != GUNYAH_RM_HDR_API) {
		dev_warn_ratelimited(rm->dev, "dropping a message with header %#x\n",
				     hdr->api);
		return;
	}

	type = hdr->type & 0x3;
	cont = hdr->type >> 2;
	len -= sizeof(*hdr);

	switch (type) {
	case GUNYAH_RM_TYPE_REPLY:
	case GUNYAH_RM_TYPE_NOTIF:
		gunyah_rm_rx_start(rm, hdr, type, cont, payload, len);
		break;
	case GUNYAH_RM_TYPE_CONTINUATION:
		gunyah_rm_rx_continue(rm, hdr, cont, payload, len);
		break;
	default:
		dev_warn_ratelimited(rm->dev, "dropping a request %#x from the RM\n",
				     le32_to_cpu(hdr->msg_id));
		break;
	}
}

/* ---- Calls ---------------------------------------------------------------- */

/*
 * The caller waiting on @seq stops waiting, and @p's reply buffer goes.
 * Without @late the entry goes too; with @late it stays, for @late to hear
 * the reply, and @p then belongs to whoever erases it. Returns false if
 * the reply is being delivered right now: @p is then still the caller's.
 */
static bool gunyah_rm_give_up(struct gunyah_rm *rm, struct gunyah_rm_pending *p,
			      u32 seq, struct gunyah_rm_late *late)
{
	u32 msg_id = p->msg_id;
	void *payload = NULL;
	bool waiting;

	xa_lock(&rm->calls);
	waiting = xa_load(&rm->calls, seq) == p;
	if (waiting) {
		payload = p->payload;
		p->payload = NULL;
		if (late) {
			late->msg_id = msg_id;
			late->rm = rm;
			late->seq = seq;
			late->armed = true;
			late->gave_up = true;
			p->late = late;
		} else {
			__xa_erase(&rm->calls, seq);
		}
	}
	xa_unlock(&rm->calls);
	kfree(payload);
	if (!waiting)
		return false;

	if (fatal_signal_pending(current))
		dev_dbg(rm->dev, "killed waiting for %#x seq %u\n", msg_id, seq);
	else
		dev_err(rm->dev, "no reply to %#x seq %u%s\n", msg_id, seq,
			late ? " yet" : "");
	return true;
}

/**
 * gunyah_rm_call() - make an RM call and wait for its reply
 * @rm: the RPC core
 * @msg_id: the call's message id (not 0)
 * @req: the request payload
 * @req_size: its size; at most %GUNYAH_RM_MAX_REQ_PAYLOAD bytes
 * @resp: if not NULL, set to the reply payload (kfree() it), or NULL if the
 *        reply has none
 * @resp_size: if not NULL, set to the reply payload's size
 *
 * The waits are killable, and only that: once a request is sent, only the
 * reply tells what the RM did, and callers must know that to roll back. If
 * the RM does not answer within 30 seconds, or the caller is killed while
 * it waits, the call fails with -ETIMEDOUT, and the caller must then assume
 * the request may have taken effect. Killed before the request is sent in
 * full, it fails with -EINTR and the RM does nothing; so it does if the
 * transport had no room for the request for as long (-EBUSY). Work that must finish
 * (a VM's teardown) runs where nothing can kill it.
 *
 * Context: process context; must not be called from a notification
 * listener (replies are delivered by the same thread).
 * Return: 0, the errno of the RM's error code (gunyah_rm_error_remap()),
 * -E2BIG if the request is too large (nothing is sent), -EIO if the reply
 * was malformed, -ETIMEDOUT, -EINTR, -EBUSY (no room to send it), or the
 * transport's error.
 */
int gunyah_rm_call(struct gunyah_rm *rm, u32 msg_id, const void *req,
		   size_t req_size, void **resp, size_t *resp_size)
{
	return gunyah_rm_call_late(rm, msg_id, req, req_size, resp, resp_size,
				   NULL);
}

/**
 * gunyah_rm_call_late() - make an RM call whose late reply is still heard
 * @rm: the RPC core
 * @msg_id: as for gunyah_rm_call()
 * @req: as for gunyah_rm_call()
 * @req_size: as for gunyah_rm_call()
 * @resp: as for gunyah_rm_call()
 * @resp_size: as for gunyah_rm_call()
 * @late: if not NULL, zeroed before its first use, and not armed: who
 *	hears the reply should the call give up waiting for it
 *
 * As gunyah_rm_call(). When it fails with -ETIMEDOUT, @late is armed: its
 * listener is called once the reply comes, however late, unless
 * gunyah_rm_late_cancel() comes first. Whoever owns @late must cancel it
 * before freeing it.
 *
 * Return: as gunyah_rm_call().
 */
int gunyah_rm_call_late(struct gunyah_rm *rm, u32 msg_id, const void *req,
			size_t req_size, void **resp, size_t *resp_size,
			struct gunyah_rm_late *late)
{
	struct gunyah_rm_pending *p;
	u32 seq;
	int ret;

	if (resp)
		*resp = NULL;
	if (resp_size)
		*resp_size = 0;
	if (!msg_id)
		return -EINVAL;
	if (req_size > GUNYAH_RM_MAX_REQ_PAYLOAD)
		return -E2BIG;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	/* Room for any reply: once the request is sent, nothing may fail. */
	if (resp) {
		p->payload = kmalloc(GUNYAH_RM_MAX_MSG_PAYLOAD, GFP_KERNEL);
		if (!p->payload) {
			kfree(p);
			return -ENOMEM;
		}
	}
	p->msg_id = msg_id;
	init_completion(&p->done);

	if (mutex_lock_killable(&rm->call_lock)) {
		ret = -EINTR;
		goto out_free;
	}
	ret = xa_alloc_cyclic(&rm->calls, &seq, p, XA_LIMIT(0, U16_MAX),
			      &rm->next_seq, GFP_KERNEL);
	if (ret < 0)
		goto out_unlock;

	ret = gunyah_rm_send_request(rm, msg_id, seq, req, req_size);
	if (ret) {
		/* Nothing can answer a request that was not sent in full. */
		xa_erase(&rm->calls, seq);
		goto out_unlock;
	}

	/* A killed caller stops waiting, as if the reply had not come. */
	if (wait_for_completion_killable_timeout(&p->done,
						 READ_ONCE(rm->reply_timeout)) <= 0) {
		if (gunyah_rm_give_up(rm, p, seq, late)) {
			mutex_unlock(&rm->call_lock);
			/* With @late, @p waits on in @rm->calls. */
			if (!late)
				kfree(p);
			return -ETIMEDOUT;
		}
		/* The reply is being delivered right now. */
		wait_for_completion(&p->done);
	}
	mutex_unlock(&rm->call_lock);

	ret = p->ret;
	if (!ret && p->rm_error != GUNYAH_RM_ERROR_OK) {
		dev_dbg(rm->dev, "call %#x failed with RM error %#x\n", msg_id,
			p->rm_error);
		ret = gunyah_rm_error_remap(p->rm_error);
	}
	if (!ret && resp && p->size) {
		*resp = p->payload;
		p->payload = NULL;
	}
	if (!ret && resp_size)
		*resp_size = p->size;
	goto out_free;

out_unlock:
	mutex_unlock(&rm->call_lock);
out_free:
	kfree(p->payload);
	kfree(p);
	return ret;
}

/**
 * gunyah_rm_late_cancel() - stop listening for a late reply
 * @late: armed by gunyah_rm_call_late(), or not armed (nothing to do)
 *
 * When this returns, @late's listener has run (once) or never will.
 */
void gunyah_rm_late_cancel(struct gunyah_rm_late *late)
{
	struct gunyah_rm_pending *p = NULL;
	struct gunyah_rm *rm = late->rm;

	if (!rm)
		return;
	xa_lock(&rm->calls);
	if (late->armed) {
		p = __xa_erase(&rm->calls, late->seq);
		late->armed = false;
	}
	xa_unlock(&rm->calls);
	kfree(p);
}

/**
 * gunyah_rm_set_reply_timeout() - change how long calls wait for replies
 * @rm: the RPC core
 * @timeout: the new timeout in jiffies
 *
 * For tests that make the RM drop replies on purpose (also through the
 * debugfs file gunyah/rm_reply_timeout_ms).
 */
void gunyah_rm_set_reply_timeout(struct gunyah_rm *rm, unsigned long timeout)
{
	WRITE_ONCE(rm->reply_timeout, timeout);
}

/**
 * gunyah_rm_reply_timeout() - how long calls wait for replies
 * @rm: the RPC core
 *
 * Return: the timeout in jiffies.
 */
unsigned long gunyah_rm_reply_timeout(struct gunyah_rm *rm)
{
	return READ_ONCE(rm->reply_timeout);
}

/**
 * gunyah_rm_notifier_register() - listen for RM notifications
 * @rm: the RPC core
 * @nb: the listener; its action is the notification's message id and its
 *      data a &struct gunyah_rm_notif
 *
 * Listeners run in the context that delivers RM messages: they must not
 * wait for RM replies themselves (queue work for that).
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_notifier_register(struct gunyah_rm *rm, struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rm->notifiers, nb);
}

/**
 * gunyah_rm_notifier_unregister() - stop listening for RM notifications
 * @rm: the RPC core
 * @nb: a listener registered with gunyah_rm_notifier_register()
 *
 * Return: 0 or -ENOENT.
 */
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&rm->notifiers, nb);
}

/**
 * gunyah_rm_create() - create the RPC core on a transport
 * @dev: the transport's device, used for messages
 * @t: the transport; @t->rm is set to the new RPC core
 *
 * Return: the RPC core or an ERR_PTR().
 */
struct gunyah_rm *gunyah_rm_create(struct device *dev,
				   struct gunyah_rm_transport *t)
{
	struct gunyah_rm *rm;

	rm = kzalloc(sizeof(*rm), GFP_KERNEL);
	if (!rm)
		return ERR_PTR(-ENOMEM);
	rm->rx.buf = kmalloc(GUNYAH_RM_MAX_MSG_PAYLOAD, GFP_KERNEL);
	if (!rm->rx.buf) {
		kfree(rm);
		return ERR_PTR(-ENOMEM);
	}

	rm->dev = dev;
	rm->t = t;
	mutex_init(&rm->call_lock);
	mutex_init(&rm->send_lock);
	init_waitqueue_head(&rm->tx_wq);
	xa_init_flags(&rm->calls, XA_FLAGS_ALLOC);
	BLOCKING_INIT_NOTIFIER_HEAD(&rm->notifiers);
	rm->reply_timeout = GUNYAH_RM_REPLY_TIMEOUT;
	t->rm = rm;
	return rm;
}

/**
 * gunyah_rm_destroy() - free an RPC core
 * @rm: an RPC core with no call in progress and no message in reassembly
 *
 * The transport must not deliver messages any more.
 */
void gunyah_rm_destroy(struct gunyah_rm *rm)
{
	struct gunyah_rm_pending *p;
	unsigned long seq;

	/* Only calls that gave up may still wait for a reply. */
	xa_for_each(&rm->calls, seq, p) {
		if (WARN_ON(!p->late))
			continue;
		p->late->armed = false;
		kfree(p);
	}
	xa_destroy(&rm->calls);
	kfree(rm->rx.buf);
	rm->t->rm = NULL;
	mutex_destroy(&rm->send_lock);
	mutex_destroy(&rm->call_lock);
	kfree(rm);
}
