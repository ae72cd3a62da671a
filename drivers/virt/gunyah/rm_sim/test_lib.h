/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the simulator's KUnit suites share: a test context that is the host
 * side of one simulator, with its own framing code (independent of both
 * the simulator's parser and the RPC core's), typed requests, guest
 * images with devicetrees, and access to the debugfs counters.
 *
 * Locking: a context's lock protects what the simulator delivers to it
 * (the reply being reassembled and the notifications); the tests
 * themselves run in one thread, apart from those that start their own.
 */
#ifndef __GUNYAH_RM_SIM_TEST_LIB_H
#define __GUNYAH_RM_SIM_TEST_LIB_H

#include <kunit/test.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "rm_sim.h"

#define T_NOTIFS	128
#define T_TIMEOUT	(5 * HZ)

struct simt_notif {
	u32 msg_id;
	size_t len;
	u8 data[GUNYAH_RM_FRAG_PAYLOAD];
};

struct simt_ctx {
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
	struct simt_notif notifs[T_NOTIFS];
	unsigned int n_msgs;
};

struct simt_acl {
	u16 vmid;
	u8 perms;
};

/* What simt_build_dt() leaves out or adds. */
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
/* The phandle of the GIC node simt_build_dt() makes. */
#define T_GIC_PHANDLE	1

#define T_IMAGE_ORDER	2		/* 4 pages: image, DTB at page 2 */
#define T_DTB_OFFSET	(2 * PAGE_SIZE)
#define T_DTB_SIZE	(2 * PAGE_SIZE)

struct simt_image {
	struct page *pages;
	u32 handle;
};

struct simt_res {
	__le32 n;
	struct gunyah_rm_hyp_resource e[RM_SIM_MAX_VCPUS + 2];
} __packed;

void simt_deliver(struct gunyah_rm_sim *sim, const void *msg, size_t len);
int simt_send_raw(struct simt_ctx *c, const void *msg, size_t len, bool push);
int simt_send_req(struct simt_ctx *c, u32 msg_id, u16 seq, const void *req,
		  size_t len);
int simt_errno(u32 rm_error);
int simt_call_timeout(struct simt_ctx *c, u32 msg_id, const void *req,
		      size_t len, void *resp, size_t *resp_len,
		      long timeout);
int simt_call(struct simt_ctx *c, u32 msg_id, const void *req, size_t len,
	      void *resp, size_t *resp_len);
unsigned int simt_count_notifs(struct simt_ctx *c, u32 msg_id, u16 vmid,
			       int second);
void simt_clear_notifs(struct simt_ctx *c);
int simt_vm(struct simt_ctx *c, u32 msg_id, u16 vmid);
int simt_alloc(struct simt_ctx *c, u16 vmid);
int simt_stop(struct simt_ctx *c, u16 vmid, u8 flags);
int simt_config(struct simt_ctx *c, u16 vmid, u32 handle, u64 dtb_off,
		u64 dtb_size);
int simt_mem(struct simt_ctx *c, bool lend, u8 flags, u32 label,
	     const struct simt_acl *acl, unsigned int n_acl,
	     const u64 *phys, const u64 *sizes, unsigned int n,
	     u32 *handle);
int simt_lend1(struct simt_ctx *c, u16 vmid, u64 phys, u32 *handle);
int simt_append(struct simt_ctx *c, u32 handle, u8 flags, const u64 *phys,
		unsigned int n);
int simt_reclaim(struct simt_ctx *c, u32 handle, u8 flags);
unsigned int simt_n_vms(struct simt_ctx *c);
void simt_forget_vm(struct simt_ctx *c, u16 vmid);
u8 simt_state(struct simt_ctx *c, u16 vmid);
int simt_build_dt(void *buf, int size, unsigned int n_cpus,
		  unsigned int flags);
int simt_image_lend(struct simt_ctx *c, u16 vmid, unsigned int n_cpus,
		    unsigned int dt_flags, struct simt_image *img);
void simt_image_free(struct simt_image *img);
void simt_tx_ready(struct gunyah_rm_sim *sim);
int simt_init(struct kunit *test);
void simt_exit(struct kunit *test);
__printf(2, 3) long long simt_counter(struct simt_ctx *c, const char *fmt, ...);
int simt_vm_ready(struct simt_ctx *c, unsigned int n_cpus, struct simt_image *img,
		  struct simt_res *res);
void simt_vm_gone(struct simt_ctx *c, int vmid, struct simt_image *img);
int simt_run(struct simt_ctx *c, u64 capid, u64 read_value,
	     struct gunyah_hypercall_vcpu_run_resp *resp);
__printf(2, 3) int simt_cmd(struct simt_ctx *c, const char *fmt, ...);

#endif /* __GUNYAH_RM_SIM_TEST_LIB_H */
