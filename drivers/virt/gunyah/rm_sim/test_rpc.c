// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite gunyah_rm_sim_rpc: the simulated RM driven through the real
 * RPC core and its typed calls, as the VM manager drives it.
 *
 * Locking: the context's lock protects the notification counts the RPC
 * core's notifier updates.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/mm.h>
#include <linux/unaligned.h>
#include <linux/wait.h>

#include "test_lib.h"

/* ---- Through the RPC core ------------------------------------------------ */

struct r_ctx {
	struct gunyah_rm_sim *sim;
	struct gunyah_rm *rm;
	struct gunyah_rm_mem_entry_array entries;	/* being given */
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
	struct device *dev;
	struct r_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);
	dev = kunit_device_register(test, "gunyah-rm-sim-rpc-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	c->sim = gunyah_rm_sim_create(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->sim);
	c->rm = gunyah_rm_create(dev, &c->sim->t);
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

/* @p for the next gunyah_rm_mem_share(), which reads @mem through @c. */
static void r_parcel(struct r_ctx *c, struct gunyah_rm_mem_parcel *p,
		     bool lend, u32 label, struct gunyah_rm_mem_acl_entry *acl,
		     size_t n_acl, struct gunyah_rm_mem_entry *mem, size_t n_mem)
{
	gunyah_rm_mem_entry_array_init(&c->entries, mem, n_mem);
	*p = (struct gunyah_rm_mem_parcel){
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.label = label,
		.lend = lend,
		.n_acl_entries = n_acl,
		.acl_entries = acl,
		.n_mem_entries = n_mem,
		.mem_src = &c->entries.src,
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
/* Lend @vmid an image with a devicetree of two CPUs, as parcel @p. */
static struct page *r_image_lend(struct kunit *test, struct r_ctx *c, int vmid,
				 struct gunyah_rm_mem_parcel *p,
				 struct gunyah_rm_mem_acl_entry *acl,
				 struct gunyah_rm_mem_entry *mem)
{
	struct page *pages;

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, simt_build_dt(page_address(pages) + T_DTB_OFFSET,
					    T_DTB_SIZE, 2, 0), 0);
	r_acl(acl, vmid, GUNYAH_RM_ACL_RWX);
	r_mem(mem, page_to_phys(pages), PAGE_SIZE << T_IMAGE_ORDER);
	r_parcel(c, p, true, 0, acl, 1, mem, 1);
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_share(c->rm, p), 0);
	return pages;
}

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

	pages = r_image_lend(test, c, vmid, &p, &acl, &mem);

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
	r_parcel(c, &p, true, 1, acl, 2, mem, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &p), -EINVAL);
	r_parcel(c, &p, false, 1, acl, 1, mem, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_share(c->rm, &p), -EINVAL);

	/* 612 entries: MEM_SHARE with 512, then MEM_APPEND ... END. */
	r_parcel(c, &p, false, 1, acl, 2, mem, n);
	KUNIT_ASSERT_EQ(test, gunyah_rm_mem_share(c->rm, &p), 0);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, p.mem_handle)->n_pages, n);
	KUNIT_EXPECT_FALSE(test, rm_sim_parcel_lookup(c->sim, p.mem_handle)->open);
	mutex_unlock(&c->sim->lock);
	/* Overlap: one of its pages again. */
	r_parcel(c, &q, true, 2, acl, 1, mem + n - 1, 1);
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
	r_parcel(c, &q, true, 2, acl, 1, mem, n);
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

/* A listener for late replies to VM_GET_VMID. */
struct r_late {
	struct gunyah_rm_late late;
	int calls;
	int ret;
	u32 vmid;
};

static void r_late_fn(struct gunyah_rm_late *late, int ret,
		      const void *payload, size_t size)
{
	struct r_late *l = container_of(late, struct r_late, late);

	l->calls++;
	l->ret = ret;
	if (!ret && size >= sizeof(__le32))
		l->vmid = get_unaligned_le32(payload);
}

/* VM_GET_VMID, its reply held back by the RM (and maybe failed). */
static int r_late_get_vmid(struct kunit *test, struct r_late *l, u32 rm_error)
{
	struct r_ctx *c = test->priv;
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "hold %#x 1", GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	snprintf(cmd, sizeof(cmd), "fail %#x 1 %#x", GUNYAH_RM_RPC_VM_GET_VMID,
		 rm_error);
	if (rm_error)
		KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	l->late.fn = r_late_fn;
	return gunyah_rm_call_late(c->rm, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
				   NULL, NULL, &l->late);
}

/*
 * Replies that come after their caller gave up: heard by its listener,
 * with the RM's outcome and payload, unless it was cancelled first.
 */
static void rm_sim_rpc_test_late_replies(struct kunit *test)
{
	struct r_late heard = {}, refused = {}, cancelled = {};
	struct r_late in_time = { .late.fn = r_late_fn };
	struct r_ctx *c = test->priv;
	u16 vmid;

	KUNIT_ASSERT_EQ(test, gunyah_rm_get_vmid(c->rm, &vmid), 0);
	gunyah_rm_set_reply_timeout(c->rm, HZ / 5);

	KUNIT_EXPECT_EQ(test, r_late_get_vmid(test, &heard, 0), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, heard.late.armed);
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, heard.calls, 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "answer"), 0);
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, heard.calls, 1);
	KUNIT_EXPECT_EQ(test, heard.ret, 0);
	KUNIT_EXPECT_EQ(test, heard.vmid, vmid);
	KUNIT_EXPECT_FALSE(test, heard.late.armed);

	KUNIT_EXPECT_EQ(test, r_late_get_vmid(test, &refused,
					      GUNYAH_RM_ERROR_DENIED), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "answer"), 0);
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, refused.calls, 1);
	KUNIT_EXPECT_EQ(test, refused.ret, -EPERM);

	KUNIT_EXPECT_EQ(test, r_late_get_vmid(test, &cancelled, 0), -ETIMEDOUT);
	gunyah_rm_late_cancel(&cancelled.late);
	KUNIT_EXPECT_FALSE(test, cancelled.late.armed);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "answer"), 0);
	rm_sim_quiesce(c->sim);
	KUNIT_EXPECT_EQ(test, cancelled.calls, 0);

	/* Answered in time: the listener is not armed, and never called. */
	gunyah_rm_set_reply_timeout(c->rm, 30 * HZ);
	KUNIT_EXPECT_EQ(test, gunyah_rm_call_late(c->rm, GUNYAH_RM_RPC_VM_GET_VMID,
						  NULL, 0, NULL, NULL,
						  &in_time.late), 0);
	KUNIT_EXPECT_FALSE(test, in_time.late.armed);
	KUNIT_EXPECT_FALSE(test, in_time.late.gave_up);
	KUNIT_EXPECT_EQ(test, in_time.calls, 0);
	/* Nothing left armed: cancelling is a no-op. */
	gunyah_rm_late_cancel(&heard.late);
	gunyah_rm_late_cancel(&refused.late);
	KUNIT_EXPECT_EQ(test, heard.calls + refused.calls, 2);
}

static struct kunit_case rm_sim_rpc_test_cases[] = {
	KUNIT_CASE(rm_sim_rpc_test_lifecycle),
	KUNIT_CASE(rm_sim_rpc_test_parcels),
	KUNIT_CASE(rm_sim_rpc_test_faults),
	KUNIT_CASE(rm_sim_rpc_test_late_replies),
	{}
};

static struct kunit_suite rm_sim_rpc_test_suite = {
	.name = "gunyah_rm_sim_rpc",
	.init = r_init,
	.exit = r_exit,
	.test_cases = rm_sim_rpc_test_cases,
};

kunit_test_suite(rm_sim_rpc_test_suite);
