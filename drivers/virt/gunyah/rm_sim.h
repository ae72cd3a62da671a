/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the simulated Gunyah Resource Manager, shared by its files:
 *
 *   rm_sim.c          transport: TX queue, request reassembly, dispatch,
 *                     reply and notification delivery, fault injection
 *   rm_sim_vm.c       VM state machine, vm-config devicetree checks
 *   rm_sim_mem.c      memory parcels
 *   rm_sim_debugfs.c  the debugfs interface (guest actions, faults, counters)
 *
 * Locking
 * -------
 * @lock (a mutex) protects all of the simulated RM's state: VMs, parcels,
 * the range tree, fault rules, counters and the boot-context switch. It is
 * held by the request worker while a request is handled and by debugfs
 * while it acts as a guest. Nothing else is taken under it except
 * @outq_lock (and the xarrays' internal locks).
 *
 * @txq_lock (a spinlock, IRQ-safe) protects the 8-message TX queue that
 * send() fills; it nests inside nothing and nothing nests inside it.
 *
 * @outq_lock (a spinlock) protects the list of messages waiting to be
 * delivered to the RPC core. The delivery worker takes a message off the
 * list and calls gunyah_rm_rx() with no lock held, so the RPC core may
 * call send() from there.
 *
 * The request reassembly buffer is touched only by the request worker.
 */
#ifndef __GUNYAH_RM_SIM_H
#define __GUNYAH_RM_SIM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "rsc_mgr.h"

#define RM_SIM_HOST_VMID	3	/* the VM this kernel runs in (HLOS) */
#define RM_SIM_STATIC_VMID_MIN	4	/* VM_ALLOCATE with a chosen vmid */
#define RM_SIM_STATIC_VMID_MAX	31
#define RM_SIM_DYN_VMID_MIN	0x80	/* VM_ALLOCATE(0) */
#define RM_SIM_DYN_VMID_MAX	0xBE
#define RM_SIM_TXQ_DEPTH	8	/* messages the RM's queue holds */
#define RM_SIM_MAX_VCPUS	8	/* "platform cores" */
#define RM_SIM_IMAGE_NAME_MAX	80
/* SGL addresses are IPAs of the owner; the RM limits them to 44 bits. */
#define RM_SIM_MAX_ADDR		BIT_ULL(44)

struct device;
struct dentry;
struct seq_file;

/**
 * struct rm_sim_msg - one message of at most %GUNYAH_RM_MSG_SIZE bytes
 * @list: in &gunyah_rm_sim.outq or a handler's list of notifications
 * @len: bytes used in @data
 * @data: header and payload
 */
struct rm_sim_msg {
	struct list_head list;
	size_t len;
	u8 data[GUNYAH_RM_MSG_SIZE];
};

/**
 * struct rm_sim_fault - an injected fault, armed from debugfs
 * @list: in &gunyah_rm_sim.faults
 * @msg_id: the request it applies to
 * @countdown: occurrences of @msg_id still to let through, plus one
 * @drop: process the request but drop its reply (else fail it)
 * @rm_error: with !@drop, the RM error the request gets, without effect
 */
struct rm_sim_fault {
	struct list_head list;
	u32 msg_id;
	u32 countdown;
	bool drop;
	u32 rm_error;
};

/**
 * struct rm_sim_vm - a VM the simulated RM allocated
 * @vmid: its id
 * @state: an &enum gunyah_rm_vm_status
 * @image_handle: the image parcel given by VM_CONFIG_IMAGE
 * @image_offset: entry point, from the start of the image parcel
 * @image_size: size of the image
 * @dtb_offset: where the devicetree starts in the image parcel
 * @dtb_size: size of the devicetree region
 * @n_vcpus: vCPUs the devicetree asked for (set at VM_INIT)
 * @first_cap: capability id of vCPU 0; the others follow
 * @first_virq: wake-up interrupt of vCPU 0; the others follow
 */
struct rm_sim_vm {
	u16 vmid;
	u8 state;
	u32 image_handle;
	u64 image_offset;
	u64 image_size;
	u64 dtb_offset;
	u64 dtb_size;
	unsigned int n_vcpus;
	u64 first_cap;
	u32 first_virq;
};

/**
 * struct rm_sim_acl - one entry of a parcel's access-control list
 * @vmid: the VM
 * @perms: %GUNYAH_RM_ACL_R / _W / _X
 * @accepted: the VM has the parcel mapped (never for the owner)
 */
struct rm_sim_acl {
	u16 vmid;
	u8 perms;
	bool accepted;
};

/**
 * struct rm_sim_range - one SGL entry of a parcel
 * @node: in &gunyah_rm_sim.ranges, which never holds two overlapping ranges
 * @base: owner physical (intermediate) address
 * @size: bytes, a multiple of 4 KiB
 */
struct rm_sim_range {
	struct rb_node node;
	u64 base;
	u64 size;
};

/**
 * struct rm_sim_chunk - the SGL entries one request added to a parcel
 * @list: in &rm_sim_parcel.chunks, in SGL order
 * @n: entries in @ranges
 * @ranges: the entries, in the order they were given
 */
struct rm_sim_chunk {
	struct list_head list;
	unsigned int n;
	struct rm_sim_range ranges[] __counted_by(n);
};

/**
 * struct rm_sim_parcel - a live memory parcel
 * @handle: its handle
 * @owner: the VM that created it (always the host here)
 * @lend: created by MEM_LEND (else MEM_SHARE)
 * @open: created with the APPEND flag and not finished yet
 * @sanitize_create: zero its memory as it is added (SANITIZE flag)
 * @mem_type: %GUNYAH_RM_MEM_TYPE_NORMAL
 * @label: the label the guest names it by
 * @n_attrs: entries of the attribute list
 * @n_pages: pages in it so far
 * @chunks: its SGL, in order
 * @n_acl: entries in @acl
 * @acl: who has access, in the order given
 */
struct rm_sim_parcel {
	u32 handle;
	u16 owner;
	bool lend;
	bool open;
	bool sanitize_create;
	u8 mem_type;
	u32 label;
	unsigned int n_attrs;
	u64 n_pages;
	struct list_head chunks;
	unsigned int n_acl;
	struct rm_sim_acl acl[] __counted_by(n_acl);
};

/**
 * struct rm_sim_req - one reassembled request being handled
 * @msg_id: the call
 * @seq: its sequence number
 * @payload: its payload
 * @len: bytes of payload
 * @resp: the reply payload a handler returns (after the error code)
 * @resp_len: bytes in @resp
 * @resp_buf: storage for small replies; @resp may point here
 * @resp_alloc: @resp was kmalloc'ed and is freed after sending
 * @notifs: notifications sent before the reply, in order
 * @late_notifs: notifications sent after the reply (asynchronous work the
 *               RM does once it has answered, such as a VM reset)
 */
struct rm_sim_req {
	u32 msg_id;
	u16 seq;
	const void *payload;
	size_t len;
	void *resp;
	size_t resp_len;
	u8 resp_buf[8];
	bool resp_alloc;
	struct list_head notifs;
	struct list_head late_notifs;
};

/**
 * struct gunyah_rm_sim - one simulated Resource Manager
 * @t: the transport the RPC core sends through
 * @dev: the device it was created for
 * @wq: runs @rx_work and @tx_work
 * @rx_work: the RM: takes messages off the TX queue and handles requests
 * @tx_work: delivers @outq to the RPC core, one message at a time
 * @deliver: how a message reaches the RPC core (tests may replace it)
 * @tx_ready: how the RPC core learns the queue has room (tests may replace it)
 * @hook_data: for replaced @deliver and @tx_ready
 * @txq_lock: protects the TX queue fields below
 * @txq: the queue the host sends into
 * @txq_len: bytes of each message in @txq
 * @txq_push: whether each message was sent with push
 * @txq_head: index of the oldest message in @txq
 * @txq_count: messages in @txq
 * @txq_blocked: a send() found the queue full and waits for tx_ready
 * @dying: being destroyed; send() refuses everything
 * @rx_active: a request is being reassembled
 * @rx_msg_id: message id of the request being reassembled
 * @rx_seq: its sequence number
 * @rx_cont: continuations it announced
 * @rx_got: continuations received so far
 * @rx_len: bytes of payload reassembled so far
 * @rx_buf: the reassembly buffer (%GUNYAH_RM_MAX_MSG_PAYLOAD bytes)
 * @outq_lock: protects @outq
 * @outq: messages waiting to be delivered, oldest first
 * @lock: protects everything below
 * @vms: allocated VMs by vmid
 * @parcels: live parcels by handle
 * @next_handle: for cyclic handle allocation
 * @ranges: the SGL entries of every live parcel, by base
 * @n_parcels: live parcels (all owned by the host)
 * @faults: armed fault rules
 * @boot_context: answer VM_SET_BOOT_CONTEXT instead of UNIMPLEMENTED
 * @next_cap: next capability id to hand out
 * @next_virq: next interrupt number to hand out
 * @stats: event counters shown in debugfs
 * @stats.requests: requests handled
 * @stats.tx_full: send() calls refused with -EAGAIN (under @txq_lock)
 * @stats.dropped: malformed messages dropped
 * @stats.faults_hit: injected faults that fired
 * @debugfs: this instance's debugfs directory
 */
struct gunyah_rm_sim {
	struct gunyah_rm_transport t;
	struct device *dev;
	struct workqueue_struct *wq;
	struct work_struct rx_work;
	struct work_struct tx_work;
	void (*deliver)(struct gunyah_rm_sim *sim, const void *msg, size_t len);
	void (*tx_ready)(struct gunyah_rm_sim *sim);
	void *hook_data;

	spinlock_t txq_lock;	/* the TX queue, @dying, @stats.tx_full */
	u8 txq[RM_SIM_TXQ_DEPTH][GUNYAH_RM_MSG_SIZE];
	size_t txq_len[RM_SIM_TXQ_DEPTH];
	bool txq_push[RM_SIM_TXQ_DEPTH];
	unsigned int txq_head;
	unsigned int txq_count;
	bool txq_blocked;
	bool dying;

	bool rx_active;
	u32 rx_msg_id;
	u16 rx_seq;
	unsigned int rx_cont;
	unsigned int rx_got;
	size_t rx_len;
	u8 *rx_buf;

	spinlock_t outq_lock;	/* @outq */
	struct list_head outq;

	struct mutex lock;	/* the RM's state: see the top of this file */
	struct xarray vms;
	struct xarray parcels;
	u32 next_handle;
	struct rb_root ranges;
	unsigned int n_parcels;
	struct list_head faults;
	bool boot_context;
	u64 next_cap;
	u32 next_virq;
	struct {
		u64 requests;
		u64 tx_full;
		u64 dropped;
		u64 faults_hit;
	} stats;

	struct dentry *debugfs;
};

/* rm_sim.c */
int rm_sim_queue_notif(struct gunyah_rm_sim *sim, struct list_head *list,
		       u32 msg_id, const void *payload, size_t len);
void rm_sim_flush_notifs(struct gunyah_rm_sim *sim, struct list_head *list);
int rm_sim_add_fault(struct gunyah_rm_sim *sim, u32 msg_id, u32 nth,
		     bool drop, u32 rm_error);
int rm_sim_clear_faults(struct gunyah_rm_sim *sim);
void rm_sim_quiesce(struct gunyah_rm_sim *sim);
void *rm_sim_resp_alloc(struct rm_sim_req *req, size_t len);

/* rm_sim_vm.c */
u32 rm_sim_vm_handle(struct gunyah_rm_sim *sim, struct rm_sim_req *req);
bool rm_sim_vm_handles(u32 msg_id);
void rm_sim_vm_failed(struct gunyah_rm_sim *sim, struct rm_sim_req *req);
struct rm_sim_vm *rm_sim_vm_lookup(struct gunyah_rm_sim *sim, u16 vmid);
int rm_sim_guest_exit(struct gunyah_rm_sim *sim, u16 vmid, u16 exit_type,
		      u32 reason);
void rm_sim_vm_status(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
		      u8 state, struct list_head *notifs);
void rm_sim_vms_destroy(struct gunyah_rm_sim *sim);

/* rm_sim_mem.c */
u32 rm_sim_mem_handle(struct gunyah_rm_sim *sim, struct rm_sim_req *req);
bool rm_sim_mem_handles(u32 msg_id);
struct rm_sim_parcel *rm_sim_parcel_lookup(struct gunyah_rm_sim *sim,
					   u32 handle);
struct rm_sim_acl *rm_sim_parcel_acl(struct rm_sim_parcel *p, u16 vmid);
void *rm_sim_parcel_vmap(struct rm_sim_parcel *p, u64 offset, u64 size);
u64 rm_sim_parcel_size(const struct rm_sim_parcel *p);
int rm_sim_accept(struct gunyah_rm_sim *sim, struct rm_sim_parcel *p,
		  u16 vmid, struct list_head *notifs);
int rm_sim_release(struct gunyah_rm_sim *sim, struct rm_sim_parcel *p,
		   u16 vmid, struct list_head *notifs);
void rm_sim_accept_all(struct gunyah_rm_sim *sim, u16 vmid,
		       struct list_head *notifs);
void rm_sim_release_all(struct gunyah_rm_sim *sim, u16 vmid,
			struct list_head *notifs);
void rm_sim_parcels_destroy(struct gunyah_rm_sim *sim);
void rm_sim_vm_pages(struct gunyah_rm_sim *sim, u16 vmid, u64 *lent,
		     u64 *shared);

/* rm_sim_debugfs.c */
int rm_sim_command(struct gunyah_rm_sim *sim, const char *cmd);
void rm_sim_counters_show(struct gunyah_rm_sim *sim, struct seq_file *s);
void rm_sim_debugfs_init(struct gunyah_rm_sim *sim);
void rm_sim_debugfs_exit(struct gunyah_rm_sim *sim);

#endif /* __GUNYAH_RM_SIM_H */
