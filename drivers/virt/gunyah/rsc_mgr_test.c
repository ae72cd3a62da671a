// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Gunyah RM RPC core: framing at every boundary,
 * malformed input, reply matching (late replies too), notifications, flow
 * control, one request outstanding, and the RM error to errno mapping.
 *
 * A fake transport records every message the core sends and plays the RM:
 * it parses requests with its own code (an independent reading of the
 * protocol) and answers at once or when the test says so.
 *
 * Locking: each fake transport's spinlock protects what it recorded.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "rsc_mgr.h"

#define FAKE_MAX_MSGS		128
#define FAKE_MAX_REQS		20
#define TEST_MSG_ID		0x56000099
#define SHORT_TIMEOUT		HZ

struct fake_req {
	u16 seq;
	u32 msg_id;
	size_t size;
	u8 payload[GUNYAH_RM_MAX_MSG_PAYLOAD];
};

enum fake_mode {
	FAKE_ECHO,	/* answer each request at once, echoing its payload */
	FAKE_COLLECT,	/* keep requests; the test answers them */
};

struct fake_rm {
	struct gunyah_rm_transport t;
	struct kunit *test;
	enum fake_mode mode;
	u32 reply_error;

	/* Every message sent, in order (under @lock). */
	spinlock_t lock;
	u8 msgs[FAKE_MAX_MSGS][GUNYAH_RM_MSG_SIZE];
	size_t msg_len[FAKE_MAX_MSGS];
	bool msg_push[FAKE_MAX_MSGS];
	int n_msgs;
	int first_unparsed;

	/* Complete requests seen in FAKE_COLLECT mode (under @lock). */
	struct fake_req *reqs;
	int n_reqs;
	wait_queue_head_t wq;

	/* Flow control: refuse every other send with -EAGAIN. */
	bool flaky_queue;
	bool refuse_next;
	int n_refused;
	struct work_struct drain;
};

static u8 hdr_type(const u8 *msg)
{
	return msg[1] & 0x3;
}

static u8 hdr_cont(const u8 *msg)
{
	return msg[1] >> 2;
}

/* Build and deliver one message to the core, fragmented as the RM does. */
static void fake_deliver(struct fake_rm *f, u8 type, u16 seq, u32 msg_id,
			 const void *payload, size_t size)
{
	size_t cont = size ? (size - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0;
	size_t off = 0, chunk;
	u8 msg[GUNYAH_RM_MSG_SIZE];

	do {
		chunk = min_t(size_t, size - off, GUNYAH_RM_FRAG_PAYLOAD);
		msg[0] = 0x21;
		msg[1] = (off ? GUNYAH_RM_TYPE_CONTINUATION : type) | (cont << 2);
		put_unaligned_le16(seq, &msg[2]);
		put_unaligned_le32(msg_id, &msg[4]);
		memcpy(&msg[8], payload + off, chunk);
		off += chunk;
		gunyah_rm_rx(f->t.rm, msg, 8 + chunk);
	} while (off < size);
}

/* A reply: the RM error code, then the payload. */
static void fake_reply(struct fake_rm *f, u16 seq, u32 msg_id, u32 rm_error,
		       const void *payload, size_t size)
{
	u8 *buf = kmalloc(size + 4, GFP_KERNEL);

	/* May run in a caller's thread: no KUNIT_ASSERT here. */
	if (!buf) {
		KUNIT_FAIL(f->test, "no memory for a reply");
		return;
	}
	put_unaligned_le32(rm_error, buf);
	if (size)
		memcpy(buf + 4, payload, size);
	fake_deliver(f, GUNYAH_RM_TYPE_REPLY, seq, msg_id, buf, size + 4);
	kfree(buf);
}

/*
 * Reassemble the request in msgs[first..last] (last has push set), checking
 * every header against the protocol.
 */
static void fake_parse(struct fake_rm *f, int first, int last,
		       struct fake_req *req)
{
	struct kunit *test = f->test;
	u8 cont = hdr_cont(f->msgs[first]);
	int i;

	KUNIT_EXPECT_EQ(test, last - first, (int)cont);
	req->seq = get_unaligned_le16(&f->msgs[first][2]);
	req->msg_id = get_unaligned_le32(&f->msgs[first][4]);
	req->size = 0;
	for (i = first; i <= last; i++) {
		const u8 *m = f->msgs[i];
		size_t len = f->msg_len[i] - 8;

		KUNIT_EXPECT_EQ(test, m[0], 0x21);
		KUNIT_EXPECT_EQ(test, hdr_type(m), i == first ?
				GUNYAH_RM_TYPE_REQUEST : GUNYAH_RM_TYPE_CONTINUATION);
		KUNIT_EXPECT_EQ(test, hdr_cont(m), cont);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(&m[2]), req->seq);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(&m[4]), req->msg_id);
		KUNIT_EXPECT_EQ(test, f->msg_push[i], i == last);
		/* Every fragment but the last is full. */
		if (i < last)
			KUNIT_EXPECT_EQ(test, len, (size_t)GUNYAH_RM_FRAG_PAYLOAD);
		if (req->size + len > sizeof(req->payload)) {
			KUNIT_FAIL(test, "request longer than the RM accepts");
			return;
		}
		memcpy(req->payload + req->size, m + 8, len);
		req->size += len;
	}
}

static void fake_drain(struct work_struct *work)
{
	struct fake_rm *f = container_of(work, struct fake_rm, drain);

	gunyah_rm_tx_ready(f->t.rm);
}

static int fake_send(struct gunyah_rm_transport *t, const void *msg,
		     size_t len, bool push)
{
	struct fake_rm *f = container_of(t, struct fake_rm, t);
	struct fake_req *req;
	int n, first;

	if (f->flaky_queue) {
		f->refuse_next = !f->refuse_next;
		if (f->refuse_next) {
			f->n_refused++;
			schedule_work(&f->drain);
			return -EAGAIN;
		}
	}

	spin_lock(&f->lock);
	n = f->n_msgs++;
	spin_unlock(&f->lock);
	if (WARN_ON(n >= FAKE_MAX_MSGS))
		return -ENOSPC;
	memcpy(f->msgs[n], msg, len);
	f->msg_len[n] = len;
	f->msg_push[n] = push;
	if (!push)
		return 0;

	/* Senders are serialised by the core, so this is the whole request. */
	first = f->first_unparsed;
	f->first_unparsed = n + 1;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	fake_parse(f, first, n, req);

	if (f->mode == FAKE_ECHO) {
		fake_reply(f, req->seq, req->msg_id, f->reply_error,
			   req->payload, req->size);
		kfree(req);
		return 0;
	}

	spin_lock(&f->lock);
	if (f->n_reqs < FAKE_MAX_REQS)
		f->reqs[f->n_reqs++] = *req;
	spin_unlock(&f->lock);
	kfree(req);
	wake_up_all(&f->wq);
	return 0;
}

static int fake_init(struct kunit *test)
{
	struct fake_rm *f;
	struct gunyah_rm *rm;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->reqs = kunit_kcalloc(test, FAKE_MAX_REQS, sizeof(*f->reqs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->reqs);
	f->test = test;
	f->t.send = fake_send;
	spin_lock_init(&f->lock);
	init_waitqueue_head(&f->wq);
	INIT_WORK(&f->drain, fake_drain);

	rm = gunyah_rm_create(NULL, &f->t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rm));
	gunyah_rm_set_reply_timeout(rm, SHORT_TIMEOUT);
	test->priv = f;
	return 0;
}

static void fake_exit(struct kunit *test)
{
	struct fake_rm *f = test->priv;

	flush_work(&f->drain);
	gunyah_rm_destroy(f->t.rm);
}

static void fill_pattern(u8 *buf, size_t size, u8 seed)
{
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (u8)(i * 7 + seed);
}

/* ---- Framing ------------------------------------------------------------- */

static const size_t payload_sizes[] = {
	0, 1, 231, 232, 233, 463, 464, 465,
	GUNYAH_RM_MAX_REQ_PAYLOAD - 1, GUNYAH_RM_MAX_REQ_PAYLOAD,
};

static void size_to_desc(const size_t *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu bytes", *size);
}

KUNIT_ARRAY_PARAM(payload_size, payload_sizes, size_to_desc);

/* A request of each size goes out in the right fragments and echoes back. */
static void rm_request_fragments(struct kunit *test)
{
	size_t size = *(const size_t *)test->param_value;
	struct fake_rm *f = test->priv;
	size_t resp_size, cont;
	void *resp;
	u8 *req;

	req = kunit_kmalloc(test, size + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	fill_pattern(req, size, 3);

	KUNIT_ASSERT_EQ(test, gunyah_rm_call(f->t.rm, TEST_MSG_ID, req, size,
					     &resp, &resp_size), 0);
	cont = size ? (size - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0;
	KUNIT_EXPECT_EQ(test, f->n_msgs, (int)(cont + 1));
	KUNIT_EXPECT_EQ(test, resp_size, size);
	if (size) {
		KUNIT_ASSERT_NOT_NULL(test, resp);
		KUNIT_EXPECT_MEMEQ(test, resp, req, size);
	} else {
		KUNIT_EXPECT_NULL(test, resp);
	}
	kfree(resp);
}

static void rm_request_too_big(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	size_t size = GUNYAH_RM_MAX_REQ_PAYLOAD + 1;
	u8 *req = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(f->t.rm, TEST_MSG_ID, req, size,
					     NULL, NULL), -E2BIG);
	KUNIT_EXPECT_EQ(test, f->n_msgs, 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(f->t.rm, 0, NULL, 0, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, f->n_msgs, 0);
}

/* Run one call in a thread so the test can play the RM meanwhile. */
struct call_ctx {
	struct gunyah_rm *rm;
	u32 msg_id;
	u8 req[64];
	size_t req_size;
	void *resp;
	size_t resp_size;
	int ret;
	struct completion done;
};

static int call_thread(void *data)
{
	struct call_ctx *c = data;

	c->ret = gunyah_rm_call(c->rm, c->msg_id, c->req, c->req_size,
				&c->resp, &c->resp_size);
	complete(&c->done);
	return 0;
}

static struct call_ctx *start_call(struct kunit *test, u32 msg_id, u8 tag)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct task_struct *task;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->rm = f->t.rm;
	c->msg_id = msg_id;
	c->req_size = 4;
	memset(c->req, tag, c->req_size);
	init_completion(&c->done);
	task = kthread_run(call_thread, c, "rm_test_call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	return c;
}

static void kfree_action(void *p)
{
	kfree(p);
}

static void finish_call(struct kunit *test, struct call_ctx *c)
{
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&c->done, 10 * HZ));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kfree_action,
							c->resp), 0);
}

/* Wait until the fake has collected @n requests. */
static void wait_reqs(struct kunit *test, int n)
{
	struct fake_rm *f = test->priv;

	KUNIT_ASSERT_GT(test, wait_event_timeout(f->wq, READ_ONCE(f->n_reqs) >= n,
						 10 * HZ), 0);
}

static const size_t reply_sizes[] = {
	0, 1, GUNYAH_RM_FRAG_PAYLOAD - 4, GUNYAH_RM_FRAG_PAYLOAD - 3,
	GUNYAH_RM_FRAG_PAYLOAD, GUNYAH_RM_MAX_MSG_PAYLOAD - 4,
};

KUNIT_ARRAY_PARAM(reply_size, reply_sizes, size_to_desc);

/* Replies of every size, up to the most the RM can send, arrive whole. */
static void rm_reply_fragments(struct kunit *test)
{
	size_t size = *(const size_t *)test->param_value;
	struct fake_rm *f = test->priv;
	struct call_ctx *c;
	u8 *payload;

	f->mode = FAKE_COLLECT;
	payload = kunit_kmalloc(test, size + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	fill_pattern(payload, size, 9);

	c = start_call(test, TEST_MSG_ID, 1);
	wait_reqs(test, 1);
	fake_reply(f, f->reqs[0].seq, TEST_MSG_ID, 0, payload, size);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, 0);
	KUNIT_EXPECT_EQ(test, c->resp_size, size);
	if (size)
		KUNIT_EXPECT_MEMEQ(test, c->resp, payload, size);
}

/* ---- Malformed input ------------------------------------------------------ */

static void deliver_raw(struct fake_rm *f, u8 api, u8 type, u8 cont, u16 seq,
			u32 msg_id, size_t payload_len)
{
	u8 msg[GUNYAH_RM_MSG_SIZE] = { api, type | (cont << 2) };

	put_unaligned_le16(seq, &msg[2]);
	put_unaligned_le32(msg_id, &msg[4]);
	gunyah_rm_rx(f->t.rm, msg, 8 + payload_len);
}

/* Headers the protocol does not allow are dropped; the caller still waits. */
static void rm_bad_headers_dropped(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c;
	u16 seq;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 2);
	wait_reqs(test, 1);
	seq = f->reqs[0].seq;

	deliver_raw(f, 0x11, GUNYAH_RM_TYPE_REPLY, 0, seq, TEST_MSG_ID, 4);
	deliver_raw(f, 0x22, GUNYAH_RM_TYPE_REPLY, 0, seq, TEST_MSG_ID, 4);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REQUEST, 0, seq, TEST_MSG_ID, 4);
	gunyah_rm_rx(f->t.rm, "\x21\x02", 2);	/* shorter than a header */
	/* A continuation with nothing in progress. */
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_CONTINUATION, 1, seq, TEST_MSG_ID, 4);
	/* A reply for another message id on this sequence number. */
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, 0, seq, TEST_MSG_ID + 1, 4);
	KUNIT_EXPECT_FALSE(test, completion_done(&c->done));

	fake_reply(f, seq, TEST_MSG_ID, 0, "ok", 2);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, 0);
	KUNIT_EXPECT_EQ(test, c->resp_size, 2);
}

/* A reply announcing more than 62 continuations fails its caller. */
static void rm_too_many_continuations(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 3);
	wait_reqs(test, 1);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, GUNYAH_RM_MAX_CONT + 1,
		    f->reqs[0].seq, TEST_MSG_ID, GUNYAH_RM_FRAG_PAYLOAD);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -EIO);
}

/* A continuation that belongs to another message aborts the reply. */
static void rm_mismatched_continuation(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c;
	u16 seq;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 4);
	wait_reqs(test, 1);
	seq = f->reqs[0].seq;
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, 2, seq, TEST_MSG_ID,
		    GUNYAH_RM_FRAG_PAYLOAD);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_CONTINUATION, 2, seq, TEST_MSG_ID + 1,
		    GUNYAH_RM_FRAG_PAYLOAD);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -EIO);

	/* The same with a wrong continuation count. */
	c = start_call(test, TEST_MSG_ID, 5);
	wait_reqs(test, 2);
	seq = f->reqs[1].seq;
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, 2, seq, TEST_MSG_ID,
		    GUNYAH_RM_FRAG_PAYLOAD);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_CONTINUATION, 3, seq, TEST_MSG_ID,
		    GUNYAH_RM_FRAG_PAYLOAD);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -EIO);
}

/* A reply with no room for the error code is malformed. */
static void rm_reply_without_error_code(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 6);
	wait_reqs(test, 1);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, 0, f->reqs[0].seq,
		    TEST_MSG_ID, 3);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -EIO);
}

/* A second reply on the same sequence number finds nobody, harmlessly. */
static void rm_duplicate_and_unknown_seq(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c;
	u16 seq;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 7);
	wait_reqs(test, 1);
	seq = f->reqs[0].seq;
	/* Nobody waits on seq + 1. */
	fake_reply(f, seq + 1, TEST_MSG_ID, 0, "x", 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&c->done));
	fake_reply(f, seq, TEST_MSG_ID, 0, "first", 5);
	finish_call(test, c);
	fake_reply(f, seq, TEST_MSG_ID, 0, "second", 6);
	KUNIT_EXPECT_EQ(test, c->ret, 0);
	KUNIT_EXPECT_EQ(test, c->resp_size, 5);
	KUNIT_EXPECT_MEMEQ(test, c->resp, "first", 5);
}

struct late_ctx {
	struct gunyah_rm_late late;
	int calls, ret;
	u8 payload[5];
};

static void late_fn(struct gunyah_rm_late *late, int ret, const void *payload,
		    size_t size)
{
	struct late_ctx *l = container_of(late, struct late_ctx, late);

	l->calls++;
	l->ret = ret;
	memcpy(l->payload, payload, min(size, sizeof(l->payload)));
}

/* A call that gives up, with a listener: its sequence number. */
static u16 late_call(struct kunit *test, struct late_ctx *l)
{
	struct fake_rm *f = test->priv;
	int n = f->n_reqs;

	l->late.fn = late_fn;
	KUNIT_EXPECT_EQ(test, gunyah_rm_call_late(f->t.rm, TEST_MSG_ID, "req", 3,
						  NULL, NULL, &l->late),
			-ETIMEDOUT);
	KUNIT_ASSERT_EQ(test, f->n_reqs, n + 1);
	return f->reqs[n].seq;
}

/*
 * No reply in time: the caller gives up, and a late reply is dropped --
 * unless the call had a listener. That hears it once, matched as any
 * reply; a late reply without an error code tells it -EIO.
 */
static void rm_reply_timeout(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct late_ctx l = {}, bad = {};
	struct call_ctx *c;
	u16 seq;

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 8);
	wait_reqs(test, 1);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -ETIMEDOUT);
	fake_reply(f, f->reqs[0].seq, TEST_MSG_ID, 0, "late", 4);

	seq = late_call(test, &l);
	fake_reply(f, seq, TEST_MSG_ID + 1, 0, "other", 5);
	fake_reply(f, seq, TEST_MSG_ID, 0, "late!", 5);
	fake_reply(f, seq, TEST_MSG_ID, 0, "again", 5);
	KUNIT_EXPECT_EQ(test, l.calls, 1);
	KUNIT_EXPECT_EQ(test, l.ret, 0);
	KUNIT_EXPECT_MEMEQ(test, l.payload, "late!", 5);

	seq = late_call(test, &bad);
	fake_deliver(f, GUNYAH_RM_TYPE_REPLY, seq, TEST_MSG_ID, "ab", 2);
	KUNIT_EXPECT_EQ(test, bad.calls, 1);
	KUNIT_EXPECT_EQ(test, bad.ret, -EIO);
}

/* ---- Errors ------------------------------------------------------------- */

struct remap_case {
	u32 rm_error;
	int err;
};

static const struct remap_case remap_cases[] = {
	{ GUNYAH_RM_ERROR_OK, 0 },
	{ GUNYAH_RM_ERROR_UNIMPLEMENTED, -EOPNOTSUPP },
	{ GUNYAH_RM_ERROR_NOMEM, -ENOMEM },
	{ GUNYAH_RM_ERROR_NORESOURCE, -ENOSPC },
	{ GUNYAH_RM_ERROR_DENIED, -EPERM },
	{ GUNYAH_RM_ERROR_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_BUSY, -EBUSY },
	{ GUNYAH_RM_ERROR_ARGUMENT_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_HANDLE_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_VALIDATE_FAILED, -EINVAL },
	{ GUNYAH_RM_ERROR_MAP_FAILED, -EINVAL },
	{ GUNYAH_RM_ERROR_MEM_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_MEM_INUSE, -EBUSY },
	{ GUNYAH_RM_ERROR_MEM_RELEASED, -EINVAL },
	{ GUNYAH_RM_ERROR_VMID_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_LOOKUP_FAILED, -EINVAL },
	{ GUNYAH_RM_ERROR_IRQ_INVALID, -EINVAL },
	{ GUNYAH_RM_ERROR_IRQ_INUSE, -EBUSY },
	{ GUNYAH_RM_ERROR_IRQ_RELEASED, -EINVAL },
	{ GUNYAH_RM_ERROR_IN_USE, -EBUSY },
	{ GUNYAH_RM_ERROR_IRQ_NOT_MAPPED, -EINVAL },
	{ GUNYAH_RM_ERROR_VM_STATE, -EBUSY },
	{ 0x15, -EBADMSG },
	{ 0x12345678, -EBADMSG },
};

static void remap_to_desc(const struct remap_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "RM error %#x", c->rm_error);
}

KUNIT_ARRAY_PARAM(remap, remap_cases, remap_to_desc);

/* The mapping itself, and that a call returns it for an error reply. */
static void rm_error_remap(struct kunit *test)
{
	const struct remap_case *rc = test->param_value;
	struct fake_rm *f = test->priv;

	KUNIT_EXPECT_EQ(test, gunyah_rm_error_remap(rc->rm_error), rc->err);
	f->reply_error = rc->rm_error;
	KUNIT_EXPECT_EQ(test, gunyah_rm_call(f->t.rm, TEST_MSG_ID, "abcd", 4,
					     NULL, NULL), rc->err);
}

/* ---- Notifications --------------------------------------------------------- */

struct notif_listener {
	struct notifier_block nb;
	u32 last_id;
	size_t last_size;
	u8 last[GUNYAH_RM_MAX_MSG_PAYLOAD];
	int count;
};

static int notif_cb(struct notifier_block *nb, unsigned long action, void *data)
{
	struct notif_listener *l = container_of(nb, struct notif_listener, nb);
	struct gunyah_rm_notif *n = data;

	l->last_id = action;
	l->last_size = n->size;
	memcpy(l->last, n->payload, min(n->size, sizeof(l->last)));
	l->count++;
	return NOTIFY_OK;
}

/*
 * Notifications, single and fragmented, reach listeners while a call is
 * waiting, and do not disturb it; a notification that cuts into a
 * fragmented reply aborts that reply.
 */
static void rm_notifications_interleaved(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct notif_listener *l;
	struct call_ctx *c;
	u8 big[600];
	u16 seq;

	l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	l->nb.notifier_call = notif_cb;
	KUNIT_ASSERT_EQ(test, gunyah_rm_notifier_register(f->t.rm, &l->nb), 0);

	f->mode = FAKE_COLLECT;
	c = start_call(test, TEST_MSG_ID, 9);
	wait_reqs(test, 1);
	seq = f->reqs[0].seq;

	fake_deliver(f, GUNYAH_RM_TYPE_NOTIF, 0, GUNYAH_RM_NOTIF_VM_STATUS,
		     "status", 6);
	KUNIT_EXPECT_EQ(test, l->count, 1);
	KUNIT_EXPECT_EQ(test, l->last_id, GUNYAH_RM_NOTIF_VM_STATUS);
	KUNIT_EXPECT_EQ(test, l->last_size, 6);
	KUNIT_EXPECT_MEMEQ(test, l->last, "status", 6);

	fill_pattern(big, sizeof(big), 5);
	fake_deliver(f, GUNYAH_RM_TYPE_NOTIF, 0, GUNYAH_RM_NOTIF_VM_EXITED,
		     big, sizeof(big));
	KUNIT_EXPECT_EQ(test, l->count, 2);
	KUNIT_EXPECT_EQ(test, l->last_size, sizeof(big));
	KUNIT_EXPECT_MEMEQ(test, l->last, big, sizeof(big));
	KUNIT_EXPECT_FALSE(test, completion_done(&c->done));

	fake_reply(f, seq, TEST_MSG_ID, 0, "done", 4);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, 0);

	/* Now a notification inside a two-fragment reply. */
	c = start_call(test, TEST_MSG_ID, 10);
	wait_reqs(test, 2);
	deliver_raw(f, 0x21, GUNYAH_RM_TYPE_REPLY, 1, f->reqs[1].seq,
		    TEST_MSG_ID, GUNYAH_RM_FRAG_PAYLOAD);
	fake_deliver(f, GUNYAH_RM_TYPE_NOTIF, 0, GUNYAH_RM_NOTIF_VM_STATUS,
		     "again", 5);
	finish_call(test, c);
	KUNIT_EXPECT_EQ(test, c->ret, -EIO);
	KUNIT_EXPECT_EQ(test, l->count, 3);

	KUNIT_EXPECT_EQ(test, gunyah_rm_notifier_unregister(f->t.rm, &l->nb), 0);
	fake_deliver(f, GUNYAH_RM_TYPE_NOTIF, 0, GUNYAH_RM_NOTIF_VM_STATUS, "x", 1);
	KUNIT_EXPECT_EQ(test, l->count, 3);
}

/* ---- Flow control and concurrency ----------------------------------------- */

/* A full TX queue makes the core wait for tx_ready and resend. */
static void rm_tx_flow_control(struct kunit *test)
{
	size_t size = 5 * GUNYAH_RM_FRAG_PAYLOAD + 17;
	struct fake_rm *f = test->priv;
	size_t resp_size;
	void *resp;
	u8 *req;

	req = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	fill_pattern(req, size, 1);
	f->flaky_queue = true;

	KUNIT_ASSERT_EQ(test, gunyah_rm_call(f->t.rm, TEST_MSG_ID, req, size,
					     &resp, &resp_size), 0);
	KUNIT_EXPECT_EQ(test, f->n_refused, 6);
	KUNIT_EXPECT_EQ(test, f->n_msgs, 6);
	KUNIT_EXPECT_EQ(test, resp_size, size);
	KUNIT_EXPECT_MEMEQ(test, resp, req, size);
	kfree(resp);
}

#define N_CALLERS	16

/*
 * Many callers at once, given time to start (over a second on the real
 * hypervisor's TCG): the RM sees one request at a time, the next only
 * after the previous reply, and each caller gets its own reply.
 */
static void rm_concurrent_callers_one_at_a_time(struct kunit *test)
{
	struct fake_rm *f = test->priv;
	struct call_ctx *c[N_CALLERS];
	struct fake_req *r;
	int i, j;

	gunyah_rm_set_reply_timeout(f->t.rm, 30 * HZ);
	f->mode = FAKE_COLLECT;
	for (i = 0; i < N_CALLERS; i++)
		c[i] = start_call(test, TEST_MSG_ID + i, i + 1);

	for (i = 0; i < N_CALLERS; i++) {
		wait_reqs(test, i + 1);
		/* Give a second request the chance to go out too early. */
		msleep(20);
		KUNIT_ASSERT_EQ(test, READ_ONCE(f->n_reqs), i + 1);
		r = &f->reqs[i];
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, r->seq, f->reqs[j].seq);
		fake_reply(f, r->seq, r->msg_id, 0, r->payload, r->size);
	}
	for (i = 0; i < N_CALLERS; i++) {
		finish_call(test, c[i]);
		KUNIT_EXPECT_EQ(test, c[i]->ret, 0);
		KUNIT_ASSERT_EQ(test, c[i]->resp_size, c[i]->req_size);
		KUNIT_EXPECT_MEMEQ(test, c[i]->resp, c[i]->req, c[i]->req_size);
	}
}

static struct kunit_case gunyah_rm_rpc_cases[] = {
	KUNIT_CASE_PARAM(rm_request_fragments, payload_size_gen_params),
	KUNIT_CASE(rm_request_too_big),
	KUNIT_CASE_PARAM(rm_reply_fragments, reply_size_gen_params),
	KUNIT_CASE(rm_bad_headers_dropped),
	KUNIT_CASE(rm_too_many_continuations),
	KUNIT_CASE(rm_mismatched_continuation),
	KUNIT_CASE(rm_reply_without_error_code),
	KUNIT_CASE(rm_duplicate_and_unknown_seq),
	KUNIT_CASE(rm_reply_timeout),
	KUNIT_CASE_PARAM(rm_error_remap, remap_gen_params),
	KUNIT_CASE(rm_notifications_interleaved),
	KUNIT_CASE(rm_tx_flow_control),
	KUNIT_CASE(rm_concurrent_callers_one_at_a_time),
	{}
};

static struct kunit_suite gunyah_rm_rpc_suite = {
	.name = "gunyah_rm_rpc",
	.init = fake_init,
	.exit = fake_exit,
	.test_cases = gunyah_rm_rpc_cases,
};

kunit_test_suite(gunyah_rm_rpc_suite);
