/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see rsc_mgr.c; a transport hands messages to the core one at
 * a time.
 */
/*
 * The Gunyah Resource Manager (RM): its RPC protocol, the interface between
 * the RPC core and a transport backend, and the typed calls the VM manager
 * makes. All on-the-wire structures are little-endian and packed.
 */
#ifndef __GUNYAH_RSC_MGR_H
#define __GUNYAH_RSC_MGR_H

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/notifier.h>
#include <linux/types.h>

struct device;
struct gunyah_rm;

/* ---- Framing ---------------------------------------------------------- */

#define GUNYAH_RM_MSG_SIZE		240	/* one message queue message */
#define GUNYAH_RM_HDR_SIZE		8
#define GUNYAH_RM_FRAG_PAYLOAD		(GUNYAH_RM_MSG_SIZE - GUNYAH_RM_HDR_SIZE)
#define GUNYAH_RM_MAX_CONT		62	/* continuations after the first */
/* What we send at most: 62 fragments' worth, as the RM accepts. */
#define GUNYAH_RM_MAX_REQ_PAYLOAD	(GUNYAH_RM_MAX_CONT * GUNYAH_RM_FRAG_PAYLOAD)
/* What the RM may send at most: the first fragment plus 62 continuations. */
#define GUNYAH_RM_MAX_MSG_PAYLOAD	((GUNYAH_RM_MAX_CONT + 1) * GUNYAH_RM_FRAG_PAYLOAD)

#define GUNYAH_RM_API_VERSION		1
#define GUNYAH_RM_HDR_WORDS		2

enum gunyah_rm_msg_type {
	GUNYAH_RM_TYPE_CONTINUATION	= 0,
	GUNYAH_RM_TYPE_REQUEST		= 1,
	GUNYAH_RM_TYPE_REPLY		= 2,
	GUNYAH_RM_TYPE_NOTIF		= 3,
};

/**
 * struct gunyah_rm_hdr - the 8-byte header of every RM message
 * @api: API version (bits 3:0, 1) and header length in words (bits 7:4, 2)
 * @type: message type (bits 1:0) and continuations that follow (bits 7:2)
 * @seq: sequence number chosen by the requester and echoed in the reply
 * @msg_id: the call or notification
 */
struct gunyah_rm_hdr {
	u8 api;
	u8 type;
	__le16 seq;
	__le32 msg_id;
} __packed;
static_assert(sizeof(struct gunyah_rm_hdr) == GUNYAH_RM_HDR_SIZE);

#define GUNYAH_RM_HDR_API		(GUNYAH_RM_API_VERSION | (GUNYAH_RM_HDR_WORDS << 4))
#define GUNYAH_RM_HDR_TYPE(type, cont)	((u8)((type) | ((cont) << 2)))

/* ---- Message ids ------------------------------------------------------- */

#define GUNYAH_RM_RPC_MEM_LEND			0x51000012
#define GUNYAH_RM_RPC_MEM_SHARE			0x51000013
#define GUNYAH_RM_RPC_MEM_RECLAIM		0x51000015
#define GUNYAH_RM_RPC_MEM_NOTIFY		0x51000017
#define GUNYAH_RM_RPC_MEM_APPEND		0x51000018

#define GUNYAH_RM_NOTIF_MEM_SHARED		0x51100011
#define GUNYAH_RM_NOTIF_MEM_RELEASED		0x51100012
#define GUNYAH_RM_NOTIF_MEM_ACCEPTED		0x51100013

#define GUNYAH_RM_RPC_VM_ALLOC_VMID		0x56000001
#define GUNYAH_RM_RPC_VM_DEALLOC_VMID		0x56000002
#define GUNYAH_RM_RPC_VM_START			0x56000004
#define GUNYAH_RM_RPC_VM_STOP			0x56000005
#define GUNYAH_RM_RPC_VM_RESET			0x56000006
#define GUNYAH_RM_RPC_VM_CONFIG_IMAGE		0x56000009
#define GUNYAH_RM_RPC_VM_INIT			0x5600000B
#define GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES	0x56000020
#define GUNYAH_RM_RPC_VM_GET_VMID		0x56000024
#define GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT	0x56000031

#define GUNYAH_RM_NOTIF_VM_EXITED		0x56100001
#define GUNYAH_RM_NOTIF_VM_STATUS		0x56100008

/* ---- RM error codes ---------------------------------------------------- */

enum gunyah_rm_error {
	GUNYAH_RM_ERROR_OK			= 0x0,
	GUNYAH_RM_ERROR_UNIMPLEMENTED		= 0xFFFFFFFF,
	GUNYAH_RM_ERROR_NOMEM			= 0x1,
	GUNYAH_RM_ERROR_NORESOURCE		= 0x2,
	GUNYAH_RM_ERROR_DENIED			= 0x3,
	GUNYAH_RM_ERROR_INVALID			= 0x4,
	GUNYAH_RM_ERROR_BUSY			= 0x5,
	GUNYAH_RM_ERROR_ARGUMENT_INVALID	= 0x6,
	GUNYAH_RM_ERROR_HANDLE_INVALID		= 0x7,
	GUNYAH_RM_ERROR_VALIDATE_FAILED		= 0x8,
	GUNYAH_RM_ERROR_MAP_FAILED		= 0x9,
	GUNYAH_RM_ERROR_MEM_INVALID		= 0xA,
	GUNYAH_RM_ERROR_MEM_INUSE		= 0xB,
	GUNYAH_RM_ERROR_MEM_RELEASED		= 0xC,
	GUNYAH_RM_ERROR_VMID_INVALID		= 0xD,
	GUNYAH_RM_ERROR_LOOKUP_FAILED		= 0xE,
	GUNYAH_RM_ERROR_IRQ_INVALID		= 0xF,
	GUNYAH_RM_ERROR_IRQ_INUSE		= 0x10,
	GUNYAH_RM_ERROR_IRQ_RELEASED		= 0x11,
	GUNYAH_RM_ERROR_IN_USE			= 0x12,
	GUNYAH_RM_ERROR_IRQ_NOT_MAPPED		= 0x13,
	GUNYAH_RM_ERROR_VM_STATE		= 0x14,
};

int gunyah_rm_error_remap(u32 rm_error);

/* ---- VM states, exit types ---------------------------------------------- */

enum gunyah_rm_vm_status {
	GUNYAH_RM_VM_STATUS_NO_STATE	= 0,
	GUNYAH_RM_VM_STATUS_INIT	= 1,
	GUNYAH_RM_VM_STATUS_READY	= 2,
	GUNYAH_RM_VM_STATUS_RUNNING	= 3,
	GUNYAH_RM_VM_STATUS_PAUSED	= 4,
	GUNYAH_RM_VM_STATUS_LOAD	= 5,
	GUNYAH_RM_VM_STATUS_AUTH	= 6,
	GUNYAH_RM_VM_STATUS_INIT_FAILED	= 8,
	GUNYAH_RM_VM_STATUS_EXITED	= 9,
	GUNYAH_RM_VM_STATUS_RESETTING	= 10,
	GUNYAH_RM_VM_STATUS_RESET	= 11,
};

#define GUNYAH_RM_VM_EXIT_PLATFORM_OFF		1
#define GUNYAH_RM_VM_EXIT_RESET			2
#define GUNYAH_RM_VM_EXIT_SOFTWARE_ERROR	5
#define GUNYAH_RM_VM_EXIT_STOP_FORCED		7

#define GUNYAH_RM_VM_STOP_FLAG_FORCE		BIT(0)
#define GUNYAH_RM_VM_STOP_REASON_FORCE		3

#define GUNYAH_RM_AUTH_NONE			0

/* ---- Payloads ---------------------------------------------------------- */

/* Most VM calls: the vmid and two bytes of padding. */
struct gunyah_rm_vm_common_req {
	__le16 vmid;
	__le16 reserved;
} __packed;

struct gunyah_rm_vm_alloc_resp {
	__le32 vmid;	/* low 16 bits */
} __packed;

struct gunyah_rm_vm_stop_req {
	__le16 vmid;
	u8 flags;
	u8 reserved;
	__le32 stop_reason;
} __packed;
static_assert(sizeof(struct gunyah_rm_vm_stop_req) == 8);

struct gunyah_rm_vm_config_image_req {
	__le16 vmid;
	__le16 auth_mech;
	__le32 mem_handle;
	__le64 image_offset;
	__le64 image_size;
	__le64 dtb_offset;
	__le64 dtb_size;
} __packed;
static_assert(sizeof(struct gunyah_rm_vm_config_image_req) == 40);

struct gunyah_rm_vm_boot_context_req {
	__le16 vmid;
	u8 reg_set;
	u8 reg_index;
	__le32 reserved;
	__le64 value;
} __packed;
static_assert(sizeof(struct gunyah_rm_vm_boot_context_req) == 16);

/* GET_HYP_RESOURCES */
enum gunyah_rm_resource_type {
	GUNYAH_RESOURCE_TYPE_BELL_TX	= 0,
	GUNYAH_RESOURCE_TYPE_BELL_RX	= 1,
	GUNYAH_RESOURCE_TYPE_MSGQ_TX	= 2,
	GUNYAH_RESOURCE_TYPE_MSGQ_RX	= 3,
	GUNYAH_RESOURCE_TYPE_VCPU	= 4,
};

/*
 * One GET_HYP_RESOURCES entry. The field list of the RM's
 * rm_hyp_resource_resp adds up to 44 bytes (some write-ups say 40).
 */
struct gunyah_rm_hyp_resource {
	u8 type;
	u8 reserved;
	__le16 partner_vmid;
	__le32 resource_handle;
	__le32 resource_label;
	__le64 cap_id;
	__le32 virq_handle;
	__le32 virq;
	__le64 base;
	__le64 size;
} __packed;
static_assert(sizeof(struct gunyah_rm_hyp_resource) == 44);

struct gunyah_rm_hyp_resources {
	__le32 n_entries;
	struct gunyah_rm_hyp_resource entries[];
} __packed;

/* Notifications */
struct gunyah_rm_vm_status_payload {
	__le16 vmid;
	u16 reserved;
	u8 vm_status;
	u8 os_status;
	__le16 app_status;
} __packed;
static_assert(sizeof(struct gunyah_rm_vm_status_payload) == 8);

struct gunyah_rm_vm_exited_payload {
	__le16 vmid;
	__le16 exit_type;
	__le32 exit_reason_size;
	u8 exit_reason[];
} __packed;

struct gunyah_rm_mem_released_payload {
	__le32 mem_handle;
	__le16 vmid;
	u8 reserved[2];
	__le32 mem_info_tag;
} __packed;

/* Memory parcels */
#define GUNYAH_RM_ACL_X			BIT(0)
#define GUNYAH_RM_ACL_W			BIT(1)
#define GUNYAH_RM_ACL_R			BIT(2)
#define GUNYAH_RM_ACL_RWX		(GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X)

#define GUNYAH_RM_MEM_TYPE_NORMAL	0
#define GUNYAH_RM_MEM_TYPE_IO		1

#define GUNYAH_RM_MEM_SHARE_SANITIZE	BIT(0)
#define GUNYAH_RM_MEM_SHARE_APPEND	BIT(1)
#define GUNYAH_RM_MEM_APPEND_END	BIT(0)
#define GUNYAH_RM_MEM_RECLAIM_SANITIZE	BIT(0)
#define GUNYAH_RM_MEM_NOTIFY_SHARED	BIT(0)
#define GUNYAH_RM_MEM_NOTIFY_RECALL	BIT(3)

#define GUNYAH_RM_MAX_MEM_ENTRIES	512
#define GUNYAH_RM_MAX_ACL_ENTRIES	512
#define GUNYAH_RM_MAX_PARCELS_PER_OWNER	64
#define GUNYAH_RM_MEM_HANDLE_INVAL	U32_MAX

struct gunyah_rm_mem_acl_entry {
	__le16 vmid;
	u8 perms;
	u8 reserved;
} __packed;

struct gunyah_rm_mem_entry {
	__le64 phys_addr;
	__le64 size;
} __packed;

struct gunyah_rm_mem_attr_entry {
	__le16 attr;
	__le16 vmid;
} __packed;

/* Every list section: a count, two reserved bytes, then the entries. */
struct gunyah_rm_mem_list_hdr {
	__le16 n_entries;
	__le16 reserved;
} __packed;

struct gunyah_rm_mem_share_req_hdr {
	u8 mem_type;
	u8 reserved0;
	u8 flags;
	u8 reserved1;
	__le32 label;
} __packed;

struct gunyah_rm_mem_append_req_hdr {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
} __packed;

struct gunyah_rm_mem_release_req {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
} __packed;

struct gunyah_rm_mem_notify_req_hdr {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
	__le32 mem_info_tag;
} __packed;

/* ---- Transport backends -------------------------------------------------- */

struct gunyah_rm_transport;

/**
 * struct gunyah_rm_transport - how the RPC core reaches the RM
 * @send: queue one message of at most %GUNYAH_RM_MSG_SIZE bytes; @push is
 *        set on the last message of a request. Returns 0 once queued,
 *        -EAGAIN when the queue is full (the core then waits for
 *        gunyah_rm_tx_ready() and sends the same message again), or
 *        another errno, which fails the request.
 * @rm: the RPC core this transport feeds; set by gunyah_rm_create().
 *
 * A backend hands received messages to gunyah_rm_rx(), one at a time and in
 * the order they arrived, from a context that may sleep.
 */
struct gunyah_rm_transport {
	int (*send)(struct gunyah_rm_transport *t, const void *msg, size_t len,
		    bool push);
	struct gunyah_rm *rm;
};

struct gunyah_rm *gunyah_rm_create(struct device *dev,
				   struct gunyah_rm_transport *t);
void gunyah_rm_destroy(struct gunyah_rm *rm);
void gunyah_rm_rx(struct gunyah_rm *rm, const void *msg, size_t len);
void gunyah_rm_tx_ready(struct gunyah_rm *rm);

/* ---- RPC core ------------------------------------------------------------ */

int gunyah_rm_call(struct gunyah_rm *rm, u32 msg_id, const void *req,
		   size_t req_size, void **resp, size_t *resp_size);

/**
 * struct gunyah_rm_late - who hears a reply that came after its call gave up
 * @fn: called with the reply: 0 or the errno of the RM's error code
 *	(gunyah_rm_error_remap()), or -EIO if it could not be read, and the
 *	payload after the error code. It runs where replies are received,
 *	with a spinlock held: it must not sleep, and should only record what
 *	it is told. It is called at most once per armed call.
 * @msg_id: the message id of the call it waits for, for @fn to read
 * @rm: (private) the RPC core it waits on
 * @seq: (private) the sequence number of the call it waits for
 * @armed: (private) a reply may still come: set when the call gave up,
 *	cleared when @fn is called or gunyah_rm_late_cancel() runs
 * @gave_up: set, in the caller's context, when a call armed it; only its
 *	owner clears it (to tell which of its calls a reply may still answer)
 *
 * A call that gave up waiting (-ETIMEDOUT) may still be carried out, and
 * its reply is then the only way to know what the RM did: with one of
 * these, gunyah_rm_call_late() keeps waiting for it in the background.
 */
struct gunyah_rm_late {
	void (*fn)(struct gunyah_rm_late *late, int ret, const void *payload,
		   size_t size);
	u32 msg_id;
	struct gunyah_rm *rm;
	u16 seq;
	bool armed;
	bool gave_up;
};

int gunyah_rm_call_late(struct gunyah_rm *rm, u32 msg_id, const void *req,
			size_t req_size, void **resp, size_t *resp_size,
			struct gunyah_rm_late *late);
void gunyah_rm_late_cancel(struct gunyah_rm_late *late);

/**
 * gunyah_rm_outcome_unknown() - may a failed RM call have taken effect?
 * @ret: the error of gunyah_rm_call(), or of a typed call built on it
 *
 * No reply came (-ETIMEDOUT), it could not be read (-EIO), or it carried a
 * code the protocol does not define (-EBADMSG): the RM may have done what
 * was asked. A caller that gave memory must then treat it as given.
 *
 * Return: true if the request's outcome is unknown.
 */
static inline bool gunyah_rm_outcome_unknown(int ret)
{
	return ret == -ETIMEDOUT || ret == -EIO || ret == -EBADMSG;
}

/**
 * struct gunyah_rm_notif - what a notifier registered with
 * gunyah_rm_notifier_register() receives as its data
 * @payload: the notification's payload (after the header)
 * @size: its size in bytes
 *
 * The notifier's action is the notification's message id.
 */
struct gunyah_rm_notif {
	const void *payload;
	size_t size;
};

void gunyah_rm_set_reply_timeout(struct gunyah_rm *rm, unsigned long timeout);
unsigned long gunyah_rm_reply_timeout(struct gunyah_rm *rm);

int gunyah_rm_notifier_register(struct gunyah_rm *rm, struct notifier_block *nb);
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb);

/* ---- Typed RM calls (rsc_mgr_rpc.c) ------------------------------------- */

/**
 * struct gunyah_rm_mem_entry_src - where a parcel's memory entries come from
 * @fill: write the parcel's next @n memory entries, in guest-address
 *	order, to @entries (one message's list, at most
 *	%GUNYAH_RM_MAX_MEM_ENTRIES); return 0, or a negative errno that
 *	fails the share (never one gunyah_rm_outcome_unknown() accepts)
 *
 * gunyah_rm_mem_share() asks for the entries one message at a time, in
 * order, and writes them straight into that message: a parcel needs no
 * list of its entries, only their number.
 */
struct gunyah_rm_mem_entry_src {
	int (*fill)(struct gunyah_rm_mem_entry_src *src,
		    struct gunyah_rm_mem_entry *entries, size_t n);
};

/**
 * struct gunyah_rm_mem_parcel - a memory parcel as the VM manager builds it
 * @mem_type: %GUNYAH_RM_MEM_TYPE_NORMAL or %GUNYAH_RM_MEM_TYPE_IO
 * @label: the label the guest's devicetree names the parcel by
 * @lend: lend (the ACL lists only receivers) rather than share (the ACL
 *        also lists the owner)
 * @sanitize: ask the RM to zero the memory when the parcel is created
 * @n_acl_entries: entries in @acl_entries (at most %GUNYAH_RM_MAX_ACL_ENTRIES)
 * @acl_entries: who gets access, with which rights
 * @n_mem_entries: how many memory entries @mem_src gives; more than
 *                 %GUNYAH_RM_MAX_MEM_ENTRIES go out with MEM_APPEND
 * @mem_src: the memory entries, in guest-address order; only used while
 *           gunyah_rm_mem_share() runs
 * @mem_handle: set by the RM on success, %GUNYAH_RM_MEM_HANDLE_INVAL before
 * @tx_msgs: messages sent to give it (MEM_LEND or MEM_SHARE, MEM_APPEND)
 * @tx_bytes: bytes of those messages, headers included
 * @late: if not NULL, hears the reply of a MEM_LEND, MEM_SHARE or
 *        MEM_RECLAIM that came after the call gave up waiting
 *        (gunyah_rm_call_late()); gunyah_rm_mem_share_reply() reads a
 *        MEM_LEND or MEM_SHARE reply's handle
 */
struct gunyah_rm_mem_parcel {
	u8 mem_type;
	u32 label;
	bool lend;
	bool sanitize;
	size_t n_acl_entries;
	struct gunyah_rm_mem_acl_entry *acl_entries;
	size_t n_mem_entries;
	struct gunyah_rm_mem_entry_src *mem_src;
	u32 mem_handle;
	u32 tx_msgs;
	u32 tx_bytes;
	struct gunyah_rm_late *late;
};

int gunyah_rm_mem_share_reply(int ret, const void *payload, size_t size,
			      u32 *handle);
int gunyah_rm_mem_share(struct gunyah_rm *rm, struct gunyah_rm_mem_parcel *p);
#if IS_ENABLED(CONFIG_GUNYAH_KUNIT_TEST)
/**
 * struct gunyah_rm_mem_entry_array - memory entries from an array
 * @src: the source gunyah_rm_mem_share() reads
 * @entries: the entries not read yet
 * @n: how many
 */
struct gunyah_rm_mem_entry_array {
	struct gunyah_rm_mem_entry_src src;
	const struct gunyah_rm_mem_entry *entries;
	size_t n;
};

void gunyah_rm_mem_entry_array_init(struct gunyah_rm_mem_entry_array *a,
				    const struct gunyah_rm_mem_entry *entries,
				    size_t n);
#endif
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, struct gunyah_rm_mem_parcel *p,
			  bool sanitize);
int gunyah_rm_mem_notify(struct gunyah_rm *rm, u32 mem_handle, u8 flags,
			 u32 mem_info_tag, size_t n_vmids, const u16 *vmids);

int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid, u16 auth_mech,
			   u32 mem_handle, u64 image_offset, u64 image_size,
			   u64 dtb_offset, u64 dtb_size);
int gunyah_rm_vm_set_boot_context(struct gunyah_rm *rm, u16 vmid, u8 reg_set,
				  u8 reg_index, u64 value);
int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources);
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid);

#endif /* __GUNYAH_RSC_MGR_H */
