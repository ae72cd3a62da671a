// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite gunyah_rm_sim: the simulated RM's framing (malformed
 * messages, fragments, flow control) and its VMs (the state machine, the
 * devicetree checks, the image rules, the boot context). Each test creates
 * its own simulator and talks to it with the framing code of test_lib.c;
 * RM errors are turned into errnos with the RPC core's mapping.
 *
 * Locking: see test_lib.h.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/libfdt.h>
#include <linux/mm.h>

#include "test_lib.h"

/* ---- Tests: framing ---------------------------------------------------- */

static void rm_sim_test_get_vmid(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	__le32 vmid = 0;
	size_t len = sizeof(vmid);

	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
					&vmid, &len), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(vmid));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(vmid), RM_SIM_HOST_VMID);
	/* Unknown calls are unimplemented, a payload where none goes invalid. */
	KUNIT_EXPECT_EQ(test, simt_call(c, 0x56000099, NULL, 0, NULL, NULL),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_VMID, &vmid, 4,
					NULL, NULL), -EINVAL);
}

static void rm_sim_test_malformed(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	u8 msg[GUNYAH_RM_MSG_SIZE] = { };
	struct gunyah_rm_hdr *h = (void *)msg;
	u64 dropped = c->sim->stats.dropped;
	unsigned int n_msgs;

	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_GET_VMID);
	/* Wrong API version / header size. */
	h->api = 0x11;
	h->type = GUNYAH_RM_TYPE_REQUEST;
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 8, true), 0);
	/* 63 continuations announced. */
	h->api = 0x21;
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 63);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, true), 0);
	/* A continuation of nothing. */
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, true), 0);
	/* A reply and a notification from the host. */
	h->type = GUNYAH_RM_TYPE_REPLY;
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 12, true), 0);
	h->type = GUNYAH_RM_TYPE_NOTIF;
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 12, true), 0);
	/* Message id 0, and a message shorter than its header. */
	h->type = GUNYAH_RM_TYPE_REQUEST;
	h->msg_id = 0;
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 8, true), 0);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 4, true), 0);
	/* Too long for the queue. */
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, GUNYAH_RM_MSG_SIZE + 1, true),
			-EINVAL);
	/* A continuation with another msg_id aborts the request. */
	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_GET_VMID);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 1);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, GUNYAH_RM_MSG_SIZE, false), 0);
	h->msg_id = cpu_to_le32(GUNYAH_RM_RPC_VM_ALLOC_VMID);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 12, true), 0);
	/* A short first fragment of a fragmented request. */
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_REQUEST, 1);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 100, false), 0);
	h->type = GUNYAH_RM_HDR_TYPE(GUNYAH_RM_TYPE_CONTINUATION, 1);
	KUNIT_EXPECT_EQ(test, simt_send_raw(c, msg, 12, true), 0);

	rm_sim_quiesce(c->sim);
	spin_lock(&c->lock);
	n_msgs = c->n_msgs;
	spin_unlock(&c->lock);
	KUNIT_EXPECT_EQ(test, n_msgs, 0);
	/* 7 bad single messages, then 2 + 1 + 1 for the interrupted ones. */
	KUNIT_EXPECT_EQ(test, c->sim->stats.dropped - dropped, 11);
	/* The RM still answers. */
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
					NULL, NULL), 0);
}

/* A request of 36 messages, reassembled. */
static void rm_sim_test_fragments(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	unsigned int n = GUNYAH_RM_MAX_MEM_ENTRIES, i;
	struct simt_acl acl[2];
	struct page *pages;
	u64 *phys;
	u32 handle;
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	pages = alloc_pages(GFP_KERNEL, 10);	/* 1024 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = kunit_kcalloc(test, n, sizeof(*phys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, phys);
	/* Every other page, so no two entries touch. */
	for (i = 0; i < n; i++)
		phys[i] = page_to_phys(pages) + 2 * i * PAGE_SIZE;
	acl[0] = (struct simt_acl){ vmid, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W };
	acl[1] = (struct simt_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	/* 8 + 3 * 4 + 8 + 512 * 16 bytes: 36 messages. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 7, acl, 2, phys, NULL, n,
				       &handle), 0);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, 1);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, handle)->n_pages, n);
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	__free_pages(pages, 10);
}

/* The TX queue holds 8 messages; the 9th waits. */
static void rm_sim_test_flow_control(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
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
	struct simt_ctx *c = test->priv;
	struct {
		__le32 n;
		struct gunyah_rm_hyp_resource e[RM_SIM_MAX_VCPUS];
	} __packed res;
	size_t len = sizeof(res);
	struct simt_image img;
	unsigned int i;
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_LOAD);
	KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, RM_SIM_MAX_VCPUS, 0, &img), 0);

	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
					  T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						GUNYAH_RM_VM_STATUS_INIT), 1);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						GUNYAH_RM_VM_STATUS_READY), 1);

	{
		struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

		KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES,
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

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_MEM_ACCEPTED, 0,
						img.handle), 1);
	/* Accepted by the guest: the RM keeps it. */
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), -EBUSY);

	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
						GUNYAH_RM_VM_EXIT_STOP_FORCED), 1);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), -EBUSY);

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						GUNYAH_RM_VM_STATUS_RESETTING), 1);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_MEM_RELEASED, 0,
						img.handle), 1);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						GUNYAH_RM_VM_STATUS_RESET), 1);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, GUNYAH_RM_MEM_RECLAIM_SANITIZE), 0);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(img.pages), 0,
					    PAGE_SIZE << T_IMAGE_ORDER));
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	simt_image_free(&img);
}

static void rm_sim_test_wrong_state(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_image img;
	int vmid;

	/* Static vmids: 4..31, each once; dynamic ones from 0x80. */
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 5), 5);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 5), -ENOSPC);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 3), -ENOSPC);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 32), -ENOSPC);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 0x80), -ENOSPC);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, 5), 0);
	/* Unknown VMs. */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, 0x99), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, 0x99), -EINVAL);

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	/* LOAD */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, vmid), -EBUSY);
	KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 1, 0, &img), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
					  T_DTB_SIZE), 0);
	/* INIT */
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
					  T_DTB_SIZE), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	/* READY */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	/* RUNNING */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, 0x80), -EINVAL);
	/* Without FORCE only the guest is asked; it does not answer. */
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_RUNNING);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	/* EXITED */
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	/* RESET */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EINVAL);
	simt_image_free(&img);
}

static const unsigned int simt_bad_dts[] = {
	DT_NO_VCPUS, DT_NO_IMAGE_NAME, DT_HYPERVISOR, DT_MEMORY_AT,
	DT_NO_CHOSEN, DT_NO_GIC, DT_LONG_NAME, DT_NO_BASE,
	DT_STATIC_AFFINITY, DT_SECONDARY_NO_PSCI,
};

/* Each broken vm-config makes VM_INIT fail; the VM can then be reset. */
static void rm_sim_test_init_failed(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_image img;
	unsigned int i;
	int vmid;

	for (i = 0; i < ARRAY_SIZE(simt_bad_dts); i++) {
		vmid = simt_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 2, simt_bad_dts[i], &img), 0);
		KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
						  T_DTB_SIZE), 0);
		KUNIT_EXPECT_EQ_MSG(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid),
				    -EINVAL, "dt flags %#x", simt_bad_dts[i]);
		KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_INIT_FAILED);
		KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
							GUNYAH_RM_VM_STATUS_INIT_FAILED), 1);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), -EBUSY);
		/* Never accepted: it can be taken back before the reset. */
		KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		simt_image_free(&img);
		simt_clear_notifs(c);
	}

	/* Not a devicetree at all, and one larger than dtb_size. */
	for (i = 0; i < 2; i++) {
		void *dtb;

		vmid = simt_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		img.pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, T_IMAGE_ORDER);
		KUNIT_ASSERT_NOT_NULL(test, img.pages);
		dtb = page_address(img.pages) + T_DTB_OFFSET;
		if (i) {
			KUNIT_EXPECT_EQ(test, simt_build_dt(dtb, T_DTB_SIZE, 1, 0), 0);
			fdt_set_totalsize(dtb, T_DTB_SIZE + 1);
		}
		{
			struct simt_acl acl = { vmid, GUNYAH_RM_ACL_RWX };
			u64 phys = page_to_phys(img.pages);
			u64 size = PAGE_SIZE << T_IMAGE_ORDER;

			KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 0, &acl, 1, &phys,
						       &size, 1, &img.handle), 0);
		}
		KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
						  T_DTB_SIZE), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EINVAL);
		KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		simt_image_free(&img);
	}
}

static u64 simt_fatal_resets(struct simt_ctx *c)
{
	u64 n;

	mutex_lock(&c->sim->lock);
	n = c->sim->stats.fatal_resets;
	mutex_unlock(&c->sim->lock);
	return n;
}

/*
 * A refused CONFIG_IMAGE leaves its VM in INIT_FAILED with no
 * configuration, for good, as in the RM: a reset is refused (and counted:
 * the public RM crashes on it), and the VM cannot be freed. The test then
 * drops it from the simulator.
 */
static void simt_expect_unconfigured(struct kunit *test, int vmid)
{
	struct simt_ctx *c = test->priv;
	u64 fatal = simt_fatal_resets(c);

	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_INIT_FAILED);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, 0, 0, PAGE_SIZE), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_fatal_resets(c), fatal + 1);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	simt_forget_vm(c, vmid);
}

/* Each refused image below is offered to a VM of its own, from the host. */
static int simt_fresh_vm(struct kunit *test, struct simt_acl *acl)
{
	int vmid = simt_alloc(test->priv, 0);

	KUNIT_EXPECT_GT(test, vmid, 0);
	acl[0] = (struct simt_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct simt_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	return vmid;
}

/* Bad offsets: the devicetree must lie in the image, page-aligned. */
static void rm_sim_test_image_offsets(struct kunit *test)
{
	static const struct { long handle; u64 off, size; } bad[] = {
		{ 100, T_DTB_OFFSET, T_DTB_SIZE },
		{ 0, T_DTB_OFFSET + 8, T_DTB_SIZE },
		{ 0, T_DTB_OFFSET, T_DTB_SIZE + PAGE_SIZE },
		{ 0, T_DTB_OFFSET, 0 },
	};
	struct simt_ctx *c = test->priv;
	struct simt_image img;
	unsigned int i;
	int vmid;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vmid = simt_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 1, 0, &img), 0);
		KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle + bad[i].handle,
						  bad[i].off, bad[i].size), -EINVAL);
		simt_expect_unconfigured(test, vmid);
		/* Never accepted: the host takes it back. */
		KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
		simt_image_free(&img);
	}
}

/* The image parcel must be lent to the VM alone, RWX, label 0. */
static void rm_sim_test_image_rules(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_acl acl[2];
	struct page *page;
	u64 phys, size = PAGE_SIZE << T_IMAGE_ORDER;
	int vmid, other;
	u32 handle;

	page = alloc_pages(GFP_KERNEL, T_IMAGE_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, page);
	phys = page_to_phys(page);

	/* Shared. */
	vmid = simt_fresh_vm(test, acl);
	KUNIT_ASSERT_EQ(test, simt_mem(c, false, 0, 0, acl, 2, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	simt_expect_unconfigured(test, vmid);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	/* Label not 0. */
	vmid = simt_fresh_vm(test, acl);
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 3, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	simt_expect_unconfigured(test, vmid);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	/* Not RWX. */
	vmid = simt_fresh_vm(test, acl);
	acl[0].perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W;
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 0, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	simt_expect_unconfigured(test, vmid);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	/* Two receivers. */
	vmid = simt_fresh_vm(test, acl);
	other = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, other, 0);
	acl[1] = (struct simt_acl){ other, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 0, acl, 2, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	simt_expect_unconfigured(test, vmid);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	/* Lent to another VM. */
	vmid = simt_fresh_vm(test, acl);
	acl[0] = (struct simt_acl){ other, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 0, acl, 1, &phys, &size, 1, &handle), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	simt_expect_unconfigured(test, vmid);
	KUNIT_EXPECT_EQ(test, simt_config(c, other, handle, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, other), -EBUSY);
	/* INIT -> INIT_FAILED (reclaimed image) -> RESET, then freed. */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, other), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, other), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, other), 0);
	__free_pages(page, T_IMAGE_ORDER);
}

static void rm_sim_test_boot_context(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct gunyah_rm_vm_boot_context_req r = { .reg_set = 1 };
	struct simt_image img;
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	r.vmid = cpu_to_le16(vmid);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
					sizeof(r), NULL, NULL), -EOPNOTSUPP);
	mutex_lock(&c->sim->lock);
	c->sim->boot_context = true;
	mutex_unlock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
					sizeof(r), NULL, NULL), -EBUSY);
	KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 1, 0, &img), 0);
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
					  T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
					sizeof(r), NULL, NULL), 0);
	r.reg_set = 0;
	r.reg_index = 31;
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
					sizeof(r), NULL, NULL), 0);
	r.reg_index = 32;
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &r,
					sizeof(r), NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	simt_image_free(&img);
}

static struct kunit_case rm_sim_test_cases[] = {
	KUNIT_CASE(rm_sim_test_get_vmid),
	KUNIT_CASE(rm_sim_test_malformed),
	KUNIT_CASE(rm_sim_test_fragments),
	KUNIT_CASE(rm_sim_test_flow_control),
	KUNIT_CASE(rm_sim_test_lifecycle),
	KUNIT_CASE(rm_sim_test_wrong_state),
	KUNIT_CASE(rm_sim_test_init_failed),
	KUNIT_CASE(rm_sim_test_image_offsets),
	KUNIT_CASE(rm_sim_test_image_rules),
	KUNIT_CASE(rm_sim_test_boot_context),
	{}
};

static struct kunit_suite rm_sim_test_suite = {
	.name = "gunyah_rm_sim",
	.init = simt_init,
	.exit = simt_exit,
	.test_cases = rm_sim_test_cases,
};

kunit_test_suite(rm_sim_test_suite);
