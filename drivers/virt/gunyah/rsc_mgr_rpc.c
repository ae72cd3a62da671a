// SPDX-License-Identifier: GPL-2.0-only
/*
 * Typed Gunyah Resource Manager calls: one function per RM call, building
 * the request payload and checking the reply's.
 *
 * Locking: none of its own; the RPC core serialises what it must.
 */

#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "rsc_mgr.h"

static int gunyah_rm_common_vmid_call(struct gunyah_rm *rm, u32 msg_id, u16 vmid)
{
	struct gunyah_rm_vm_common_req req = { .vmid = cpu_to_le16(vmid) };

	return gunyah_rm_call(rm, msg_id, &req, sizeof(req), NULL, NULL);
}

/* Append a counted list section: le16 count, le16 reserved, entries. */
static void *gunyah_rm_put_list(void *p, const void *entries, size_t n,
				size_t entry_size)
{
	struct gunyah_rm_mem_list_hdr *hdr = p;

	hdr->n_entries = cpu_to_le16(n);
	hdr->reserved = 0;
	p += sizeof(*hdr);
	if (n)
		memcpy(p, entries, n * entry_size);
	return p + n * entry_size;
}

/* Append a list section of the parcel's next @n memory entries. */
static int gunyah_rm_put_mem_list(struct gunyah_rm_mem_parcel *parcel,
				  void **p, size_t n)
{
	struct gunyah_rm_mem_list_hdr *hdr = *p;
	struct gunyah_rm_mem_entry *entries = *p + sizeof(*hdr);

	hdr->n_entries = cpu_to_le16(n);
	hdr->reserved = 0;
	*p = entries + n;
	return parcel->mem_src->fill(parcel->mem_src, entries, n);
}

/* Count a request of @size payload bytes: its messages and their bytes. */
static void gunyah_rm_count_tx(struct gunyah_rm_mem_parcel *p, size_t size)
{
	u32 msgs = 1 + (size ? (size - 1) / GUNYAH_RM_FRAG_PAYLOAD : 0);

	p->tx_msgs += msgs;
	p->tx_bytes += size + msgs * GUNYAH_RM_HDR_SIZE;
}

/* The parcel's entries after the first @sent, in MEM_APPEND chunks. */
static int gunyah_rm_mem_append(struct gunyah_rm *rm,
				struct gunyah_rm_mem_parcel *parcel,
				size_t sent)
{
	size_t n = parcel->n_mem_entries - sent, chunk, size;
	struct gunyah_rm_mem_append_req_hdr *hdr;
	void *req, *p;
	int ret = 0;

	size = sizeof(*hdr) + sizeof(struct gunyah_rm_mem_list_hdr) +
	       GUNYAH_RM_MAX_MEM_ENTRIES * sizeof(struct gunyah_rm_mem_entry);
	req = kmalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	while (n) {
		chunk = min_t(size_t, n, GUNYAH_RM_MAX_MEM_ENTRIES);
		hdr = req;
		hdr->mem_handle = cpu_to_le32(parcel->mem_handle);
		hdr->flags = chunk == n ? GUNYAH_RM_MEM_APPEND_END : 0;
		memset(hdr->reserved, 0, sizeof(hdr->reserved));
		p = req + sizeof(*hdr);
		ret = gunyah_rm_put_mem_list(parcel, &p, chunk);
		if (ret)
			break;
		gunyah_rm_count_tx(parcel, p - req);
		ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_APPEND, req, p - req,
				     NULL, NULL);
		if (ret)
			break;
		n -= chunk;
	}

	kfree(req);
	return ret;
}

/**
 * gunyah_rm_mem_share_reply() - read the reply of a MEM_LEND or MEM_SHARE
 * @ret: the call's outcome
 * @payload: the reply's payload after the error code
 * @size: its size
 * @handle: set to the new parcel's handle if the RM gave one
 *
 * Also for a late reply (&struct gunyah_rm_late): it may run in atomic
 * context.
 *
 * Return: @ret, or -EBADMSG if a successful reply has no handle.
 */
int gunyah_rm_mem_share_reply(int ret, const void *payload, size_t size,
			      u32 *handle)
{
	if (ret)
		return ret;
	if (size < sizeof(__le32))
		return -EBADMSG;
	*handle = get_unaligned_le32(payload);
	return 0;
}

/**
 * gunyah_rm_mem_share() - lend or share memory with other VMs
 * @rm: the RPC core
 * @p: the parcel; @p->mem_handle is set on success
 *
 * Sends MEM_LEND or MEM_SHARE with the first %GUNYAH_RM_MAX_MEM_ENTRIES
 * memory entries and, if there are more, the rest with MEM_APPEND; each
 * message's entries are read from @p->mem_src as it is written, so only
 * one message is held at a time. If an append fails, or the entries for
 * one cannot be read, the parcel is reclaimed. Should that reclaim fail
 * as well, @p->mem_handle stays valid: the memory is still given and the
 * caller must not reuse it before reclaiming the parcel.
 *
 * Return: 0 or a negative errno; -EINVAL for an empty or too long ACL or
 * no memory entries, -EBADMSG for a malformed reply, or the error of
 * @p->mem_src.
 */
int gunyah_rm_mem_share(struct gunyah_rm *rm, struct gunyah_rm_mem_parcel *p)
{
	struct gunyah_rm_mem_share_req_hdr *hdr;
	size_t first, size;
	void *req, *pos, *resp;
	size_t resp_size;
	int ret, err;

	p->mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	if (!p->n_acl_entries || p->n_acl_entries > GUNYAH_RM_MAX_ACL_ENTRIES ||
	    !p->n_mem_entries || !p->mem_src)
		return -EINVAL;

	/* The count says whether appends follow: the APPEND flag. */
	first = min_t(size_t, p->n_mem_entries, GUNYAH_RM_MAX_MEM_ENTRIES);
	size = sizeof(*hdr) + 3 * sizeof(struct gunyah_rm_mem_list_hdr) +
	       p->n_acl_entries * sizeof(*p->acl_entries) +
	       first * sizeof(struct gunyah_rm_mem_entry);
	req = kzalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	hdr = req;
	hdr->mem_type = p->mem_type;
	hdr->flags = p->sanitize ? GUNYAH_RM_MEM_SHARE_SANITIZE : 0;
	if (first < p->n_mem_entries)
		hdr->flags |= GUNYAH_RM_MEM_SHARE_APPEND;
	hdr->label = cpu_to_le32(p->label);
	pos = gunyah_rm_put_list(req + sizeof(*hdr), p->acl_entries,
				 p->n_acl_entries, sizeof(*p->acl_entries));
	ret = gunyah_rm_put_mem_list(p, &pos, first);
	if (ret) {
		kfree(req);
		return ret;
	}
	/* No attribute entries: the RM's defaults for normal memory. */
	pos = gunyah_rm_put_list(pos, NULL, 0, 0);

	gunyah_rm_count_tx(p, pos - req);
	ret = gunyah_rm_call_late(rm, p->lend ? GUNYAH_RM_RPC_MEM_LEND :
				  GUNYAH_RM_RPC_MEM_SHARE, req, pos - req,
				  &resp, &resp_size, p->late);
	kfree(req);
	ret = gunyah_rm_mem_share_reply(ret, resp, resp_size, &p->mem_handle);
	kfree(resp);
	if (ret)
		return ret;

	if (first == p->n_mem_entries)
		return 0;

	ret = gunyah_rm_mem_append(rm, p, first);
	if (ret) {
		err = gunyah_rm_mem_reclaim(rm, p, false);
		if (err)
			pr_warn_ratelimited("gunyah_rm: parcel %#x stays given: reclaim after a failed append: %d\n",
					    p->mem_handle, err);
	}
	return ret;
}

#if IS_ENABLED(CONFIG_GUNYAH_KUNIT_TEST)
static int gunyah_rm_mem_entry_array_fill(struct gunyah_rm_mem_entry_src *src,
					  struct gunyah_rm_mem_entry *entries,
					  size_t n)
{
	struct gunyah_rm_mem_entry_array *a =
		container_of(src, struct gunyah_rm_mem_entry_array, src);

	if (n > a->n)
		return -EINVAL;
	memcpy(entries, a->entries, n * sizeof(*entries));
	a->entries += n;
	a->n -= n;
	return 0;
}

/**
 * gunyah_rm_mem_entry_array_init() - a parcel's memory entries from an array
 * @a: the source to set up; point a parcel's @mem_src at @a->src
 * @entries: the entries, which @a does not copy
 * @n: how many
 */
void gunyah_rm_mem_entry_array_init(struct gunyah_rm_mem_entry_array *a,
				    const struct gunyah_rm_mem_entry *entries,
				    size_t n)
{
	a->src.fill = gunyah_rm_mem_entry_array_fill;
	a->entries = entries;
	a->n = n;
}
#endif

/**
 * gunyah_rm_mem_reclaim() - take a lent or shared parcel back
 * @rm: the RPC core
 * @p: a parcel given with gunyah_rm_mem_share(); its handle is invalidated
 *     on success
 * @sanitize: ask the RM to zero the memory before returning it
 *
 * Should the call give up waiting (-ETIMEDOUT), the RM may have taken the
 * parcel back and may give its handle to another: do not name it again
 * before @p->late heard the reply.
 *
 * Return: 0 or a negative errno; -EBUSY while a VM still has the parcel
 * accepted.
 */
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, struct gunyah_rm_mem_parcel *p,
			  bool sanitize)
{
	struct gunyah_rm_mem_release_req req = {
		.mem_handle = cpu_to_le32(p->mem_handle),
		.flags = sanitize ? GUNYAH_RM_MEM_RECLAIM_SANITIZE : 0,
	};
	int ret;

	ret = gunyah_rm_call_late(rm, GUNYAH_RM_RPC_MEM_RECLAIM, &req,
				  sizeof(req), NULL, NULL, p->late);
	if (!ret)
		p->mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	return ret;
}

/**
 * gunyah_rm_mem_notify() - tell VMs about a parcel given after they started
 * @rm: the RPC core
 * @mem_handle: the parcel
 * @flags: %GUNYAH_RM_MEM_NOTIFY_SHARED
 * @mem_info_tag: a tag the receivers see
 * @n_vmids: entries in @vmids
 * @vmids: the VMs to notify
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_notify(struct gunyah_rm *rm, u32 mem_handle, u8 flags,
			 u32 mem_info_tag, size_t n_vmids, const u16 *vmids)
{
	struct gunyah_rm_mem_notify_req_hdr *hdr;
	struct gunyah_rm_mem_list_hdr *list;
	__le16 *entry;
	size_t size, i;
	void *req;
	int ret;

	if (!n_vmids || n_vmids > GUNYAH_RM_MAX_ACL_ENTRIES)
		return -EINVAL;

	/* Each VM is a { le16 vmid; le16 reserved } entry. */
	size = sizeof(*hdr) + sizeof(*list) + n_vmids * 2 * sizeof(__le16);
	req = kzalloc(size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	hdr = req;
	hdr->mem_handle = cpu_to_le32(mem_handle);
	hdr->flags = flags;
	hdr->mem_info_tag = cpu_to_le32(mem_info_tag);
	list = req + sizeof(*hdr);
	list->n_entries = cpu_to_le16(n_vmids);
	entry = (__le16 *)(list + 1);
	for (i = 0; i < n_vmids; i++)
		entry[2 * i] = cpu_to_le16(vmids[i]);

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_NOTIFY, req, size, NULL, NULL);
	kfree(req);
	return ret;
}

/**
 * gunyah_rm_alloc_vmid() - allocate a VM
 * @rm: the RPC core
 * @vmid: the vmid wanted, or 0 for one the RM chooses
 *
 * Return: the vmid (positive) or a negative errno.
 */
int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid)
{
	struct gunyah_rm_vm_common_req req = { .vmid = cpu_to_le16(vmid) };
	size_t resp_size;
	void *resp;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_ALLOC_VMID, &req, sizeof(req),
			     &resp, &resp_size);
	if (ret)
		return ret;

	if (vmid) {
		kfree(resp);
		return vmid;
	}
	/* A dynamic vmid comes back in the reply. */
	if (resp_size < sizeof(__le16)) {
		kfree(resp);
		return -EBADMSG;
	}
	ret = get_unaligned_le16(resp);
	kfree(resp);
	return ret ? ret : -EBADMSG;
}

/**
 * gunyah_rm_dealloc_vmid() - free a VM's vmid
 * @rm: the RPC core
 * @vmid: a vmid from gunyah_rm_alloc_vmid(), in state LOAD or RESET
 *
 * Never call this for a vmid that was not allocated: the public RM asserts
 * that the VM exists.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid);
}

/**
 * gunyah_rm_vm_reset() - start resetting a VM
 * @rm: the RPC core
 * @vmid: a VM that exited, or is ready or failed to initialise
 *
 * The reset completes asynchronously: a VM_STATUS notification with status
 * RESET says when; until then the VM's accepted parcels are not released.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_RESET, vmid);
}

/**
 * gunyah_rm_vm_start() - start a VM that is ready
 * @rm: the RPC core
 * @vmid: the VM
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_START, vmid);
}

/**
 * gunyah_rm_vm_stop() - force a running VM to stop
 * @rm: the RPC core
 * @vmid: the VM
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid)
{
	struct gunyah_rm_vm_stop_req req = {
		.vmid = cpu_to_le16(vmid),
		.flags = GUNYAH_RM_VM_STOP_FLAG_FORCE,
		.stop_reason = cpu_to_le32(GUNYAH_RM_VM_STOP_REASON_FORCE),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_STOP, &req, sizeof(req),
			      NULL, NULL);
}

/**
 * gunyah_rm_vm_init() - have the RM create a configured VM's resources
 * @rm: the RPC core
 * @vmid: the VM, configured with gunyah_rm_vm_configure()
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_common_vmid_call(rm, GUNYAH_RM_RPC_VM_INIT, vmid);
}

/**
 * gunyah_rm_vm_configure() - tell the RM where a VM's image and DTB are
 * @rm: the RPC core
 * @vmid: the VM
 * @auth_mech: %GUNYAH_RM_AUTH_NONE
 * @mem_handle: the image parcel
 * @image_offset: the image's offset in the parcel
 * @image_size: the image's size
 * @dtb_offset: the devicetree's offset in the parcel (page-aligned)
 * @dtb_size: room for the devicetree and the RM's overlay (page-aligned)
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid, u16 auth_mech,
			   u32 mem_handle, u64 image_offset, u64 image_size,
			   u64 dtb_offset, u64 dtb_size)
{
	struct gunyah_rm_vm_config_image_req req = {
		.vmid = cpu_to_le16(vmid),
		.auth_mech = cpu_to_le16(auth_mech),
		.mem_handle = cpu_to_le32(mem_handle),
		.image_offset = cpu_to_le64(image_offset),
		.image_size = cpu_to_le64(image_size),
		.dtb_offset = cpu_to_le64(dtb_offset),
		.dtb_size = cpu_to_le64(dtb_size),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, &req,
			      sizeof(req), NULL, NULL);
}

/**
 * gunyah_rm_vm_set_boot_context() - set a register of the boot vCPU
 * @rm: the RPC core
 * @vmid: the VM, after VM_INIT and before VM_START
 * @reg_set: the register set (X, PC, SP)
 * @reg_index: the register in the set
 * @value: its initial value
 *
 * Return: 0 or a negative errno; -EOPNOTSUPP from an RM without the call.
 */
int gunyah_rm_vm_set_boot_context(struct gunyah_rm *rm, u16 vmid, u8 reg_set,
				  u8 reg_index, u64 value)
{
	struct gunyah_rm_vm_boot_context_req req = {
		.vmid = cpu_to_le16(vmid),
		.reg_set = reg_set,
		.reg_index = reg_index,
		.value = cpu_to_le64(value),
	};

	return gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_SET_BOOT_CONTEXT, &req,
			      sizeof(req), NULL, NULL);
}

/**
 * gunyah_rm_get_hyp_resources() - fetch the hypervisor resources of a VM
 * @rm: the RPC core
 * @vmid: the VM, after VM_INIT
 * @resources: set to the resources (kfree() them)
 *
 * Return: 0 or a negative errno; -EBADMSG if the reply's size does not
 * match its entry count.
 */
int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources)
{
	struct gunyah_rm_vm_common_req req = { .vmid = cpu_to_le16(vmid) };
	struct gunyah_rm_hyp_resources *resp;
	size_t resp_size;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, &req,
			     sizeof(req), (void **)&resp, &resp_size);
	if (ret)
		return ret;

	if (resp_size < sizeof(*resp) ||
	    resp_size != struct_size(resp, entries, le32_to_cpu(resp->n_entries))) {
		kfree(resp);
		return -EBADMSG;
	}
	*resources = resp;
	return 0;
}

/**
 * gunyah_rm_get_vmid() - ask the RM for our own vmid
 * @rm: the RPC core
 * @vmid: set to the vmid
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid)
{
	size_t resp_size;
	void *resp;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0, &resp,
			     &resp_size);
	if (ret)
		return ret;
	if (resp_size < sizeof(__le32)) {
		kfree(resp);
		return -EBADMSG;
	}
	*vmid = get_unaligned_le32(resp) & U16_MAX;
	kfree(resp);
	return 0;
}
