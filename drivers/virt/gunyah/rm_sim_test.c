// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the simulated Gunyah Resource Manager.
 *
 * Suite gunyah_rm_sim: each test creates its own simulator on a KUnit
 * device and talks to it with the test's own framing code, independent of
 * both the simulator's parser and the RPC core's, catching what it sends
 * back: replies are matched by sequence number and notifications recorded.
 * RM errors are turned into errnos with the RPC core's mapping.
 *
 * Suite gunyah_rm_sim_rpc: the same simulator driven through the real RPC
 * core and its typed calls, as the VM manager drives it.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/wait.h>

#include "core.h"
#include "rm_sim.h"

#define T_NOTIFS	128
#define T_TIMEOUT	(5 * HZ)

struct t_notif {
	u32 msg_id;
	size_t len;
	u8 data[GUNYAH_RM_FRAG_PAYLOAD];
};

struct t_ctx {
	struct kunit *test;
	struct gunyah_rm_sim *sim;
	u16 seq;

	spinlock_t lock;		/* everything below */
	wait_queue_head_t wq;
	bool in_reply;
	bool reply_done;
	u16 reply_seq;
	unsigned int reply_cont, reply_got;
	size_t reply_len;
	u8 reply[GUNYAH_RM_MAX_MSG_PAYLOAD + 4];
	unsigned int n_notifs;
	struct t_notif notifs[T_NOTIFS];
	unsigned int n_msgs;
};

/* The simulator's delivery hook: our own parser of what the RM sends. */
static void t_deliver(struct gunyah_rm_sim *sim, const void *msg, size_t len)
{
	struct t_ctx *c = sim->hook_data;
	const struct gunyah_rm_hdr *h = msg;
	unsigned int type = h->type & 3, cont = h->type >> 2;

	spin_lock(&c->lock);
	c->n_msgs++;
	if (len < GUNYAH_RM_HDR_SIZE || len > GUNYAH_RM_MSG_SIZE ||
	    h->api != GUNYAH_RM_HDR_API)
		goto out;
	len -= GUNYAH_RM_HDR_SIZE;
	if (type == GUNYAH_RM_TYPE_NOTIF) {
		if (cont == 0 && c->n_notifs < T_NOTIFS) {
			struct t_notif *n = &c->notifs[c->n_notifs++];

			n->msg_id = le32_to_cpu(h->msg_id);
			n->len = len;
			memcpy(n->data, h + 1, len);
		}
	} else if (type == GUNYAH_RM_TYPE_REPLY) {
		c->in_reply = true;
		c->reply_done = false;
		c->reply_seq = le16_to_cpu(h->seq);
		c->reply_cont = cont;
		c->reply_got = 0;
		memcpy(c->reply, h + 1, len);
		c->reply_len = len;
	} else if (type == GUNYAH_RM_TYPE_CONTINUATION && c->in_reply &&
		   c->reply_got < c->reply_cont) {
		c->reply_got++;
		memcpy(c->reply + c->reply_len, h + 1, len);
		c->reply_len += len;
	}
	if (c->in_reply && c->reply_got == c->reply_cont) {
		c->in_reply = false;
		c->reply_done = true;
	}
out:
	spin_unlock(&c->lock);
	wake_up(&c->wq);
}

static int t_send_raw(struct t_ctx *c, const void *msg, size_t len, bool push)
{
	int ret, tries = 0;

	do {
		ret = c->sim->t.send(&c->sim->t, msg, len, push);
		if (ret == -EAGAIN)
			usleep_range(50, 100);
	} while (ret == -EAGAIN && ++tries < 100000);
	return ret;
}

/* Send a request as the RPC core would, fragmented. */
static int t_send_req(struct t_ctx *c, u32 msg_id, u16 seq, const void *req,
		      size_t len)
{
	unsigned int cont = len ? (len - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0, i;
	u8 msg[GUNYAH_RM_MSG_SIZE];
	size_t done = 0;
	int ret;

	for (i = 0; i <= cont; i++) {
		struct gunyah_rm_hdr *h = (void *)msg;
		size_t n = min_t(size_t, len - done, GUNYAH_RM_FRAG_PAYLOAD);

		h->api = 0x21;
		h->type = (i ? 0 : 1) | cont << 2;
		h->seq = cpu_to_le16(seq);
		h->msg_id = cpu_to_le32(msg_id);
		memcpy(h + 1, (const u8 *)req + done, n);
		done += n;
		ret = t_send_raw(c, msg, GUNYAH_RM_HDR_SIZE + n, i == cont);
		if (ret)
			return ret;
	}
	return 0;
}

/* The RPC core's mapping of RM errors to errnos. */
static int t_errno(u32 rm_error)
{
	return gunyah_rm_error_remap(rm_error);
}

/*
 * Make a call and wait for its reply. Returns the errno of the RM's
 * answer, or -ETIMEDOUT if none came within @timeout.
 */
static int t_call_timeout(struct t_ctx *c, u32 msg_id, const void *req,
			  size_t len, void *resp, size_t *resp_len,
			  long timeout)
{
	u16 seq = ++c->seq;
	size_t got;
	u32 err;
	int ret;

	spin_lock(&c->lock);
	c->reply_done = false;
	spin_unlock(&c->lock);

	ret = t_send_req(c, msg_id, seq, req, len);
	if (ret)
		return ret;
	if (!wait_event_timeout(c->wq, READ_ONCE(c->reply_done), timeout))
		return -ETIMEDOUT;

	spin_lock(&c->lock);
	c->reply_done = false;
	if (c->reply_seq != seq || c->reply_len < 4) {
		spin_unlock(&c->lock);
		return -EBADMSG;
	}
	err = get_unaligned_le32(c->reply);
	got = c->reply_len - 4;
	if (resp_len) {
		memcpy(resp, c->reply + 4, min(got, *resp_len));
		*resp_len = got;
	}
	spin_unlock(&c->lock);
	return t_errno(err);
}

static int t_call(struct t_ctx *c, u32 msg_id, const void *req, size_t len,
		  void *resp, size_t *resp_len)
{
	return t_call_timeout(c, msg_id, req, len, resp, resp_len, T_TIMEOUT);
}

/* Wait for the notifications to arrive and count those matching. */
static unsigned int t_count_notifs(struct t_ctx *c, u32 msg_id, u16 vmid,
				   int second)
{
	unsigned int i, n = 0;

	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	for (i = 0; i < c->n_notifs; i++) {
		const u8 *d = c->notifs[i].data;

		if (c->notifs[i].msg_id != msg_id)
			continue;
		/* VM notifications start with the vmid, memory ones with the handle. */
		if (msg_id == GUNYAH_RM_NOTIF_VM_STATUS &&
		    (get_unaligned_le16(d) != vmid || (second >= 0 && d[4] != second)))
			continue;
		if (msg_id == GUNYAH_RM_NOTIF_VM_EXITED &&
		    (get_unaligned_le16(d) != vmid ||
		     (second >= 0 && get_unaligned_le16(d + 2) != second)))
			continue;
		if ((msg_id == GUNYAH_RM_NOTIF_MEM_RELEASED ||
		     msg_id == GUNYAH_RM_NOTIF_MEM_ACCEPTED) &&
		    get_unaligned_le32(d) != (u32)second)
			continue;
		n++;
	}
	spin_unlock(&c->lock);
	return n;
}

static void t_clear_notifs(struct t_ctx *c)
{
	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	c->n_notifs = 0;
	spin_unlock(&c->lock);
}

/* ---- Typed helpers ------------------------------------------------------ */

static int t_vm(struct t_ctx *c, u32 msg_id, u16 vmid)
{
	struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

	return t_call(c, msg_id, &r, sizeof(r), NULL, NULL);
}

static int t_alloc(struct t_ctx *c, u16 vmid)
{
	struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };
	__le32 resp = 0;
	size_t len = sizeof(resp);
	int ret;

	ret = t_call(c, GUNYAH_RM_RPC_VM_ALLOC_VMID, &r, sizeof(r), &resp, &len);
	if (ret)
		return ret;
	if (!vmid)
		return len == sizeof(resp) ? le32_to_cpu(resp) : -EBADMSG;
	return len ? -EBADMSG : vmid;
}

static int t_stop(struct t_ctx *c, u16 vmid, u8 flags)
{
	struct gunyah_rm_vm_stop_req r = {
		.vmid = cpu_to_le16(vmid),
		.flags = flags,
		.stop_reason = cpu_to_le32(GUNYAH_RM_VM_STOP_REASON_FORCE),
	};

	return t_call(c, GUNYAH_RM_RPC_VM_STOP, &r, sizeof(r), NULL, NULL);
}

static int t_config(struct t_ctx *c, u16 vmid, u32 handle, u64 dtb_off,
		    u64 dtb_size)
{
	struct gunyah_rm_vm_config_image_req r = {
		.vmid = cpu_to_le16(vmid),
		.auth_mech = cpu_to_le16(GUNYAH_RM_AUTH_NONE),
		.mem_handle = cpu_to_le32(handle),
		.dtb_offset = cpu_to_le64(dtb_off),
		.dtb_size = cpu_to_le64(dtb_size),
	};

	return t_call(c, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, &r, sizeof(r), NULL, NULL);
}

struct t_acl {
	u16 vmid;
	u8 perms;
};

/* MEM_LEND / MEM_SHARE of @n pages from @pages[], one SGL entry each. */
static int t_mem(struct t_ctx *c, bool lend, u8 flags, u32 label,
		 const struct t_acl *acl, unsigned int n_acl,
		 const u64 *phys, const u64 *sizes, unsigned int n,
		 u32 *handle)
{
	size_t len = sizeof(struct gunyah_rm_mem_share_req_hdr) + 3 * 4 +
		     n_acl * 4 + n * 16;
	struct gunyah_rm_mem_share_req_hdr *h;
	__le32 resp = 0;
	size_t rlen = sizeof(resp);
	unsigned int i;
	u8 *buf, *p;
	int ret;

	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = (void *)buf;
	h->mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	h->flags = flags;
	h->label = cpu_to_le32(label);
	p = buf + sizeof(*h);
	put_unaligned_le16(n_acl, p);
	p += 4;
	for (i = 0; i < n_acl; i++, p += 4) {
		put_unaligned_le16(acl[i].vmid, p);
		p[2] = acl[i].perms;
	}
	put_unaligned_le16(n, p);
	p += 4;
	for (i = 0; i < n; i++, p += 16) {
		put_unaligned_le64(phys[i], p);
		put_unaligned_le64(sizes ? sizes[i] : PAGE_SIZE, p + 8);
	}
	put_unaligned_le16(0, p);	/* no attributes */

	ret = t_call(c, lend ? GUNYAH_RM_RPC_MEM_LEND : GUNYAH_RM_RPC_MEM_SHARE,
		     buf, len, &resp, &rlen);
	kfree(buf);
	if (!ret && rlen != sizeof(resp))
		ret = -EBADMSG;
	if (!ret)
		*handle = le32_to_cpu(resp);
	return ret;
}

static int t_lend1(struct t_ctx *c, u16 vmid, u64 phys, u32 *handle)
{
	struct t_acl acl = { vmid, GUNYAH_RM_ACL_RWX };

	return t_mem(c, true, 0, 1, &acl, 1, &phys, NULL, 1, handle);
}

static int t_append(struct t_ctx *c, u32 handle, u8 flags, const u64 *phys,
		    unsigned int n)
{
	size_t len = sizeof(struct gunyah_rm_mem_append_req_hdr) + 4 + n * 16;
	struct gunyah_rm_mem_append_req_hdr *h;
	unsigned int i;
	u8 *buf, *p;
	int ret;

	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	h = (void *)buf;
	h->mem_handle = cpu_to_le32(handle);
	h->flags = flags;
	p = buf + sizeof(*h);
	put_unaligned_le16(n, p);
	p += 4;
	for (i = 0; i < n; i++, p += 16) {
		put_unaligned_le64(phys[i], p);
		put_unaligned_le64(PAGE_SIZE, p + 8);
	}
	ret = t_call(c, GUNYAH_RM_RPC_MEM_APPEND, buf, len, NULL, NULL);
	kfree(buf);
	return ret;
}

static int t_reclaim(struct t_ctx *c, u32 handle, u8 flags)
{
	struct gunyah_rm_mem_release_req r = {
		.mem_handle = cpu_to_le32(handle),
		.flags = flags,
	};

	return t_call(c, GUNYAH_RM_RPC_MEM_RECLAIM, &r, sizeof(r), NULL, NULL);
}

static unsigned int t_n_vms(struct t_ctx *c)
{
	struct rm_sim_vm *vm;
	unsigned long i;
	unsigned int n = 0;

	mutex_lock(&c->sim->lock);
	xa_for_each(&c->sim->vms, i, vm)
		n++;
	mutex_unlock(&c->sim->lock);
	return n;
}

static u8 t_state(struct t_ctx *c, u16 vmid)
{
	struct rm_sim_vm *vm;
	u8 state;

	mutex_lock(&c->sim->lock);
	vm = rm_sim_vm_lookup(c->sim, vmid);
	state = vm ? vm->state : GUNYAH_RM_VM_STATUS_NO_STATE;
	mutex_unlock(&c->sim->lock);
	return state;
}

/* ---- Guest memory and devicetrees ---------------------------------------- */

enum {
	DT_NO_VCPUS		= BIT(0),
	DT_NO_IMAGE_NAME	= BIT(1),
	DT_HYPERVISOR		= BIT(2),
	DT_MEMORY_AT		= BIT(3),
	DT_NO_CHOSEN		= BIT(4),
	DT_NO_GIC		= BIT(5),
	DT_LONG_NAME		= BIT(6),
	DT_NO_BASE		= BIT(7),
	DT_STATIC_AFFINITY	= BIT(8),
	DT_SECONDARY_NO_PSCI	= BIT(9),
	DT_BELLS		= BIT(10),
};

/* Labels of the doorbells DT_BELLS adds. */
#define T_BELL_A	7
#define T_BELL_B	9

#define T_GIC_PHANDLE	1

/* A guest devicetree with @n_cpus CPUs, broken as @flags says. */
static int t_build_dt(void *buf, int size, unsigned int n_cpus,
		      unsigned int flags)
{
	static const char long_name[] =
		"a-name-much-longer-than-the-eighty-characters-the-resource-manager-allows-for-it";
	unsigned int i;
	int ret = 0;

#define DT(call) do { if (!ret) ret = (call); } while (0)
	DT(fdt_create(buf, size));
	DT(fdt_finish_reservemap(buf));
	DT(fdt_begin_node(buf, ""));
	DT(fdt_property_u32(buf, "#address-cells", 2));
	DT(fdt_property_u32(buf, "#size-cells", 2));
	DT(fdt_property_u32(buf, "interrupt-parent", T_GIC_PHANDLE));
	if (!(flags & DT_NO_CHOSEN)) {
		DT(fdt_begin_node(buf, "chosen"));
		DT(fdt_property_string(buf, "bootargs", "console=hvc0"));
		DT(fdt_end_node(buf));
	}
	DT(fdt_begin_node(buf, "cpus"));
	DT(fdt_property_u32(buf, "#address-cells", 1));
	DT(fdt_property_u32(buf, "#size-cells", 0));
	for (i = 0; i < n_cpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu@%u", i);
		DT(fdt_begin_node(buf, name));
		DT(fdt_property_string(buf, "device_type", "cpu"));
		DT(fdt_property_string(buf, "compatible", "arm,armv8"));
		DT(fdt_property_u32(buf, "reg", i));
		if (!(i && (flags & DT_SECONDARY_NO_PSCI)))
			DT(fdt_property_string(buf, "enable-method", "psci"));
		DT(fdt_end_node(buf));
	}
	DT(fdt_end_node(buf));
	if (!(flags & DT_NO_GIC)) {
		DT(fdt_begin_node(buf, "intc@3fff0000"));
		DT(fdt_property_string(buf, "compatible", "arm,gic-v3"));
		DT(fdt_property(buf, "interrupt-controller", NULL, 0));
		DT(fdt_property_u32(buf, "#interrupt-cells", 3));
		DT(fdt_property_u32(buf, "phandle", T_GIC_PHANDLE));
		DT(fdt_end_node(buf));
	}
	DT(fdt_begin_node(buf, "memory"));
	DT(fdt_property_string(buf, "device_type", "memory"));
	DT(fdt_end_node(buf));
	if (flags & DT_MEMORY_AT) {
		DT(fdt_begin_node(buf, "memory@90000000"));
		DT(fdt_property_string(buf, "device_type", "memory"));
		DT(fdt_end_node(buf));
	}
	if (flags & DT_HYPERVISOR) {
		DT(fdt_begin_node(buf, "hypervisor"));
		DT(fdt_end_node(buf));
	}
	DT(fdt_begin_node(buf, "gunyah-vm-config"));
	if (!(flags & DT_NO_IMAGE_NAME))
		DT(fdt_property_string(buf, "image-name",
				       flags & DT_LONG_NAME ? long_name : "kunit-vm"));
	DT(fdt_property_string(buf, "os-type", "linux"));
	DT(fdt_begin_node(buf, "memory"));
	DT(fdt_property_u32(buf, "#address-cells", 2));
	DT(fdt_property_u32(buf, "#size-cells", 2));
	if (!(flags & DT_NO_BASE))
		DT(fdt_property_u64(buf, "base-address", 0x80000000ULL));
	DT(fdt_end_node(buf));
	if (!(flags & DT_NO_VCPUS)) {
		DT(fdt_begin_node(buf, "vcpus"));
		DT(fdt_property_string(buf, "affinity",
				       flags & DT_STATIC_AFFINITY ? "static" : "proxy"));
		DT(fdt_end_node(buf));
	}
	if (flags & DT_BELLS) {
		DT(fdt_begin_node(buf, "vdevices"));
		DT(fdt_begin_node(buf, "bell-a"));
		DT(fdt_property_string(buf, "vdevice-type", "doorbell"));
		DT(fdt_property_u32(buf, "label", T_BELL_A));
		DT(fdt_property(buf, "peer-default", NULL, 0));
		DT(fdt_end_node(buf));
		DT(fdt_begin_node(buf, "bell-b"));
		DT(fdt_property_string(buf, "vdevice-type", "doorbell"));
		DT(fdt_property_u32(buf, "label", T_BELL_B));
		DT(fdt_property(buf, "peer-default", NULL, 0));
		DT(fdt_end_node(buf));
		/* Not a doorbell the host rings: no resource. */
		DT(fdt_begin_node(buf, "shm-0"));
		DT(fdt_property_string(buf, "vdevice-type", "shm"));
		DT(fdt_property_u32(buf, "label", 0));
		DT(fdt_end_node(buf));
		DT(fdt_end_node(buf));
	}
	DT(fdt_end_node(buf));
	DT(fdt_end_node(buf));
	DT(fdt_finish(buf));
#undef DT
	return ret;
}

#define T_IMAGE_ORDER	2		/* 4 pages: image, DTB at page 2 */
#define T_DTB_OFFSET	(2 * PAGE_SIZE)
#define T_DTB_SIZE	(2 * PAGE_SIZE)

struct t_image {
	struct page *pages;
	u32 handle;
};

/* Write a devicetree into fresh pages and lend them to @vmid, label 0. */
static int t_image_lend(struct t_ctx *c, u16 vmid, unsigned int n_cpus,
			unsigned int dt_flags, struct t_image *img)
{
	struct t_acl acl = { vmid, GUNYAH_RM_ACL_RWX };
	u64 phys, size = PAGE_SIZE << T_IMAGE_ORDER;
	int ret;

	img->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
	if (!img->pages)
		return -ENOMEM;
	ret = t_build_dt(page_address(img->pages) + T_DTB_OFFSET, T_DTB_SIZE,
			 n_cpus, dt_flags);
	KUNIT_EXPECT_EQ(c->test, ret, 0);
	phys = page_to_phys(img->pages);
	ret = t_mem(c, true, 0, 0, &acl, 1, &phys, &size, 1, &img->handle);
	if (ret)
		__free_pages(img->pages, T_IMAGE_ORDER);
	return ret;
}

static void t_image_free(struct t_image *img)
{
	__free_pages(img->pages, T_IMAGE_ORDER);
}

/* ---- Setup --------------------------------------------------------------- */

static void t_tx_ready(struct gunyah_rm_sim *sim)
{
	/* t_send_raw() polls instead. */
}

static int t_init(struct kunit *test)
{
	struct gunyah_rm_transport *t;
	struct device *dev;
	struct t_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);

	dev = kunit_device_register(test, "gunyah-rm-sim-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	t = gunyah_rm_sim_create(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	c->sim = container_of(t, struct gunyah_rm_sim, t);
	/* No RPC core: the test is the host. */
	c->sim->hook_data = c;
	c->sim->deliver = t_deliver;
	c->sim->tx_ready = t_tx_ready;
	test->priv = c;
	return 0;
}

static void t_exit(struct kunit *test)
{
	struct t_ctx *c = test->priv;

	/* No test leaves anything behind in the RM. */
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, t_n_vms(c), 0);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 0);
}

/* ---- Tests: framing ---------------------------------------------------- */

static void rm_sim_test_get_vmid(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	__le32 vmid = 0;
	size_t len = sizeof(vmid);

	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
				     &vmid, &len), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(vmid));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(vmid), RM_SIM_HOST_VMID);
	/* Unknown calls are unimplemented, a payload where none goes invalid. */
	KUNIT_EXPECT_EQ(test, t_call(c, 0x56000099, NULL, 0, NULL, NULL),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_VMID, &vmid, 4,
				     NULL, NULL), -EINVAL);
}

static void rm_sim_test_malformed(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	u8 msg[GUNYAH_RM_MSG_SIZE] = { };
	struct gunyah_rm_hdr *h = (void *)msg;
	u64 dropped = c->sim->stats.dropped;
	unsigned int n_msgs;

	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_GET_VMID);
	/* Wrong API version / header size. */
	h->api = 0x11;
	h->type = GUNYAH_RM_TYPE_REQUEST;
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 8, true), 0);
	/* 63 continuations announced. */
	h->api = 0x21;
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 63);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, true), 0);
	/* A continuation of nothing. */
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, true), 0);
	/* A reply and a notification from the host. */
	h->type = GUNYAH_RM_TYPE_REPLY;
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 12, true), 0);
	h->type = GUNYAH_RM_TYPE_NOTIF;
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 12, true), 0);
	/* Message id 0, and a message shorter than its header. */
	h->type = GUNYAH_RM_TYPE_REQUEST;
	h->msg_id = 0;
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 8, true), 0);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 4, true), 0);
	/* Too long for the queue. */
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, GUNYAH_RM_MSG_SIZE + 1, true),
			-EINVAL);
	/* A continuation with another msg_id aborts the request. */
	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_GET_VMID);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 1);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, false), 0);
	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_ALLOC_VMID);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 12, true), 0);
	/* A short first fragment of a fragmented request. */
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 1);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 100, false), 0);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, t_send_raw(c, msg, 12, true), 0);

	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	n_msgs = c->n_msgs;
	spin_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, n_msgs, 0);
	/* 7 bad single messages, then 2 + 1 + 1 for the interrupted ones. */
	KUNIT_EXPECT_EQ(test, c->sim->stats.dropped - dropped, 11);
	/* The RM still answers. */
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
				     NULL, NULL), 0);
}

/* A request of 36 messages, reassembled. */
static void rm_sim_test_fragments(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	unsigned int n = GUNYAH_RM_MAX_MEM_ENTRIES, i;
	struct t_acl acl[2];
	struct page *pages;
	u64 *phys;
	u32 handle;
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	pages = alloc_pages(GFP_KERNEL, 10);	/* 1024 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = kunit_kcalloc(test, n, sizeof(*phys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, phys);
	/* Every other page, so no two entries touch. */
	for (i = 0; i < n; i++)
		phys[i] = page_to_phys(pages) + 2 * i * PAGE_SIZE;
	acl[0] = (struct t_acl){ vmid, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W };
	acl[1] = (struct t_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	/* 8 + 3 * 4 + 8 + 512 * 16 bytes: 36 messages. */
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 7, acl, 2, phys, NULL, n,
				    &handle), 0);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 1);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, handle)->n_pages, n);
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	__free_pages(pages, 10);
}

/* The TX queue holds 8 messages; the 9th waits. */
static void rm_sim_test_flow_control(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	u8 msg[GUNYAH_RM_HDR_SIZE];
	struct gunyah_rm_hdr *h = (void *)msg;
	unsigned int sent = 0, n_msgs;
	u64 tx_full = c->sim->stats.tx_full;
	int ret;

	h->api = GUNYAH_RM_HDR_API;
	h->type = GUNYAH_RM_TYPE_REQUEST;
	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_GET_VMID);
	/* Hold the RM in its first request so the queue fills up. */
	mutex_lock(&c->sim->lock);
	do {
		h->seq = cpu_to_le16(sent);
		ret = c->sim->t.send(&c->sim->t, msg, sizeof(msg), true);
		if (!ret)
			sent++;
	} while (!ret && sent < 20);
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_GE(test, sent, RM_SIM_TXQ_DEPTH);
	KUNIT_EXPECT_LE(test, sent, RM_SIM_TXQ_DEPTH + 1);
	KUNIT_EXPECT_EQ(test, c->sim->stats.tx_full - tx_full, 1);

	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	n_msgs = c->n_msgs;
	spin_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, n_msgs, sent);
}

/* ---- Tests: VMs -------------------------------------------------------- */

static void rm_sim_test_lifecycle(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct {
		__le32 n;
		struct gunyah_rm_hyp_resource e[RM_SIM_MAX_VCPUS];
	} __packed res;
	size_t len = sizeof(res);
	struct t_image img;
	unsigned int i;
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_LOAD);
	KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, RM_SIM_MAX_VCPUS, 0, &img), 0);

	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
					     GUNYAH_RM_VM_STATUS_INIT), 1);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
					     GUNYAH_RM_VM_STATUS_READY), 1);

	{
		struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

		KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES,
					     &r, sizeof(r), &res, &len), 0);
	}
	/* 4 + 8 * 40 bytes after the error code: a reply in two messages. */
	KUNIT_EXPECT_EQ(test, len, sizeof(res));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res.n), RM_SIM_MAX_VCPUS);
	for (i = 0; i < RM_SIM_MAX_VCPUS; i++) {
		KUNIT_EXPECT_EQ(test, res.e[i].type, GUNYAH_RESOURCE_TYPE_VCPU);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(res.e[i].resource_label), i);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(res.e[i].partner_vmid), vmid);
		if (i) {
			KUNIT_EXPECT_NE(test, le64_to_cpu(res.e[i].cap_id),
					le64_to_cpu(res.e[i - 1].cap_id));
			KUNIT_EXPECT_NE(test, le32_to_cpu(res.e[i].virq),
					le32_to_cpu(res.e[i - 1].virq));
		}
	}

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_MEM_ACCEPTED, 0,
					     img.handle), 1);
	/* Accepted by the guest: the RM keeps it. */
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), -EBUSY);

	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
					     GUNYAH_RM_VM_EXIT_STOP_FORCED), 1);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), -EBUSY);

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
					     GUNYAH_RM_VM_STATUS_RESETTING), 1);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_MEM_RELEASED, 0,
					     img.handle), 1);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
					     GUNYAH_RM_VM_STATUS_RESET), 1);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, GUNYAH_RM_MEM_RECLAIM_SANITIZE), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(img.pages), 0,
					    PAGE_SIZE << T_IMAGE_ORDER));
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	t_image_free(&img);
}

static void rm_sim_test_wrong_state(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_image img;
	int vmid;

	/* Static vmids: 4..31, each once; dynamic ones from 0x80. */
	KUNIT_EXPECT_EQ(test, t_alloc(c, 5), 5);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 5), -ENOSPC);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 3), -ENOSPC);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 32), -ENOSPC);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 0x80), -ENOSPC);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, 5), 0);
	/* Unknown VMs. */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, 0x99), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, 0x99), -EINVAL);

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	/* LOAD */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, vmid), -EBUSY);
	KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, 1, 0, &img), 0);
	/* Bad image arguments. */
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle + 100, T_DTB_OFFSET,
				       T_DTB_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET + 8,
				       T_DTB_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE + PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE), 0);
	/* INIT */
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	/* READY */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	/* RUNNING */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, 0x80), -EINVAL);
	/* Without FORCE only the guest is asked; it does not answer. */
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	/* EXITED */
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	/* RESET */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EINVAL);
	t_image_free(&img);
}

static const unsigned int t_bad_dts[] = {
	DT_NO_VCPUS, DT_NO_IMAGE_NAME, DT_HYPERVISOR, DT_MEMORY_AT,
	DT_NO_CHOSEN, DT_NO_GIC, DT_LONG_NAME, DT_NO_BASE,
	DT_STATIC_AFFINITY, DT_SECONDARY_NO_PSCI,
};

/* Each broken vm-config makes VM_INIT fail; the VM can then be reset. */
static void rm_sim_test_init_failed(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_image img;
	unsigned int i;
	int vmid;

	for (i = 0; i < ARRAY_SIZE(t_bad_dts); i++) {
		vmid = t_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, 2, t_bad_dts[i], &img), 0);
		KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
					       T_DTB_SIZE), 0);
		KUNIT_EXPECT_EQ_MSG(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid),
				    -EINVAL, "dt flags %#x", t_bad_dts[i]);
		KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_INIT_FAILED);
		KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						     GUNYAH_RM_VM_STATUS_INIT_FAILED), 1);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
		/* Never accepted: it can be taken back before the reset. */
		KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		t_image_free(&img);
		t_clear_notifs(c);
	}

	/* Not a devicetree at all, and one larger than dtb_size. */
	for (i = 0; i < 2; i++) {
		void *dtb;

		vmid = t_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		img.pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
		KUNIT_ASSERT_NOT_NULL(test, img.pages);
		dtb = page_address(img.pages) + T_DTB_OFFSET;
		if (i) {
			KUNIT_EXPECT_EQ(test, t_build_dt(dtb, T_DTB_SIZE, 1, 0), 0);
			fdt_set_totalsize(dtb, T_DTB_SIZE + 1);
		}
		{
			struct t_acl acl = { vmid, GUNYAH_RM_ACL_RWX };
			u64 phys = page_to_phys(img.pages);
			u64 size = PAGE_SIZE << T_IMAGE_ORDER;

			KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 0, &acl, 1, &phys,
						    &size, 1, &img.handle), 0);
		}
		KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
					       T_DTB_SIZE), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EINVAL);
		KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		t_image_free(&img);
	}
}

/* The image parcel must be lent to the VM alone, RWX, label 0. */
static void rm_sim_test_image_rules(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_acl acl[2];
	struct page *page;
	u64 phys, size = PAGE_SIZE << T_IMAGE_ORDER;
	u32 handle;
	int vmid, other;

	vmid = t_alloc(c, 0);
	other = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_ASSERT_GT(test, other, 0);
	page = alloc_pages(GFP_KERNEL, T_IMAGE_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, page);
	phys = page_to_phys(page);

	acl[0] = (struct t_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct t_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	/* Shared. */
	KUNIT_ASSERT_EQ(test, t_mem(c, false, 0, 0, acl, 2, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	/* Label not 0. */
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 3, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	/* Not RWX. */
	acl[0].perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W;
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 0, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	/* Two receivers. */
	acl[0].perms = GUNYAH_RM_ACL_RWX;
	acl[1] = (struct t_acl){ other, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 0, acl, 2, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	/* Lent to another VM. */
	acl[0] = (struct t_acl){ other, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 0, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_config(c, other, handle, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, other), -EBUSY);
	/* INIT -> INIT_FAILED (reclaimed image) -> RESET, then freed. */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, other), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, other), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, other), 0);
	__free_pages(page, T_IMAGE_ORDER);
}

static void rm_sim_test_boot_context(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct gunyah_rm_vm_boot_context_req r = { .reg_set = 1 };
	struct t_image img;
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	r.vmid = cpu_to_le16(vmid);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
				     sizeof(r), NULL, NULL), -EOPNOTSUPP);
	mutex_lock(&c->sim->lock);
	c->sim->boot_context = true;
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
				     sizeof(r), NULL, NULL), -EBUSY);
	KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, 1, 0, &img), 0);
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
				     sizeof(r), NULL, NULL), 0);
	r.reg_set = 0;
	r.reg_index = 31;
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
				     sizeof(r), NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	t_image_free(&img);
}

/* ---- Tests: parcels ------------------------------------------------------ */

static void rm_sim_test_parcel_rules(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_acl acl[3];
	struct page *pages;
	u64 phys[2], sizes[2];
	u32 handle, h2;
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys[0] = page_to_phys(pages);
	acl[0] = (struct t_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct t_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };

	/* Lend with the owner in the ACL; share without it; only the owner. */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 2, phys, NULL, 1, &handle), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 1, acl, 1, phys, NULL, 1, &handle), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 1, acl + 1, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Empty ACL, duplicate vmids, unknown vmid, bad rights. */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 0, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = acl[0];
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 1, acl, 3, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = (struct t_acl){ 0x99, GUNYAH_RM_ACL_R };
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 1, acl, 3, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = (struct t_acl){ vmid, 0 };
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl + 2, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Empty SGL, unaligned, zero size, beyond 2^44, not RAM. */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys, NULL, 0, &handle), -EINVAL);
	phys[1] = phys[0] + 0x10;
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	sizes[0] = 0;
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys, sizes, 1, &handle), -EINVAL);
	phys[1] = BIT_ULL(44);
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	phys[1] = 0;	/* flash on QEMU's virt machine, never RAM */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	/* Unknown flags. */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0x80, 1, acl, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Overlap within a parcel. */
	phys[1] = phys[0];
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys, NULL, 2, &handle), -EINVAL);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&c->sim->ranges));
	mutex_unlock(&c->sim->lock);

	/* Overlap with a live parcel: a page inside a 4-page parcel. */
	sizes[0] = 4 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 1, acl, 1, phys, sizes, 1, &handle), 0);
	phys[1] = phys[0] + 3 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 2, acl, 2, phys + 1, NULL, 1, &h2), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_mem(c, false, 0, 2, acl, 2, phys + 1, NULL, 1, &h2), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, 0x12345, 0), -EINVAL);

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	__free_pages(pages, 2);
}

/* At most 64 live parcels for the host, across all its VMs. */
static void rm_sim_test_parcel_limit(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	unsigned int n = GUNYAH_RM_MAX_PARCELS_PER_OWNER, i;
	struct page *pages;
	u32 *handles, extra;
	int vm1, vm2;

	vm1 = t_alloc(c, 0);
	vm2 = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vm1, 0);
	KUNIT_ASSERT_GT(test, vm2, 0);
	pages = alloc_pages(GFP_KERNEL, 7);	/* 128 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	handles = kunit_kcalloc(test, n, sizeof(*handles), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, handles);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, t_lend1(c, i % 2 ? vm1 : vm2,
					      page_to_phys(pages + i), &handles[i]), 0);
	KUNIT_EXPECT_EQ(test, t_lend1(c, vm1, page_to_phys(pages + n), &extra), -EPERM);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, n);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handles[0], 0), 0);
	KUNIT_EXPECT_EQ(test, t_lend1(c, vm1, page_to_phys(pages + n), &handles[0]), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, t_reclaim(c, handles[i], 0), 0);

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vm1), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vm2), 0);
	__free_pages(pages, 7);
}

/* More than 512 entries need MEM_APPEND; only an open parcel takes it. */
static void rm_sim_test_append(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	unsigned int n = 600, i;
	struct t_acl acl;
	struct page *pages;
	u32 handle, h2;
	u64 *phys;
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	acl = (struct t_acl){ vmid, GUNYAH_RM_ACL_RWX };
	pages = alloc_pages(GFP_KERNEL, 10);	/* 1024 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = kunit_kcalloc(test, n, sizeof(*phys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, phys);
	/* Pages 600 down to 1: neighbours, but no two the same. */
	for (i = 0; i < n; i++)
		phys[i] = page_to_phys(pages) + (n - i) * PAGE_SIZE;

	/* 513 entries at once: too many. */
	KUNIT_EXPECT_EQ(test, t_mem(c, true, 0, 0, &acl, 1, phys, NULL, 513, &handle),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, t_mem(c, true, GUNYAH_RM_MEM_SHARE_APPEND, 0, &acl, 1,
				    phys, NULL, 512, &handle), 0);
	/* Open: not usable as an image, nor accepted at VM_START. */
	KUNIT_EXPECT_EQ(test, t_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_append(c, handle, 0, phys + 512, 50), 0);
	/* A page already in the parcel. */
	KUNIT_EXPECT_EQ(test, t_append(c, handle, 0, phys, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_append(c, handle, GUNYAH_RM_MEM_APPEND_END,
				       phys + 562, 38), 0);
	KUNIT_EXPECT_EQ(test, t_append(c, handle, GUNYAH_RM_MEM_APPEND_END,
				       phys + 599, 0), -EPERM);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, handle)->n_pages, n);
	mutex_unlock(&c->sim->lock);

	/* A parcel created without APPEND cannot be appended to. */
	KUNIT_ASSERT_EQ(test, t_lend1(c, vmid, page_to_phys(pages), &h2), 0);
	KUNIT_EXPECT_EQ(test, t_append(c, h2, 0, phys + 599, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, t_append(c, 0x4321, 0, phys, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, handle, 0), 0);
	/* Reclaiming an open parcel is how a failed append is undone. */
	KUNIT_ASSERT_EQ(test, t_mem(c, true, GUNYAH_RM_MEM_SHARE_APPEND, 0, &acl, 1,
				    phys, NULL, 1, &h2), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	__free_pages(pages, 10);
}

/* ---- Tests: guest actions, faults, counters ------------------------------ */

static void rm_sim_test_guest(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_acl acl[2];
	struct t_image img;
	struct page *page;
	u32 shm;
	u64 phys;
	char cmd[64];
	int vmid;

	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, 1, 0, &img), 0);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	phys = page_to_phys(page);
	acl[0] = (struct t_acl){ vmid, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W };
	acl[1] = (struct t_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };

	KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
				       T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	/* Shared after VM_START: the guest has to accept it. */
	KUNIT_ASSERT_EQ(test, t_mem(c, false, 0, 5, acl, 2, &phys, NULL, 1, &shm), 0);
	snprintf(cmd, sizeof(cmd), "release %u", shm);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	snprintf(cmd, sizeof(cmd), "accept %u", shm);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, shm, 0), -EBUSY);
	snprintf(cmd, sizeof(cmd), "release %#x %d", shm, vmid);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_MEM_RELEASED, 0, shm), 1);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, shm, 0), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -ENOENT);

	/* The guest powers off. */
	snprintf(cmd, sizeof(cmd), "exit %d 1 0x2a", vmid);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
					     GUNYAH_RM_VM_EXIT_PLATFORM_OFF), 1);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	snprintf(cmd, sizeof(cmd), "accept %u", img.handle);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);

	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "exit 128 1 0"), -ENOENT);
	__free_page(page);
	t_image_free(&img);
}

static void rm_sim_test_bad_commands(struct kunit *test)
{
	static const char * const bad[] = {
		"", " ", "accept", "accept x", "accept 1 2 3", "release",
		"exit 1 2", "exit 70000 1 1", "exit 1 70000 1", "exit -1 1 1",
		"fail 0x56000001 1", "fail 0x56000001 0 5",
		"fail 0x56000001 1 0", "fail 0 1 5", "drop 0x56000001",
		"drop 0x56000001 0", "clear 1", "bogus", "accept 4294967296",
		"fail 1 2 3 4 5 6",
	};
	struct t_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, rm_sim_command(c->sim, bad[i]), -EINVAL,
				    "command \"%s\"", bad[i]);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "accept 77"), -ENOENT);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "clear"), 0);
}

static void rm_sim_test_faults(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	char cmd[64];
	int vmid;

	/* The 2nd VM_ALLOCATE from now fails, without effect. */
	snprintf(cmd, sizeof(cmd), "fail %#x 2 %#x", GUNYAH_RM_RPC_VM_ALLOC_VMID,
		 GUNYAH_RM_ERROR_NOMEM);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	vmid = t_alloc(c, 0);
	KUNIT_EXPECT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, t_n_vms(c), 1);
	KUNIT_EXPECT_EQ(test, t_alloc(c, 0), RM_SIM_DYN_VMID_MIN + 1);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID,
				   RM_SIM_DYN_VMID_MIN + 1), 0);

	/* Any RM error, including ones the RPC core does not know. */
	snprintf(cmd, sizeof(cmd), "fail %#x 1 0x14", GUNYAH_RM_RPC_VM_DEALLOC_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	snprintf(cmd, sizeof(cmd), "fail %#x 1 0x77", GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0, NULL, NULL),
			-EBADMSG);

	/* Dropped reply: the call has its effect but no answer comes. */
	snprintf(cmd, sizeof(cmd), "drop %#x 1", GUNYAH_RM_RPC_VM_DEALLOC_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	{
		struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

		KUNIT_EXPECT_EQ(test, t_call_timeout(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID,
						     &r, sizeof(r), NULL, NULL,
						     HZ / 5), -ETIMEDOUT);
	}
	KUNIT_EXPECT_EQ(test, t_n_vms(c), 0);
	KUNIT_EXPECT_EQ(test, c->sim->stats.faults_hit, 4);

	/* Armed and cleared: nothing fires. */
	snprintf(cmd, sizeof(cmd), "fail %#x 1 3", GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, "clear"), 0);
	KUNIT_EXPECT_EQ(test, t_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0, NULL, NULL), 0);
}

/* A failed VM_INIT or VM_START leaves the VM in INIT_FAILED, resettable. */
static void rm_sim_test_fault_creation(struct kunit *test)
{
	static const u32 calls[] = { GUNYAH_RM_RPC_VM_INIT, GUNYAH_RM_RPC_VM_START };
	struct t_ctx *c = test->priv;
	struct t_image img;
	unsigned int i;
	char cmd[64];
	int vmid;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		vmid = t_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		KUNIT_ASSERT_EQ(test, t_image_lend(c, vmid, 1, 0, &img), 0);
		KUNIT_EXPECT_EQ(test, t_config(c, vmid, img.handle, T_DTB_OFFSET,
					       T_DTB_SIZE), 0);
		if (calls[i] == GUNYAH_RM_RPC_VM_START)
			KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
		snprintf(cmd, sizeof(cmd), "fail %#x 1 %#x", calls[i],
			 GUNYAH_RM_ERROR_NORESOURCE);
		KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, calls[i], vmid), -ENOSPC);
		KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_INIT_FAILED);
		KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						     GUNYAH_RM_VM_STATUS_INIT_FAILED), 1);
		/* Without effect otherwise: nothing was accepted. */
		KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		t_image_free(&img);
		t_clear_notifs(c);
	}
}

static void rm_sim_test_counters(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct seq_file s = { };
	struct t_acl acl[2];
	struct page *pages;
	u64 phys, size = 3 * PAGE_SIZE, phys2;
	u32 h1, h2;
	char want[64];
	int vmid;

	s.size = PAGE_SIZE;
	s.buf = kunit_kzalloc(test, s.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.buf);
	vmid = t_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	pages = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = page_to_phys(pages);
	phys2 = phys + 4 * PAGE_SIZE;
	acl[0] = (struct t_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct t_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, t_mem(c, true, 0, 1, acl, 1, &phys, &size, 1, &h1), 0);
	KUNIT_ASSERT_EQ(test, t_mem(c, false, 0, 2, acl, 2, &phys2, NULL, 1, &h2), 0);

	rm_sim_counters_show(c->sim, &s);
	KUNIT_EXPECT_EQ(test, strncmp(s.buf, "vms 1\n", 6), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\nparcels 2\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\npages_lent 3\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\npages_shared 1\n"));
	snprintf(want, sizeof(want), "\nvm.%d.lent_pages 3\n", vmid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));
	snprintf(want, sizeof(want), "\nvm.%d.shared_pages 1\n", vmid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));
	snprintf(want, sizeof(want), "\nvm.%d.state %d\n", vmid, GUNYAH_RM_VM_STATUS_LOAD);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));

	KUNIT_EXPECT_EQ(test, t_reclaim(c, h1, 0), 0);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	s.count = 0;
	rm_sim_counters_show(c->sim, &s);
	KUNIT_EXPECT_EQ(test, strncmp(s.buf, "vms 0\nparcels 0\n", 16), 0);
	KUNIT_EXPECT_NULL(test, strstr(s.buf, "vm."));
	__free_pages(pages, 3);
}

/* ---- Tests: the simulated hypervisor ----------------------------------- */

struct t_res {
	__le32 n;
	struct gunyah_rm_hyp_resource e[RM_SIM_MAX_VCPUS + 2];
} __packed;

/* A counter of the counters file, or -1 if it is not there. */
static __printf(2, 3) long long t_counter(struct t_ctx *c, const char *fmt, ...)
{
	struct seq_file s = { };
	char key[64], *p;
	long long val = -1;
	va_list ap;

	va_start(ap, fmt);
	key[0] = '\n';
	vsnprintf(key + 1, sizeof(key) - 2, fmt, ap);
	va_end(ap);
	strcat(key, " ");
	s.size = 2 * PAGE_SIZE;
	s.buf = kzalloc(s.size, GFP_KERNEL);
	if (!s.buf)
		return -1;
	rm_sim_counters_show(c->sim, &s);
	p = strstr(s.buf, key);
	if (p && sscanf(p + strlen(key), "%lld", &val) != 1)
		val = -1;
	kfree(s.buf);
	return val;
}

/* A VM with @n_cpus vCPUs and the doorbells, through VM_INIT. */
static int t_vm_ready(struct t_ctx *c, unsigned int n_cpus, struct t_image *img,
		      struct t_res *res)
{
	struct gunyah_rm_vm_common_req r = { };
	size_t len = sizeof(*res);
	int vmid, ret;

	vmid = t_alloc(c, 0);
	if (vmid < 0)
		return vmid;
	r.vmid = cpu_to_le16(vmid);
	ret = t_image_lend(c, vmid, n_cpus, DT_BELLS, img);
	if (!ret)
		ret = t_config(c, vmid, img->handle, T_DTB_OFFSET, T_DTB_SIZE);
	if (!ret)
		ret = t_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid);
	if (!ret)
		ret = t_call(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, &r, sizeof(r),
			     res, &len);
	if (!ret && len != sizeof(res->n) + (n_cpus + 2) * sizeof(res->e[0]))
		ret = -EBADMSG;
	return ret ? ret : vmid;
}

/* Undo t_vm_ready() (after VM_START or not). */
static void t_vm_gone(struct t_ctx *c, int vmid, struct t_image *img)
{
	KUNIT_EXPECT_EQ(c->test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(c->test, t_reclaim(c, img->handle, 0), 0);
	KUNIT_EXPECT_EQ(c->test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	t_image_free(img);
}

static int t_run(struct t_ctx *c, u64 capid, u64 read_value,
		 struct gunyah_hypercall_vcpu_run_resp *resp)
{
	/* As the hypervisor takes them: the value read, then the action. */
	const u64 resume[3] = { read_value, GUNYAH_VCPU_RESUME_EMULATE, 0 };

	return c->sim->t.hyp->vcpu_run(&c->sim->t, capid, resume, resp);
}

static __printf(2, 3) int t_cmd(struct t_ctx *c, const char *fmt, ...)
{
	char cmd[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return rm_sim_command(c->sim, cmd);
}

static void rm_sim_test_vcpu_script(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct t_image img;
	struct t_res res;
	u64 cap0, cap1, bell_a, bell_b;
	int vmid;

	vmid = t_vm_ready(c, 2, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);

	/* The vCPUs, then the doorbells: BELL_TX, their labels, no virq. */
	KUNIT_ASSERT_EQ(test, le32_to_cpu(res.n), 4);
	KUNIT_EXPECT_EQ(test, res.e[0].type, GUNYAH_RESOURCE_TYPE_VCPU);
	KUNIT_EXPECT_EQ(test, res.e[1].type, GUNYAH_RESOURCE_TYPE_VCPU);
	KUNIT_EXPECT_EQ(test, res.e[2].type, GUNYAH_RESOURCE_TYPE_BELL_TX);
	KUNIT_EXPECT_EQ(test, res.e[3].type, GUNYAH_RESOURCE_TYPE_BELL_TX);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res.e[2].resource_label), T_BELL_A);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res.e[3].resource_label), T_BELL_B);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res.e[2].virq), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(res.e[2].partner_vmid), vmid);
	KUNIT_EXPECT_GE(test, le32_to_cpu(res.e[0].virq), RM_SIM_VIRQ_BASE);
	cap0 = le64_to_cpu(res.e[0].cap_id);
	cap1 = le64_to_cpu(res.e[1].cap_id);
	bell_a = le64_to_cpu(res.e[2].cap_id);
	bell_b = le64_to_cpu(res.e[3].cap_id);
	KUNIT_EXPECT_NE(test, cap0, cap1);
	KUNIT_EXPECT_NE(test, bell_a, bell_b);
	KUNIT_EXPECT_NE(test, bell_a, cap0);
	KUNIT_EXPECT_NE(test, bell_a, cap1);
	KUNIT_EXPECT_NE(test, bell_b, cap1);

	/* Not running yet; a doorbell is no vCPU, nor is an unknown cap. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), -EPERM);
	KUNIT_EXPECT_EQ(test, t_run(c, bell_a, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_run(c, 0xdead, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);

	/* Idle. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);

	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_write 0x9000010 4 0xabcd", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_read 0x9000020 2", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 fault", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.script", vmid), 3);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu1.script", vmid), 0);

	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
	KUNIT_EXPECT_EQ(test, resp.state_data[0], 0x9000010);
	KUNIT_EXPECT_EQ(test, resp.state_data[1], 4);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0xabcd);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ);
	KUNIT_EXPECT_EQ(test, resp.state_data[0], 0x9000020);
	KUNIT_EXPECT_EQ(test, resp.state_data[1], 2);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0);
	/* The read finishes with this run's resume data. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0x55aa, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_FAULT);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.last_read", vmid), 0x55aa);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0x1234, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.last_read", vmid), 0x55aa);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.runs", vmid), 5);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.script", vmid), 0);

	/* Malformed, or for nothing. */
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_write 0 3 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_write 0 1 0x100", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_write 0 16 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_read 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 fault 1", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 wake 1", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 bogus", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu 70000 0 fault"), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 2 fault", vmid), -ENOENT);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu 200 0 fault"), -ENOENT);

	/* PSCI SYSTEM_OFF from vCPU 1: the VM exits, every run says so. */
	t_clear_notifs(c);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 1 poweroff", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 1 fault", vmid), 0);
	/* The caller sees itself off, not exited, as on the public hypervisor. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap1, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_POWERED_OFF);
	KUNIT_EXPECT_EQ(test, resp.state_data[0] & BIT(0), 0);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
					     GUNYAH_RM_VM_STATUS_EXITED), 1);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
					     GUNYAH_RM_VM_EXIT_PLATFORM_OFF), 1);
	/* Killed with the VM, it has nothing left to run. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap1, 0, &resp), -EBUSY);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_POWERED_OFF);
	KUNIT_EXPECT_EQ(test, resp.state_data[0] & BIT(0), 1);
	/* Only one exit. */
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid, -1), 1);

	/* After VM_RESET the capabilities name nothing. */
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->sim->t.hyp->bell_send(&c->sim->t, bell_a, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 fault", vmid), -ENOENT);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.runs", vmid), -1);
	KUNIT_EXPECT_EQ(test, t_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	t_image_free(&img);
}

struct t_irq {
	struct completion done;
	atomic_t count;
};

static irqreturn_t t_irq_handler(int irq, void *data)
{
	struct t_irq *ti = data;

	atomic_inc(&ti->count);
	complete(&ti->done);
	return IRQ_HANDLED;
}

/* Whether the vCPU's wake-up interrupt came (within @timeout). */
static bool t_irq_came(struct t_irq *ti, unsigned long timeout)
{
	bool came = wait_for_completion_timeout(&ti->done, timeout);

	reinit_completion(&ti->done);
	return came;
}

static void rm_sim_test_vcpu_wakeup(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	const struct gunyah_hyp_ops *hyp = c->sim->t.hyp;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct t_image img;
	struct t_irq ti;
	struct t_res res;
	u64 cap0, bell_a;
	int vmid, irq;

	init_completion(&ti.done);
	atomic_set(&ti.count, 0);
	vmid = t_vm_ready(c, 1, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	cap0 = le64_to_cpu(res.e[0].cap_id);
	bell_a = le64_to_cpu(res.e[1].cap_id);
	KUNIT_EXPECT_EQ(test, hyp->virq_to_irq(&c->sim->t, 3), -EINVAL);
	irq = hyp->virq_to_irq(&c->sim->t, le32_to_cpu(res.e[0].virq));
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_EXPECT_EQ(test, hyp->virq_to_irq(&c->sim->t,
					       le32_to_cpu(res.e[0].virq)), irq);
	KUNIT_ASSERT_EQ(test, request_irq(irq, t_irq_handler, 0, "rm-sim-test",
					  &ti), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);

	/* Idle: the next entry wakes it. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 block", vmid), 0);
	KUNIT_EXPECT_TRUE(test, t_irq_came(&ti, T_TIMEOUT));

	/* Blocked: asleep whatever is queued, until a doorbell rings. */
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.asleep", vmid), 1);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 mmio_write 0x1000 8 %#llx", vmid,
				    0x0123456789abcdefULL), 0);
	KUNIT_EXPECT_FALSE(test, t_irq_came(&ti, HZ / 20));
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, hyp->bell_send(&c->sim->t, cap0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hyp->bell_send(&c->sim->t, bell_a, 5), 0);
	KUNIT_EXPECT_TRUE(test, t_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.bell%d.rings", vmid, T_BELL_A), 1);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.bell%d.flags", vmid, T_BELL_A), 5);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.bell%d.rings", vmid, T_BELL_B), 0);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0x0123456789abcdefULL);

	KUNIT_EXPECT_EQ(test, hyp->bell_set_mask(&c->sim->t, bell_a, 3, 1), 0);
	KUNIT_EXPECT_EQ(test, hyp->bell_set_mask(&c->sim->t, 0xdead, 3, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.bell%d.enable_mask", vmid, T_BELL_A), 3);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.bell%d.ack_mask", vmid, T_BELL_A), 1);

	/* Blocked again; "wake" wakes it. */
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 block", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_FALSE(test, t_irq_came(&ti, HZ / 20));
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 wake", vmid), 0);
	KUNIT_EXPECT_TRUE(test, t_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.asleep", vmid), 0);

	/* PSCI SYSTEM_RESET. */
	t_clear_notifs(c);
	KUNIT_EXPECT_EQ(test, t_cmd(c, "vcpu %d 0 reset", vmid), 0);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET);
	KUNIT_EXPECT_EQ(test, t_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, t_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
					     GUNYAH_RM_VM_EXIT_RESET), 1);
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu0.wakeups", vmid), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&ti.count), 3);

	free_irq(irq, &ti);
	t_vm_gone(c, vmid, &img);
}

/* A forced stop wakes a waiting vCPU, whose runs then fail. */
static void rm_sim_test_vcpu_stop(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct t_image img;
	struct t_irq ti;
	struct t_res res;
	u64 cap0;
	int vmid, irq;

	init_completion(&ti.done);
	atomic_set(&ti.count, 0);
	vmid = t_vm_ready(c, 1, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	cap0 = le64_to_cpu(res.e[0].cap_id);
	irq = c->sim->t.hyp->virq_to_irq(&c->sim->t, le32_to_cpu(res.e[0].virq));
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_ASSERT_EQ(test, request_irq(irq, t_irq_handler, 0, "rm-sim-test",
					  &ti), 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	KUNIT_EXPECT_TRUE(test, t_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, t_run(c, cap0, 0, &resp), -EPERM);
	free_irq(irq, &ti);
	t_vm_gone(c, vmid, &img);
}

struct t_runner {
	struct t_ctx *c;
	u64 capid;
	unsigned int writes;
	int err;
	struct completion done;
};

/* Run a vCPU until it has seen T_RUNS writes, or an error. */
#define T_RUNS	200

static int t_runner_fn(void *data)
{
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct t_runner *r = data;

	while (r->writes < T_RUNS && !r->err) {
		r->err = t_run(r->c, r->capid, 0, &resp);
		if (resp.state == GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE)
			r->writes++;
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/* vcpu_run of two vCPUs at once, while their scripts are fed. */
static void rm_sim_test_vcpu_concurrent(struct kunit *test)
{
	struct t_ctx *c = test->priv;
	struct t_runner r[2];
	struct task_struct *task;
	struct t_image img;
	struct t_res res;
	unsigned int i, j;
	int vmid;

	vmid = t_vm_ready(c, 2, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_EXPECT_EQ(test, t_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	for (i = 0; i < 2; i++) {
		r[i] = (struct t_runner){ .c = c, .capid = le64_to_cpu(res.e[i].cap_id) };
		init_completion(&r[i].done);
		task = kthread_run(t_runner_fn, &r[i], "rm-sim-vcpu%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (j = 0; j < T_RUNS; j++) {
		for (i = 0; i < 2; i++) {
			while (t_cmd(c, "vcpu %d %u mmio_write 0x1000 4 %u", vmid, i, j) ==
			       -ENOSPC)
				usleep_range(100, 200);
		}
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r[i].done,
								    10 * T_TIMEOUT));
		KUNIT_EXPECT_EQ(test, r[i].err, 0);
		KUNIT_EXPECT_EQ(test, r[i].writes, T_RUNS);
	}
	KUNIT_EXPECT_EQ(test, t_counter(c, "vm.%d.vcpu1.script", vmid), 0);
	KUNIT_EXPECT_GE(test, t_counter(c, "vm.%d.vcpu1.runs", vmid), T_RUNS);
	KUNIT_EXPECT_EQ(test, t_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	t_vm_gone(c, vmid, &img);
}

static struct kunit_case rm_sim_test_cases[] = {
	KUNIT_CASE(rm_sim_test_get_vmid),
	KUNIT_CASE(rm_sim_test_malformed),
	KUNIT_CASE(rm_sim_test_fragments),
	KUNIT_CASE(rm_sim_test_flow_control),
	KUNIT_CASE(rm_sim_test_lifecycle),
	KUNIT_CASE(rm_sim_test_wrong_state),
	KUNIT_CASE(rm_sim_test_init_failed),
	KUNIT_CASE(rm_sim_test_image_rules),
	KUNIT_CASE(rm_sim_test_boot_context),
	KUNIT_CASE(rm_sim_test_parcel_rules),
	KUNIT_CASE(rm_sim_test_parcel_limit),
	KUNIT_CASE(rm_sim_test_append),
	KUNIT_CASE(rm_sim_test_guest),
	KUNIT_CASE(rm_sim_test_bad_commands),
	KUNIT_CASE(rm_sim_test_faults),
	KUNIT_CASE(rm_sim_test_fault_creation),
	KUNIT_CASE(rm_sim_test_counters),
	KUNIT_CASE(rm_sim_test_vcpu_script),
	KUNIT_CASE(rm_sim_test_vcpu_wakeup),
	KUNIT_CASE(rm_sim_test_vcpu_stop),
	KUNIT_CASE(rm_sim_test_vcpu_concurrent),
	{}
};

static struct kunit_suite rm_sim_test_suite = {
	.name = "gunyah_rm_sim",
	.init = t_init,
	.exit = t_exit,
	.test_cases = rm_sim_test_cases,
};

/* ---- Through the RPC core ------------------------------------------------ */

struct r_ctx {
	struct gunyah_rm_sim *sim;
	struct gunyah_rm *rm;
	struct notifier_block nb;
	spinlock_t lock;		/* the counts below */
	wait_queue_head_t wq;
	unsigned int status[GUNYAH_RM_VM_STATUS_RESET + 1];
	unsigned int exited, released, accepted;
};

static int r_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct r_ctx *c = container_of(nb, struct r_ctx, nb);
	const struct gunyah_rm_notif *n = data;
	const u8 *p = n->payload;

	spin_lock(&c->lock);
	switch (action) {
	case GUNYAH_RM_NOTIF_VM_STATUS:
		if (n->size >= sizeof(struct gunyah_rm_vm_status_payload) &&
		    p[4] < ARRAY_SIZE(c->status))
			c->status[p[4]]++;
		break;
	case GUNYAH_RM_NOTIF_VM_EXITED:
		c->exited++;
		break;
	case GUNYAH_RM_NOTIF_MEM_RELEASED:
		c->released++;
		break;
	case GUNYAH_RM_NOTIF_MEM_ACCEPTED:
		c->accepted++;
		break;
	}
	spin_unlock(&c->lock);
	wake_up(&c->wq);
	return NOTIFY_OK;
}

static unsigned int r_status(struct r_ctx *c, u8 state)
{
	unsigned int n;

	spin_lock(&c->lock);
	n = c->status[state];
	spin_unlock(&c->lock);
	return n;
}

static int r_init(struct kunit *test)
{
	struct gunyah_rm_transport *t;
	struct device *dev;
	struct r_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);
	dev = kunit_device_register(test, "gunyah-rm-sim-rpc-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	t = gunyah_rm_sim_create(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	c->sim = container_of(t, struct gunyah_rm_sim, t);
	c->rm = gunyah_rm_create(dev, t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->rm);
	c->nb.notifier_call = r_notify;
	KUNIT_ASSERT_EQ(test, gunyah_rm_notifier_register(c->rm, &c->nb), 0);
	test->priv = c;
	return 0;
}

static void r_exit(struct kunit *test)
{
	struct r_ctx *c = test->priv;

	/* Everything delivered before the RPC core goes away. */
	rm_sim_quiesce(c->sim);
	gunyah_rm_notifier_unregister(c->rm, &c->nb);
	gunyah_rm_destroy(c->rm);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_TRUE(test, xa_empty(&c->sim->vms));
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 0);
	mutex_unlock(&c->sim->lock);
}

static void r_parcel(struct gunyah_rm_mem_parcel *p, bool lend, u32 label,
		     struct gunyah_rm_mem_acl_entry *acl, size_t n_acl,
		     struct gunyah_rm_mem_entry *mem, size_t n_mem)
{
	*p = (struct gunyah_rm_mem_parcel){
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.label = label,
		.lend = lend,
		.n_acl_entries = n_acl,
		.acl_entries = acl,
		.n_mem_entries = n_mem,
		.mem_entries = mem,
	};
}

static void r_acl(struct gunyah_rm_mem_acl_entry *e, u16 vmid, u8 perms)
{
	e->vmid = cpu_to_le16(vmid);
	e->perms = perms;
	e->reserved = 0;
}

static void r_mem(struct gunyah_rm_mem_entry *e, u64 phys, u64 size)
{
	e->phys_addr = cpu_to_le64(phys);
	e->size = cpu_to_le64(size);
}

/* The VM manager's whole sequence, and each call refused out of turn. */
static void rm_sim_rpc_test_lifecycle(struct kunit *test)
{
	struct r_ctx *c = test->priv;
	struct gunyah_rm_hyp_resources *res;
	struct gunyah_rm_mem_acl_entry acl;
	struct gunyah_rm_mem_entry mem;
	struct gunyah_rm_mem_parcel p;
	struct page *pages;
	u16 self = 0;
	int vmid;

	KUNIT_EXPECT_EQ(test, gunyah_rm_get_vmid(c->rm, &self), 0);
	KUNIT_EXPECT_EQ(test, self, RM_SIM_HOST_VMID);
	vmid = gunyah_rm_alloc_vmid(c->rm, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, t_build_dt(page_address(pages) + T_DTB_OFFSET,
					 T_DTB_SIZE, 2, 0), 0);
	r_acl(&acl, vmid, GUNYAH_RM_ACL_RWX);
	r_mem(&mem, page_to_phys(pages), PAGE_SIZE << T_IMAGE_ORDER);
	r_parcel(&p, true, 0, &acl, 1, &mem, 1);
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_share(c->rm, &p), 0);

	/* LOAD */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_set_boot_context(c->rm, vmid, 1, 0, 0x80000000),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_configure(c->rm, vmid, GUNYAH_RM_AUTH_NONE,
						     p.mem_handle, 0, 0, T_DTB_OFFSET,
						     T_DTB_SIZE), 0);
	/* INIT */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(c->rm, vmid), 0);
	/* READY */
	mutex_lock(&c->sim->lock);
	c->sim->boot_context = true;
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_set_boot_context(c->rm, vmid, 1, 0, 0x80000000),
			0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(c->rm, vmid), -EBUSY);
	KUNIT_ASSERT_EQ(test, gunyah_rm_get_hyp_resources(c->rm, vmid, &res), 0);
	if (le32_to_cpu(res->n_entries) == 2) {
		KUNIT_EXPECT_EQ(test, res->entries[1].type, GUNYAH_RESOURCE_TYPE_VCPU);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(res->entries[1].resource_label), 1);
	} else {
		KUNIT_FAIL(test, "%u resources", le32_to_cpu(res->n_entries));
	}
	kfree(res);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(c->rm, vmid), 0);
	/* RUNNING */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(c->rm, &p, true), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(c->rm, vmid), 0);
	/* EXITED */
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(c->rm, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(c->rm, &p, true), -EBUSY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(c->rm, vmid), 0);
	KUNIT_EXPECT_NE(test, wait_event_timeout(c->wq,
						 r_status(c, GUNYAH_RM_VM_STATUS_RESET),
						 T_TIMEOUT), 0);
	/* RESET */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(c->rm, &p, true), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), -EINVAL);

	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, r_status(c, GUNYAH_RM_VM_STATUS_INIT), 1);
	KUNIT_EXPECT_EQ(test, r_status(c, GUNYAH_RM_VM_STATUS_READY), 1);
	KUNIT_EXPECT_EQ(test, r_status(c, GUNYAH_RM_VM_STATUS_RUNNING), 1);
	KUNIT_EXPECT_EQ(test, r_status(c, GUNYAH_RM_VM_STATUS_EXITED), 1);
	KUNIT_EXPECT_EQ(test, r_status(c, GUNYAH_RM_VM_STATUS_RESETTING), 1);
	/* Read without the lock: every notification has been delivered. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->exited), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->accepted), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->released), 1);
	__free_pages(pages, T_IMAGE_ORDER);
}

/* Parcel rules as the typed calls see them; APPEND beyond 512 entries. */
static void rm_sim_rpc_test_parcels(struct kunit *test)
{
	unsigned int n = GUNYAH_RM_MAX_MEM_ENTRIES + 100, i;
	struct r_ctx *c = test->priv;
	struct gunyah_rm_mem_parcel p, q;
	struct gunyah_rm_mem_acl_entry acl[2];
	struct gunyah_rm_mem_entry *mem;
	struct page *pages, *pages2;
	int vmid;

	vmid = gunyah_rm_alloc_vmid(c->rm, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_alloc_vmid(c->rm, 40), -ENOSPC);
	pages = alloc_pages(GFP_KERNEL, 10);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	pages2 = alloc_pages(GFP_KERNEL, 10);
	KUNIT_ASSERT_NOT_NULL(test, pages2);
	mem = kunit_kcalloc(test, n, sizeof(*mem), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	/* Backwards, so the RPC core cannot merge neighbours (it does not). */
	for (i = 0; i < n; i++)
		r_mem(&mem[i], page_to_phys(pages) + (n - 1 - i) * PAGE_SIZE, PAGE_SIZE);
	r_acl(&acl[0], vmid, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W);
	r_acl(&acl[1], RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX);

	/* Lend naming the owner, share not naming it. */
	r_parcel(&p, true, 1, acl, 2, mem, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &p), -EINVAL);
	r_parcel(&p, false, 1, acl, 1, mem, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &p), -EINVAL);

	/* 612 entries: MEM_SHARE with 512, then MEM_APPEND ... END. */
	r_parcel(&p, false, 1, acl, 2, mem, n);
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_share(c->rm, &p), 0);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, p.mem_handle)->n_pages, n);
	KUNIT_EXPECT_FALSE(test, rm_sim_parcel_lookup(c->sim, p.mem_handle)->open);
	mutex_unlock(&c->sim->lock);
	/* Overlap: one of its pages again. */
	r_parcel(&q, true, 2, acl, 1, mem + n - 1, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &q), -EINVAL);

	/* An append the RM refuses: the typed call reclaims the parcel. */
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "fail %#x 1 %#x", GUNYAH_RM_RPC_MEM_APPEND,
			 GUNYAH_RM_ERROR_MEM_INVALID);
		KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	}
	for (i = 0; i < n; i++)
		r_mem(&mem[i], page_to_phys(pages2) + i * PAGE_SIZE, PAGE_SIZE);
	r_parcel(&q, true, 2, acl, 1, mem, n);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &q), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 1);

	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(c->rm, &p, false), 0);
	KUNIT_EXPECT_EQ(test, p.mem_handle, GUNYAH_RM_MEM_HANDLE_INVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), 0);
	__free_pages(pages, 10);
	__free_pages(pages2, 10);
}

/* Fault injection through the RPC core, including a lost reply. */
static void rm_sim_rpc_test_faults(struct kunit *test)
{
	struct r_ctx *c = test->priv;
	char cmd[64];
	int vmid;

	snprintf(cmd, sizeof(cmd), "fail %#x 1 %#x", GUNYAH_RM_RPC_VM_ALLOC_VMID,
		 GUNYAH_RM_ERROR_DENIED);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_alloc_vmid(c->rm, 0), -EPERM);
	vmid = gunyah_rm_alloc_vmid(c->rm, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);

	snprintf(cmd, sizeof(cmd), "drop %#x 1", GUNYAH_RM_RPC_VM_DEALLOC_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	gunyah_rm_set_reply_timeout(c->rm, HZ / 5);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), -ETIMEDOUT);
	gunyah_rm_set_reply_timeout(c->rm, 30 * HZ);
	/* It took effect. */
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(c->rm, vmid), -EINVAL);
}

static struct kunit_case rm_sim_rpc_test_cases[] = {
	KUNIT_CASE(rm_sim_rpc_test_lifecycle),
	KUNIT_CASE(rm_sim_rpc_test_parcels),
	KUNIT_CASE(rm_sim_rpc_test_faults),
	{}
};

static struct kunit_suite rm_sim_rpc_test_suite = {
	.name = "gunyah_rm_sim_rpc",
	.init = r_init,
	.exit = r_exit,
	.test_cases = rm_sim_rpc_test_cases,
};

kunit_test_suites(&rm_sim_test_suite, &rm_sim_rpc_test_suite);
