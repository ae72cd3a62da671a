// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for gunyah_rm_mem_share() on the wire: a parcel of more
 * entries than one message takes goes out as MEM_LEND with the APPEND flag
 * and then MEM_APPEND chunks, the last with END, each message's entries
 * read from the parcel's entry source as it is written. A recording
 * transport keeps each request's payload and answers it at once; the test
 * writes the payloads it expects with its own code, from an array of
 * entries, and compares them byte for byte. A source that fails before
 * the first message, or between appends, is also tried.
 *
 * Locking: none; the RPC core sends one request at a time and each case
 * owns its transport.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "rsc_mgr.h"

#define WIRE_MAX_REQS		8
#define WIRE_HANDLE		0x1234
#define WIRE_LABEL		7
#define WIRE_VMID		0x45
/* One full first message, two full appends and a short one. */
#define WIRE_N_ENTRIES		(3 * GUNYAH_RM_MAX_MEM_ENTRIES + 5)

struct wire_req {
	u32 msg_id;
	size_t size;
	unsigned int msgs;
	u8 payload[GUNYAH_RM_MAX_REQ_PAYLOAD];
};

/* An array of entries that records what is asked and can fail once. */
struct wire_src {
	struct gunyah_rm_mem_entry_array a;
	struct gunyah_rm_mem_entry_src src;
	size_t asked[WIRE_MAX_REQS];
	int n_asked;
	int fail_at;	/* the call that fails, from 0; -1 for none */
};

static int wire_src_fill(struct gunyah_rm_mem_entry_src *src,
			 struct gunyah_rm_mem_entry *entries, size_t n)
{
	struct wire_src *s = container_of(src, struct wire_src, src);

	if (s->n_asked == WIRE_MAX_REQS)
		return -ENOSPC;
	s->asked[s->n_asked] = n;
	if (s->n_asked++ == s->fail_at)
		return -ENOMEM;
	return s->a.src.fill(&s->a.src, entries, n);
}

/* The transport, and the parcel of WIRE_N_ENTRIES entries a case gives. */
struct wire_rm {
	struct gunyah_rm_transport t;
	struct wire_req *reqs;
	int n_reqs;
	/* Answer request @fail_req with @fail_error instead of OK. */
	int fail_req;
	u32 fail_error;
	struct gunyah_rm_mem_acl_entry acl;
	struct gunyah_rm_mem_entry *e;
	struct wire_src src;
	struct gunyah_rm_mem_parcel p;
};

/* Answer the request just completed: the error code, then a handle. */
static void wire_reply(struct wire_rm *w, const u8 *req_msg)
{
	u8 msg[GUNYAH_RM_HDR_SIZE + 8];
	u32 error = w->n_reqs - 1 == w->fail_req ? w->fail_error : 0;

	msg[0] = GUNYAH_RM_HDR_API;
	msg[1] = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REPLY, 0);
	memcpy(&msg[2], &req_msg[2], 6);	/* seq and msg_id */
	put_unaligned_le32(error, &msg[8]);
	put_unaligned_le32(WIRE_HANDLE, &msg[12]);
	gunyah_rm_rx(w->t.rm, msg, sizeof(msg));
}

static int wire_send(struct gunyah_rm_transport *t, const void *msg,
		     size_t len, bool push)
{
	struct wire_rm *w = container_of(t, struct wire_rm, t);
	const u8 *m = msg;
	struct wire_req *r;

	if ((m[1] & 3) == GUNYAH_RM_TYPE_REQUEST) {
		if (w->n_reqs == WIRE_MAX_REQS)
			return -ENOSPC;
		r = &w->reqs[w->n_reqs++];
		r->msg_id = get_unaligned_le32(&m[4]);
		r->size = 0;
		r->msgs = 0;
	}
	if (!w->n_reqs)
		return -EPROTO;
	r = &w->reqs[w->n_reqs - 1];
	len -= GUNYAH_RM_HDR_SIZE;
	if (r->size + len > sizeof(r->payload))
		return -EMSGSIZE;
	memcpy(r->payload + r->size, m + GUNYAH_RM_HDR_SIZE, len);
	r->size += len;
	r->msgs++;
	if (push)
		wire_reply(w, m);
	return 0;
}

/* Entries no two of which coalesce, each one different. */
static struct gunyah_rm_mem_entry *wire_entries(struct kunit *test, size_t n)
{
	struct gunyah_rm_mem_entry *e;
	size_t i;

	e = kunit_kcalloc(test, n, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < n; i++) {
		e[i].phys_addr = cpu_to_le64(0x880000000ULL - i * SZ_64K);
		e[i].size = cpu_to_le64((i % 7 + 1) * SZ_4K);
	}
	return e;
}

static void wire_parcel(struct wire_rm *w, size_t n)
{
	gunyah_rm_mem_entry_array_init(&w->src.a, w->e, n);
	w->src.src.fill = wire_src_fill;
	w->src.fail_at = -1;
	w->acl.vmid = cpu_to_le16(WIRE_VMID);
	w->acl.perms = GUNYAH_RM_ACL_RWX;
	w->p = (struct gunyah_rm_mem_parcel){
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.label = WIRE_LABEL,
		.lend = true,
		.n_acl_entries = 1,
		.acl_entries = &w->acl,
		.n_mem_entries = n,
		.mem_src = &w->src.src,
	};
}

static int wire_init(struct kunit *test)
{
	struct gunyah_rm *rm;
	struct wire_rm *w;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->reqs = kunit_kcalloc(test, WIRE_MAX_REQS, sizeof(*w->reqs),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w->reqs);
	w->t.send = wire_send;
	w->fail_req = -1;
	w->e = wire_entries(test, WIRE_N_ENTRIES);
	wire_parcel(w, WIRE_N_ENTRIES);
	rm = gunyah_rm_create(NULL, &w->t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rm));
	test->priv = w;
	return 0;
}

static void wire_exit(struct kunit *test)
{
	struct wire_rm *w = test->priv;

	gunyah_rm_destroy(w->t.rm);
}

/* Append a counted list, as the protocol lays it out. */
static u8 *wire_put_list(u8 *b, const void *entries, size_t n, size_t size)
{
	put_unaligned_le16(n, b);
	put_unaligned_le16(0, b + 2);
	memcpy(b + 4, entries, n * size);
	return b + 4 + n * size;
}

/* The MEM_LEND the RM should get: header, ACL, entries, no attributes. */
static size_t wire_expect_lend(u8 *b, const struct gunyah_rm_mem_acl_entry *acl,
			       const struct gunyah_rm_mem_entry *e, size_t n,
			       bool more)
{
	u8 *p = b;

	*p++ = GUNYAH_RM_MEM_TYPE_NORMAL;
	*p++ = 0;
	*p++ = more ? GUNYAH_RM_MEM_SHARE_APPEND : 0;
	*p++ = 0;
	put_unaligned_le32(WIRE_LABEL, p);
	p = wire_put_list(p + 4, acl, 1, sizeof(*acl));
	p = wire_put_list(p, e, n, sizeof(*e));
	p = wire_put_list(p, NULL, 0, 0);
	return p - b;
}

static size_t wire_expect_append(u8 *b, const struct gunyah_rm_mem_entry *e,
				 size_t n, bool end)
{
	put_unaligned_le32(WIRE_HANDLE, b);
	b[4] = end ? GUNYAH_RM_MEM_APPEND_END : 0;
	memset(b + 5, 0, 3);
	return wire_put_list(b + 8, e, n, sizeof(*e)) - b;
}

static void wire_expect_req(struct kunit *test, const struct wire_req *r,
			    u32 msg_id, const u8 *want, size_t size)
{
	KUNIT_EXPECT_EQ(test, r->msg_id, msg_id);
	KUNIT_ASSERT_EQ(test, r->size, size);
	KUNIT_EXPECT_MEMEQ(test, r->payload, want, size);
	KUNIT_EXPECT_EQ(test, r->msgs, size ?
			DIV_ROUND_UP(size, GUNYAH_RM_FRAG_PAYLOAD) : 1);
}

/* Check the first @n_sent requests: the first message, then appends. */
static void wire_expect_share(struct kunit *test, struct wire_rm *w,
			      int n_sent)
{
	const struct gunyah_rm_mem_entry *e = w->e;
	size_t chunk, size, off = 0, n = w->p.n_mem_entries;
	u8 *want;
	int i;

	want = kunit_kmalloc(test, GUNYAH_RM_MAX_REQ_PAYLOAD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	for (i = 0; i < n_sent; i++) {
		chunk = min_t(size_t, n - off, GUNYAH_RM_MAX_MEM_ENTRIES);
		if (!i) {
			size = wire_expect_lend(want, &w->acl, e, chunk,
						chunk < n);
			wire_expect_req(test, &w->reqs[i], GUNYAH_RM_RPC_MEM_LEND,
					want, size);
		} else {
			size = wire_expect_append(want, e + off, chunk,
						  off + chunk == n);
			wire_expect_req(test, &w->reqs[i],
					GUNYAH_RM_RPC_MEM_APPEND, want, size);
		}
		off += chunk;
	}
}

/* Request @i reclaims the parcel. */
static void wire_expect_reclaim(struct kunit *test, struct wire_rm *w, int i)
{
	KUNIT_ASSERT_GT(test, w->n_reqs, i);
	KUNIT_EXPECT_EQ(test, w->reqs[i].msg_id, GUNYAH_RM_RPC_MEM_RECLAIM);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(w->reqs[i].payload),
			WIRE_HANDLE);
}

/*
 * 3 * 512 + 5 entries: MEM_LEND with 512, appends of 512, 512 and 5, the
 * source asked for each message's entries as it is written.
 */
static void rm_mem_share_appends(struct kunit *test)
{
	static const size_t asked[] = { 512, 512, 512, 5 };
	struct wire_rm *w = test->priv;
	size_t bytes = 0;
	u32 msgs = 0;
	int i;

	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_share(w->t.rm, &w->p), 0);
	KUNIT_EXPECT_EQ(test, w->p.mem_handle, WIRE_HANDLE);
	KUNIT_ASSERT_EQ(test, w->n_reqs, 4);
	wire_expect_share(test, w, 4);
	KUNIT_ASSERT_EQ(test, w->src.n_asked, ARRAY_SIZE(asked));
	KUNIT_EXPECT_MEMEQ(test, w->src.asked, asked, sizeof(asked));
	for (i = 0; i < w->n_reqs; i++) {
		msgs += w->reqs[i].msgs;
		bytes += w->reqs[i].size + w->reqs[i].msgs * GUNYAH_RM_HDR_SIZE;
	}
	KUNIT_EXPECT_EQ(test, w->p.tx_msgs, msgs);
	KUNIT_EXPECT_EQ(test, w->p.tx_bytes, bytes);
}

/* A refused append: the parcel is reclaimed, its handle invalid again. */
static void rm_mem_share_append_refused(struct kunit *test)
{
	struct wire_rm *w = test->priv;

	w->fail_req = 2;
	w->fail_error = GUNYAH_RM_ERROR_MEM_INVALID;
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(w->t.rm, &w->p), -EINVAL);
	KUNIT_EXPECT_EQ(test, w->p.mem_handle, GUNYAH_RM_MEM_HANDLE_INVAL);
	KUNIT_ASSERT_EQ(test, w->n_reqs, 4);
	wire_expect_share(test, w, 3);
	wire_expect_reclaim(test, w, 3);
}

/* A source that fails before the first message: nothing is sent. */
static void rm_mem_share_source_fails_first(struct kunit *test)
{
	struct wire_rm *w = test->priv;

	w->src.fail_at = 0;
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(w->t.rm, &w->p), -ENOMEM);
	KUNIT_EXPECT_EQ(test, w->p.mem_handle, GUNYAH_RM_MEM_HANDLE_INVAL);
	KUNIT_EXPECT_EQ(test, w->n_reqs, 0);
	KUNIT_EXPECT_EQ(test, w->p.tx_msgs, 0);
}

/*
 * A source that fails for the second append: what went out is reclaimed,
 * as after a refused append; the error is the source's. If the RM refuses
 * that reclaim, the handle stays valid: the memory is still given.
 */
static void rm_mem_share_source_fails_mid_stream(struct kunit *test)
{
	struct wire_rm *w = test->priv;
	bool refuse = test->param_value && *(const bool *)test->param_value;

	w->src.fail_at = 2;
	if (refuse) {
		w->fail_req = 2;
		w->fail_error = GUNYAH_RM_ERROR_MEM_INUSE;
	}
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(w->t.rm, &w->p), -ENOMEM);
	KUNIT_EXPECT_EQ(test, w->p.mem_handle,
			refuse ? WIRE_HANDLE : GUNYAH_RM_MEM_HANDLE_INVAL);
	KUNIT_ASSERT_EQ(test, w->n_reqs, 3);
	wire_expect_share(test, w, 2);
	wire_expect_reclaim(test, w, 2);
}

static const bool reclaim_refused[] = { false, true };

static void reclaim_refused_desc(const bool *refused, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "reclaim %s",
		 *refused ? "refused" : "taken");
}

KUNIT_ARRAY_PARAM(reclaim_refused, reclaim_refused, reclaim_refused_desc);

static struct kunit_case gunyah_rm_mem_share_cases[] = {
	KUNIT_CASE(rm_mem_share_appends),
	KUNIT_CASE(rm_mem_share_append_refused),
	KUNIT_CASE(rm_mem_share_source_fails_first),
	KUNIT_CASE_PARAM(rm_mem_share_source_fails_mid_stream,
			 reclaim_refused_gen_params),
	{}
};

static struct kunit_suite gunyah_rm_mem_share_suite = {
	.name = "gunyah_rm_mem_share",
	.init = wire_init,
	.exit = wire_exit,
	.test_cases = gunyah_rm_mem_share_cases,
};

kunit_test_suite(gunyah_rm_mem_share_suite);
