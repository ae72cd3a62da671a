/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the simulated Gunyah Resource Manager, shared by its files.
 * The simulator is an object of its own (CONFIG_GUNYAH_RM_SIM); the driver
 * reaches it only through the RM transport and the hypervisor-call
 * interface it implements, and tests only through its debugfs:
 *
 *   attach.c      where no Gunyah is found: create the simulator and attach
 *                 it to the driver as its backend
 *   transport.c   the RM transport: TX queue, request reassembly, dispatch,
 *                 reply and notification delivery, fault injection
 *   vm.c          VM state machine and the VM requests
 *   vm_config.c   the checks of a VM's vm-config devicetree
 *   mem.c         memory parcels
 *   hyp.c         the hypervisor calls (../hypercall_ops.h): scripted
 *                 vCPUs, doorbells, virqs on an irq_sim domain
 *   debugfs.c     the debugfs interface (guest actions, faults, counters)
 *   test_*.c      its KUnit suites
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
 *
 * The simulated hypervisor objects (vCPUs with their scripts, doorbells,
 * @vcpu_caps, @bell_caps, @virqs) are part of the RM's state under @lock
 * too: the hypervisor calls of hyp.c take it, so they must be made
 * from a context that may sleep (as the real vcpu_run is), and they never
 * wait for anything else while holding it (vcpu_run answers EXPECTS_WAKEUP
 * instead of waiting for the script). Calls for different vCPUs may come
 * concurrently; they are serialized by @lock. A vCPU's wake-up virq is
 * raised with irq_set_irqchip_state() under @lock, which only takes the
 * interrupt descriptor's raw spinlock and queues the irq_sim's irq_work;
 * the handler runs later, from that work, without @lock. The irq_sim
 * domain @irq_domain is created with the simulator and removed with it,
 * after every mapping in it has been disposed of.
 */
#ifndef __GUNYAH_RM_SIM_H
#define __GUNYAH_RM_SIM_H

#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "../hypercall_ops.h"
#include "../rsc_mgr.h"

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
/* Virqs handed out in GET_HYP_RESOURCES: hwirq (virq - BASE) of @irq_domain */
#define RM_SIM_VIRQ_BASE	64
#define RM_SIM_NR_VIRQS		1024	/* enough for every vCPU of every VM */
#define RM_SIM_MAX_BELLS	32	/* doorbells per VM */
#define RM_SIM_MAX_SCRIPT	64	/* queued script entries per vCPU */

struct device;
struct dentry;
struct irq_domain;
struct seq_file;
struct rm_sim_vm;

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
 * enum rm_sim_fault_kind - what an armed fault does to its request
 * @RM_SIM_FAIL: "fail": answer an error, without effect
 * @RM_SIM_DROP: "drop": handle it, never answer
 * @RM_SIM_HOLD: "hold": handle it, answer only at "answer"
 */
enum rm_sim_fault_kind {
	RM_SIM_FAIL,
	RM_SIM_DROP,
	RM_SIM_HOLD,
};

/**
 * struct rm_sim_fault - an injected fault, armed from debugfs
 * @list: in &gunyah_rm_sim.faults
 * @msg_id: the request it applies to
 * @countdown: occurrences of @msg_id still to let through, plus one
 * @kind: fail the request, or handle it and drop or hold its reply
 * @rm_error: for %RM_SIM_FAIL, the RM error the request gets, without
 *	effect
 */
struct rm_sim_fault {
	struct list_head list;
	u32 msg_id;
	u32 countdown;
	enum rm_sim_fault_kind kind;
	u32 rm_error;
};

/**
 * enum rm_sim_vcpu_op - what a scripted vCPU does at its next run
 * @RM_SIM_VCPU_MMIO_WRITE: writes an emulated address (VMMIO_WRITE)
 * @RM_SIM_VCPU_MMIO_READ: reads an emulated address (VMMIO_READ); the
 *	value the next run resumes with is recorded
 * @RM_SIM_VCPU_BLOCK: waits for an interrupt (EXPECTS_WAKEUP) and sleeps
 *	until a doorbell of its VM rings or a "wake" command
 * @RM_SIM_VCPU_POWEROFF: PSCI SYSTEM_OFF: the VM exits (PLATFORM_OFF)
 * @RM_SIM_VCPU_RESET: PSCI SYSTEM_RESET: the VM exits (RESET)
 * @RM_SIM_VCPU_FAULT: the vCPU faults (FAULT)
 * @RM_SIM_VCPU_CPU_OFF: PSCI CPU_OFF: the vCPU is off (POWERED_OFF without
 *	the exited flag) while the VM runs, until "wake" (CPU_ON)
 * @RM_SIM_VCPU_RETRY: the next vcpu_run fails with RETRY and takes nothing
 *	of its resume data
 */
enum rm_sim_vcpu_op {
	RM_SIM_VCPU_MMIO_WRITE,
	RM_SIM_VCPU_MMIO_READ,
	RM_SIM_VCPU_BLOCK,
	RM_SIM_VCPU_POWEROFF,
	RM_SIM_VCPU_RESET,
	RM_SIM_VCPU_FAULT,
	RM_SIM_VCPU_CPU_OFF,
	RM_SIM_VCPU_RETRY,
};

/**
 * struct rm_sim_vcpu_cmd - one entry of a vCPU's script
 * @list: in &rm_sim_vcpu.script, oldest first
 * @op: an &enum rm_sim_vcpu_op
 * @addr: the emulated address (MMIO ops)
 * @len: the access size in bytes (MMIO ops)
 * @value: the value written (MMIO_WRITE)
 */
struct rm_sim_vcpu_cmd {
	struct list_head list;
	unsigned int op;
	u64 addr;
	u64 len;
	u64 value;
};

/**
 * struct rm_sim_vcpu - a simulated proxy-scheduled vCPU
 * @vm: the VM it belongs to
 * @index: its index in the VM (the GET_HYP_RESOURCES label)
 * @capid: its capability id, the key in &gunyah_rm_sim.vcpu_caps
 * @virq: its wake-up virq (%RM_SIM_VIRQ_BASE + a hwirq of the irq_sim)
 * @script: what the guest does next, queued from debugfs
 * @n_script: entries in @script
 * @waiting: the last run returned EXPECTS_WAKEUP and no wake-up was raised
 *	since
 * @asleep: blocked by a "block" entry, until a doorbell or "wake"
 * @off: powered off by a "cpu_off" entry, until "wake"
 * @gone: it powered the VM off ("poweroff"): its runs fail with BUSY, as
 *	the public hypervisor's do once the RM has killed the vCPU
 * @retrying: every run fails with RETRY ("retry_forever"), until
 *	"retry_stop"
 * @read_pending: the last run returned VMMIO_READ; the next run's
 *	resume_data[0] is the value read
 * @last_read: the last value recorded that way
 * @runs: vcpu_run calls that reached it
 * @wakeups: wake-up virqs raised for it
 */
struct rm_sim_vcpu {
	struct rm_sim_vm *vm;
	unsigned int index;
	u64 capid;
	u32 virq;
	struct list_head script;
	unsigned int n_script;
	bool waiting;
	bool asleep;
	bool off;
	bool gone;
	bool retrying;
	bool read_pending;
	u64 last_read;
	u64 runs;
	u64 wakeups;
};

/**
 * struct rm_sim_bell - a doorbell the guest's devicetree asked for, which
 *	the host rings (a BELL_TX resource)
 * @vm: the VM it belongs to
 * @label: its label from the devicetree
 * @capid: the host's send capability, the key in &gunyah_rm_sim.bell_caps
 * @rings: bell_send calls
 * @flags: the flags of the last bell_send
 * @enable_mask: the last bell_set_mask's enable mask
 * @ack_mask: the last bell_set_mask's ack mask
 */
struct rm_sim_bell {
	struct rm_sim_vm *vm;
	u32 label;
	u64 capid;
	u64 rings;
	u64 flags;
	u64 enable_mask;
	u64 ack_mask;
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
 * @vcpus: the vCPUs, @n_vcpus of them (from VM_INIT to VM_RESET)
 * @n_bells: doorbells the devicetree asked for (set at VM_INIT)
 * @bells: the doorbells, @n_bells of them
 * @halt: how the guest ended itself from a vCPU script: 0 (it did not),
 *	%GUNYAH_VCPU_STATE_POWERED_OFF or %GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET,
 *	which every later run returns
 * @deferred_exit: the exit type of a guest's exit a sleepy RM has not
 *	carried out yet, or 0 (see "sleepy" in debugfs.c)
 * @rm_link: the devicetree gives the guest an RM RPC link ("rm-rpc"
 *	vdevice; set at VM_INIT), over which it would accept memory given
 *	while it runs
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
	struct rm_sim_vcpu *vcpus;
	unsigned int n_bells;
	struct rm_sim_bell *bells;
	u64 halt;
	u16 deferred_exit;
	bool rm_link;
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
 * @hyp: the hypervisor calls the VM manager makes
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
 * @tx_stalled: "tx_stall": the RM takes no more messages until "tx_resume"
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
 * @held: messages of replies held by "hold", until "answer"
 * @boot_context: answer VM_SET_BOOT_CONTEXT instead of UNIMPLEMENTED
 * @sleepy: how many guest exits to defer until the next request ("sleepy")
 * @exit_on_start: the next VM_START's guest exits at once ("exit_on_start")
 * @exit_early: its exit's notifications come before the VM_START reply
 *	("exit_on_start_early")
 * @next_cap: next capability id to hand out
 * @vcpu_caps: live vCPUs by capability id
 * @bell_caps: live doorbells by capability id
 * @virqs: hwirqs of @irq_domain given to live vCPUs
 * @irq_domain: the irq_sim domain the virqs are interrupts of
 * @stats: event counters shown in debugfs
 * @stats.requests: requests handled
 * @stats.tx_full: send() calls refused with -EAGAIN (under @txq_lock)
 * @stats.dropped: malformed messages dropped
 * @stats.faults_hit: injected faults that fired
 * @stats.fatal_resets: VM_RESETs of a VM whose CONFIG_IMAGE had failed,
 *	refused here; the public RM crashes on them
 * @debugfs: this instance's debugfs directory
 */
struct gunyah_rm_sim {
	struct gunyah_rm_transport t;
	struct gunyah_hyp hyp;
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
	bool tx_stalled;
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
	struct list_head held;
	bool boot_context;
	unsigned int sleepy;
	bool exit_on_start;
	bool exit_early;
	u64 next_cap;
	struct xarray vcpu_caps;
	struct xarray bell_caps;
	struct ida virqs;
	struct irq_domain *irq_domain;
	struct {
		u64 requests;
		u64 tx_full;
		u64 dropped;
		u64 faults_hit;
		u64 fatal_resets;
	} stats;

	struct dentry *debugfs;
};

/* transport.c */
struct gunyah_rm_sim *gunyah_rm_sim_create(struct device *dev);
int rm_sim_queue_notif(struct gunyah_rm_sim *sim, struct list_head *list,
		       u32 msg_id, const void *payload, size_t len);
void rm_sim_flush_notifs(struct gunyah_rm_sim *sim, struct list_head *list);
int rm_sim_add_fault(struct gunyah_rm_sim *sim, u32 msg_id, u32 nth,
		     enum rm_sim_fault_kind kind, u32 rm_error);
int rm_sim_clear_faults(struct gunyah_rm_sim *sim);
int rm_sim_answer_held(struct gunyah_rm_sim *sim);
int rm_sim_stall_tx(struct gunyah_rm_sim *sim, bool stall);
/**
 * enum rm_sim_exit_fault - the faults of a guest's exit, armed from debugfs
 * @RM_SIM_SLEEPY: "sleepy"
 * @RM_SIM_EXIT_ON_START: "exit_on_start"
 * @RM_SIM_EXIT_ON_START_EARLY: "exit_on_start_early"
 */
enum rm_sim_exit_fault {
	RM_SIM_SLEEPY,
	RM_SIM_EXIT_ON_START,
	RM_SIM_EXIT_ON_START_EARLY,
};

int rm_sim_arm_exit_fault(struct gunyah_rm_sim *sim, enum rm_sim_exit_fault f);
void rm_sim_quiesce(struct gunyah_rm_sim *sim);
void *rm_sim_resp_alloc(struct rm_sim_req *req, size_t len);

/* vm.c */
u32 rm_sim_vm_handle(struct gunyah_rm_sim *sim, struct rm_sim_req *req);
void rm_sim_vm_deferred_exits(struct gunyah_rm_sim *sim, struct list_head *notifs);
bool rm_sim_vm_handles(u32 msg_id);
void rm_sim_vm_failed(struct gunyah_rm_sim *sim, struct rm_sim_req *req);
struct rm_sim_vm *rm_sim_vm_lookup(struct gunyah_rm_sim *sim, u16 vmid);
int rm_sim_guest_exit(struct gunyah_rm_sim *sim, u16 vmid, u16 exit_type,
		      u32 reason);
void rm_sim_vm_status(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
		      u8 state, struct list_head *notifs);
void rm_sim_vms_destroy(struct gunyah_rm_sim *sim);
void rm_sim_vm_exited(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
		      u16 exit_type, u32 reason, struct list_head *notifs);

/* vm_config.c */
u32 rm_sim_vm_read_dt(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm);

/* hyp.c */
extern const struct gunyah_hyp_ops rm_sim_hyp_ops;
int rm_sim_vm_hyp_create(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
			 const void *fdt, unsigned int n_vcpus);
void rm_sim_vm_hyp_destroy(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm);
void rm_sim_vm_free(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm);
void rm_sim_vm_wake_all(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm);
int rm_sim_vcpu_command(struct gunyah_rm_sim *sim, int argc, char **argv);
void rm_sim_vm_hyp_show(struct gunyah_rm_sim *sim, struct rm_sim_vm *vm,
			struct seq_file *s);
int rm_sim_irq_init(struct gunyah_rm_sim *sim);
void rm_sim_irq_exit(struct gunyah_rm_sim *sim);

/* mem.c */
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

/* debugfs.c */
int rm_sim_command(struct gunyah_rm_sim *sim, const char *cmd);
void rm_sim_counters_show(struct gunyah_rm_sim *sim, struct seq_file *s);
void rm_sim_debugfs_init(struct gunyah_rm_sim *sim);
void rm_sim_debugfs_exit(struct gunyah_rm_sim *sim);

#endif /* __GUNYAH_RM_SIM_H */
