// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated RM's memory parcels: MEM_LEND, MEM_SHARE, MEM_APPEND,
 * MEM_RECLAIM and MEM_NOTIFY, with the public RM's rules, and the guest's
 * side of a parcel (accept, release).
 *
 * Every SGL entry of every live parcel sits in one tree of ranges, so a
 * page can be in one parcel only. The simulator reads or writes a parcel's
 * memory only when the RM would (to zero it on SANITIZE, to read the
 * guest's devicetree), and then through a temporary mapping of the
 * parcel's own pages: lent pages are not in the kernel's direct map.
 *
 * Locking: the simulator's @lock, held by whoever calls in (see rm_sim.h).
 */

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "rm_sim.h"

/* ---- Ranges ------------------------------------------------------------ */

static int rm_sim_range_insert(struct rb_root *root, struct rm_sim_range *r)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	/* The tree holds disjoint ranges: an overlap is met on the way down. */
	while (*link) {
		struct rm_sim_range *cur = rb_entry(*link, struct rm_sim_range,
						    node);

		parent = *link;
		if (r->base + r->size <= cur->base)
			link = &parent->rb_left;
		else if (r->base >= cur->base + cur->size)
			link = &parent->rb_right;
		else
			return -EEXIST;
	}
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, root);
	return 0;
}

static bool rm_sim_range_is_ram(u64 base, u64 size)
{
	unsigned long pfn = PHYS_PFN(base), end = PHYS_PFN(base + size);

	for (; pfn < end; pfn++) {
		if (!pfn_valid(pfn))
			return false;
		if (!(pfn % 4096))
			cond_resched();
	}
	return true;
}

/* Zero [base, base + size) through temporary mappings of its pages. */
static int rm_sim_zero_range(u64 base, u64 size)
{
	unsigned long pfn = PHYS_PFN(base), left = size >> PAGE_SHIFT;
	struct page *pages[64];

	while (left) {
		unsigned int i, n = min_t(unsigned long, left, ARRAY_SIZE(pages));
		void *va;

		for (i = 0; i < n; i++)
			pages[i] = pfn_to_page(pfn + i);
		va = vmap(pages, n, VM_MAP, PAGE_KERNEL);
		if (!va)
			return -ENOMEM;
		memset(va, 0, n << PAGE_SHIFT);
		vunmap(va);
		pfn += n;
		left -= n;
		cond_resched();
	}
	return 0;
}

static void rm_sim_chunk_free(struct gunyah_rm_sim *sim,
			      struct rm_sim_chunk *c, unsigned int inserted)
{
	while (inserted--)
		rb_erase(&c->ranges[inserted].node, &sim->ranges);
	kfree(c);
}

/*
 * Add @n SGL entries to @p: 4 KiB-aligned (PAGE_SIZE here), below 2^44,
 * RAM, and in no live parcel, this one included.
 */
static u32 rm_sim_chunk_add(struct gunyah_rm_sim *sim, struct rm_sim_parcel *p,
			    const struct gunyah_rm_mem_entry *sgl,
			    unsigned int n, bool sanitize)
{
	struct rm_sim_chunk *c;
	unsigned int i;
	u64 pages = 0;
	u32 err;

	if (!n)
		return GUNYAH_RM_ERROR_OK;
	c = kzalloc(struct_size(c, ranges, n), GFP_KERNEL);
	if (!c)
		return GUNYAH_RM_ERROR_NOMEM;
	c->n = n;

	for (i = 0; i < n; i++) {
		struct rm_sim_range *r = &c->ranges[i];

		r->base = le64_to_cpu(sgl[i].phys_addr);
		r->size = le64_to_cpu(sgl[i].size);
		if (!r->size || !PAGE_ALIGNED(r->base) || !PAGE_ALIGNED(r->size) ||
		    r->base >= RM_SIM_MAX_ADDR ||
		    r->size > RM_SIM_MAX_ADDR - r->base) {
			err = GUNYAH_RM_ERROR_ARGUMENT_INVALID;
			goto err;
		}
		if (rm_sim_range_insert(&sim->ranges, r)) {
			err = GUNYAH_RM_ERROR_MEM_INVALID;
			goto err;
		}
		if (!rm_sim_range_is_ram(r->base, r->size)) {
			i++;	/* remove this one too */
			err = GUNYAH_RM_ERROR_MEM_INVALID;
			goto err;
		}
		pages += r->size >> PAGE_SHIFT;
	}

	if (sanitize) {
		for (i = 0; i < n; i++) {
			if (rm_sim_zero_range(c->ranges[i].base, c->ranges[i].size)) {
				i = n;
				err = GUNYAH_RM_ERROR_NOMEM;
				goto err;
			}
		}
	}
	list_add_tail(&c->list, &p->chunks);
	p->n_pages += pages;
	return GUNYAH_RM_ERROR_OK;

err:
	rm_sim_chunk_free(sim, c, i);
	return err;
}

/* ---- Parcels ----------------------------------------------------------- */

/**
 * rm_sim_parcel_lookup() - find a live parcel
 * @sim: the simulated RM
 * @handle: its handle
 *
 * Context: @sim->lock held.
 * Return: the parcel, or NULL.
 */
struct rm_sim_parcel *rm_sim_parcel_lookup(struct gunyah_rm_sim *sim,
					   u32 handle)
{
	lockdep_assert_held(&sim->lock);
	return xa_load(&sim->parcels, handle);
}

/**
 * rm_sim_parcel_acl() - a VM's entry in a parcel's ACL
 * @p: the parcel
 * @vmid: the VM
 *
 * Return: the entry, or NULL if @vmid has no access.
 */
struct rm_sim_acl *rm_sim_parcel_acl(struct rm_sim_parcel *p, u16 vmid)
{
	unsigned int i;

	for (i = 0; i < p->n_acl; i++)
		if (p->acl[i].vmid == vmid)
			return &p->acl[i];
	return NULL;
}

/**
 * rm_sim_parcel_size() - size of a parcel
 * @p: the parcel
 *
 * Return: its size in bytes, its SGL entries put end to end.
 */
u64 rm_sim_parcel_size(const struct rm_sim_parcel *p)
{
	return p->n_pages << PAGE_SHIFT;
}

/**
 * rm_sim_parcel_vmap() - map part of a parcel into the kernel
 * @p: the parcel
 * @offset: where to start, counted along the SGL; page-aligned
 * @size: bytes to map; page-aligned and not 0
 *
 * Context: @sim->lock held, so the parcel stays.
 * Return: the mapping, to be released with vunmap(), or NULL if the range
 * is not in the parcel or memory is short.
 */
void *rm_sim_parcel_vmap(struct rm_sim_parcel *p, u64 offset, u64 size)
{
	unsigned long n = size >> PAGE_SHIFT, got = 0;
	struct rm_sim_chunk *c;
	struct page **pages;
	u64 skip = offset;
	void *va;

	if (!size || !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(size) ||
	    offset > rm_sim_parcel_size(p) ||
	    size > rm_sim_parcel_size(p) - offset)
		return NULL;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;

	/* @offset counts along the SGL: skip that much, then take pages. */
	list_for_each_entry(c, &p->chunks, list) {
		unsigned int i;

		for (i = 0; i < c->n && got < n; i++) {
			const struct rm_sim_range *r = &c->ranges[i];
			unsigned long pfn;
			u64 off;

			if (skip >= r->size) {
				skip -= r->size;
				continue;
			}
			pfn = PHYS_PFN(r->base + skip);
			for (off = skip; off < r->size && got < n; off += PAGE_SIZE)
				pages[got++] = pfn_to_page(pfn++);
			skip = 0;
		}
	}

	va = got == n ? vmap(pages, n, VM_MAP, PAGE_KERNEL) : NULL;
	kvfree(pages);
	return va;
}

static void rm_sim_parcel_free(struct gunyah_rm_sim *sim,
			       struct rm_sim_parcel *p)
{
	struct rm_sim_chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, &p->chunks, list) {
		list_del(&c->list);
		rm_sim_chunk_free(sim, c, c->n);
	}
	kfree(p);
}

static void rm_sim_parcel_destroy(struct gunyah_rm_sim *sim,
				  struct rm_sim_parcel *p)
{
	xa_erase(&sim->parcels, p->handle);
	sim->n_parcels--;
	rm_sim_parcel_free(sim, p);
}

/**
 * rm_sim_parcels_destroy() - forget every parcel
 * @sim: the simulated RM, being destroyed
 */
void rm_sim_parcels_destroy(struct gunyah_rm_sim *sim)
{
	struct rm_sim_parcel *p;
	unsigned long handle;

	xa_for_each(&sim->parcels, handle, p)
		rm_sim_parcel_destroy(sim, p);
}

/**
 * rm_sim_vm_pages() - pages lent and shared to a VM
 * @sim: the simulated RM
 * @vmid: the VM
 * @lent: pages of live parcels lent to it
 * @shared: pages of live parcels shared with it
 */
void rm_sim_vm_pages(struct gunyah_rm_sim *sim, u16 vmid, u64 *lent,
		     u64 *shared)
{
	struct rm_sim_parcel *p;
	unsigned long handle;

	lockdep_assert_held(&sim->lock);
	*lent = 0;
	*shared = 0;
	xa_for_each(&sim->parcels, handle, p) {
		if (!rm_sim_parcel_acl(p, vmid))
			continue;
		if (p->lend)
			*lent += p->n_pages;
		else
			*shared += p->n_pages;
	}
}

/* ---- The guest's side ---------------------------------------------------- */

static void rm_sim_owner_notif(struct gunyah_rm_sim *sim,
			       struct rm_sim_parcel *p, u16 vmid, u32 msg_id,
			       struct list_head *notifs)
{
	struct gunyah_rm_mem_released_payload n = {
		.mem_handle = cpu_to_le32(p->handle),
		.vmid = cpu_to_le16(vmid),
	};

	rm_sim_queue_notif(sim, notifs, msg_id, &n, sizeof(n));
}

/**
 * rm_sim_accept() - a VM maps a parcel it was given
 * @sim: the simulated RM
 * @p: the parcel
 * @vmid: the VM
 * @notifs: where the owner's MEM_ACCEPTED notification goes
 *
 * Return: 0, -ENOENT if @vmid is not a receiver of @p, -EBUSY if @p is
 * still being built or already accepted by @vmid.
 */
int rm_sim_accept(struct gunyah_rm_sim *sim, struct rm_sim_parcel *p,
		  u16 vmid, struct list_head *notifs)
{
	struct rm_sim_acl *acl = rm_sim_parcel_acl(p, vmid);

	lockdep_assert_held(&sim->lock);
	if (!acl || vmid == p->owner)
		return -ENOENT;
	if (p->open || acl->accepted)
		return -EBUSY;
	acl->accepted = true;
	rm_sim_owner_notif(sim, p, vmid, GUNYAH_RM_NOTIF_MEM_ACCEPTED, notifs);
	return 0;
}

/**
 * rm_sim_release() - a VM gives back a parcel it accepted
 * @sim: the simulated RM
 * @p: the parcel
 * @vmid: the VM
 * @notifs: where the owner's MEM_RELEASED notification goes
 *
 * Return: 0, -ENOENT if @vmid is not a receiver of @p, -EBUSY if it has not
 * accepted @p.
 */
int rm_sim_release(struct gunyah_rm_sim *sim, struct rm_sim_parcel *p,
		   u16 vmid, struct list_head *notifs)
{
	struct rm_sim_acl *acl = rm_sim_parcel_acl(p, vmid);

	lockdep_assert_held(&sim->lock);
	if (!acl || vmid == p->owner)
		return -ENOENT;
	if (!acl->accepted)
		return -EBUSY;
	acl->accepted = false;
	rm_sim_owner_notif(sim, p, vmid, GUNYAH_RM_NOTIF_MEM_RELEASED, notifs);
	return 0;
}

/**
 * rm_sim_accept_all() - accept every finished parcel given to a VM
 * @sim: the simulated RM
 * @vmid: the VM, being started
 * @notifs: where the MEM_ACCEPTED notifications go
 */
void rm_sim_accept_all(struct gunyah_rm_sim *sim, u16 vmid,
		       struct list_head *notifs)
{
	struct rm_sim_parcel *p;
	unsigned long handle;
	struct rm_sim_acl *acl;

	xa_for_each(&sim->parcels, handle, p) {
		acl = rm_sim_parcel_acl(p, vmid);
		if (acl && !acl->accepted && !p->open)
			rm_sim_accept(sim, p, vmid, notifs);
	}
}

/**
 * rm_sim_release_all() - release every parcel a VM accepted
 * @sim: the simulated RM
 * @vmid: the VM, being reset
 * @notifs: where the MEM_RELEASED notifications go
 */
void rm_sim_release_all(struct gunyah_rm_sim *sim, u16 vmid,
			struct list_head *notifs)
{
	struct rm_sim_parcel *p;
	unsigned long handle;
	struct rm_sim_acl *acl;

	xa_for_each(&sim->parcels, handle, p) {
		acl = rm_sim_parcel_acl(p, vmid);
		if (acl && acl->accepted)
			rm_sim_release(sim, p, vmid, notifs);
	}
}

/* ---- Requests ---------------------------------------------------------- */

/* Take one list section (count, reserved, entries) off the payload. */
static u32 rm_sim_take_list(const u8 **pos, size_t *left, size_t entry_size,
			    unsigned int *n, const void **entries)
{
	const struct gunyah_rm_mem_list_hdr *h = (const void *)*pos;
	size_t bytes;

	if (*left < sizeof(*h))
		return GUNYAH_RM_ERROR_INVALID;
	*n = le16_to_cpu(h->n_entries);
	bytes = sizeof(*h) + (size_t)*n * entry_size;
	if (*left < bytes)
		return GUNYAH_RM_ERROR_INVALID;
	if (h->reserved)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	*entries = *pos + sizeof(*h);
	*pos += bytes;
	*left -= bytes;
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_check_acl(struct gunyah_rm_sim *sim, bool lend,
			    const struct gunyah_rm_mem_acl_entry *acl,
			    unsigned int n)
{
	bool owner = false;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		u16 vmid = le16_to_cpu(acl[i].vmid);

		if (acl[i].reserved || !acl[i].perms ||
		    (acl[i].perms & ~GUNYAH_RM_ACL_RWX))
			return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
		for (j = 0; j < i; j++)
			if (le16_to_cpu(acl[j].vmid) == vmid)
				return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
		if (vmid == RM_SIM_HOST_VMID) {
			owner = true;
			continue;
		}
		if (!xa_load(&sim->vms, vmid))
			return GUNYAH_RM_ERROR_VMID_INVALID;
	}
	/* The owner keeps access to what it shares, never to what it lends. */
	if (lend == owner)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	/* Someone other than the owner has to receive it. */
	if (n < 1 + owner)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_check_attrs(const struct gunyah_rm_mem_acl_entry *acl,
			      unsigned int n_acl,
			      const struct gunyah_rm_mem_attr_entry *attr,
			      unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		u16 vmid = le16_to_cpu(attr[i].vmid);

		if (le16_to_cpu(attr[i].attr) > 3)	/* NORMAL .. CACHED */
			return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
		for (j = 0; j < n_acl; j++)
			if (le16_to_cpu(acl[j].vmid) == vmid)
				break;
		if (j == n_acl)
			return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
		for (j = 0; j < i; j++)
			if (le16_to_cpu(attr[j].vmid) == vmid)
				return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	}
	return GUNYAH_RM_ERROR_OK;
}

/* The rules of MEM_LEND and MEM_SHARE, before anything is created. */
static u32 rm_sim_mem_check_create(struct gunyah_rm_sim *sim,
				   const struct gunyah_rm_mem_share_req_hdr *h,
				   bool lend,
				   const struct gunyah_rm_mem_acl_entry *acl,
				   unsigned int n_acl, unsigned int n_sgl,
				   const struct gunyah_rm_mem_attr_entry *attr,
				   unsigned int n_attr)
{
	u32 err;

	if (h->reserved0 || h->reserved1 ||
	    (h->flags & ~(GUNYAH_RM_MEM_SHARE_SANITIZE | GUNYAH_RM_MEM_SHARE_APPEND)))
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (h->mem_type == GUNYAH_RM_MEM_TYPE_IO)
		return GUNYAH_RM_ERROR_UNIMPLEMENTED;	/* not simulated */
	if (h->mem_type != GUNYAH_RM_MEM_TYPE_NORMAL)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (!n_acl || n_acl > GUNYAH_RM_MAX_ACL_ENTRIES ||
	    !n_sgl || n_sgl > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    n_attr > GUNYAH_RM_MAX_ACL_ENTRIES)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (sim->n_parcels >= GUNYAH_RM_MAX_PARCELS_PER_OWNER)
		return GUNYAH_RM_ERROR_DENIED;
	err = rm_sim_check_acl(sim, lend, acl, n_acl);
	if (!err)
		err = rm_sim_check_attrs(acl, n_acl, attr, n_attr);
	return err;
}

static u32 rm_sim_mem_create(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_mem_share_req_hdr *h = req->payload;
	bool lend = req->msg_id == GUNYAH_RM_RPC_MEM_LEND;
	const struct gunyah_rm_mem_acl_entry *acl;
	const struct gunyah_rm_mem_attr_entry *attr;
	const struct gunyah_rm_mem_entry *sgl;
	unsigned int n_acl, n_sgl, n_attr, i;
	struct rm_sim_parcel *p;
	const u8 *pos;
	__le32 *resp;
	size_t left;
	u32 err, handle;
	int ret;

	if (req->len < sizeof(*h))
		return GUNYAH_RM_ERROR_INVALID;
	pos = (const u8 *)req->payload + sizeof(*h);
	left = req->len - sizeof(*h);
	err = rm_sim_take_list(&pos, &left, sizeof(*acl), &n_acl,
			       (const void **)&acl);
	if (!err)
		err = rm_sim_take_list(&pos, &left, sizeof(*sgl), &n_sgl,
				       (const void **)&sgl);
	if (!err)
		err = rm_sim_take_list(&pos, &left, sizeof(*attr), &n_attr,
				       (const void **)&attr);
	if (err)
		return err;
	if (left)
		return GUNYAH_RM_ERROR_INVALID;

	err = rm_sim_mem_check_create(sim, h, lend, acl, n_acl, n_sgl, attr,
				      n_attr);
	if (err)
		return err;

	p = kzalloc(struct_size(p, acl, n_acl), GFP_KERNEL);
	if (!p)
		return GUNYAH_RM_ERROR_NOMEM;
	p->n_acl = n_acl;
	p->owner = RM_SIM_HOST_VMID;
	p->lend = lend;
	p->open = h->flags & GUNYAH_RM_MEM_SHARE_APPEND;
	p->mem_type = h->mem_type;
	p->label = le32_to_cpu(h->label);
	p->n_attrs = n_attr;
	INIT_LIST_HEAD(&p->chunks);
	for (i = 0; i < n_acl; i++) {
		p->acl[i].vmid = le16_to_cpu(acl[i].vmid);
		p->acl[i].perms = acl[i].perms;
	}
	p->sanitize_create = h->flags & GUNYAH_RM_MEM_SHARE_SANITIZE;

	err = rm_sim_chunk_add(sim, p, sgl, n_sgl, p->sanitize_create);
	if (err)
		goto err_free;

	resp = rm_sim_resp_alloc(req, sizeof(*resp));
	if (!resp) {
		err = GUNYAH_RM_ERROR_NOMEM;
		goto err_free;
	}
	ret = xa_alloc_cyclic(&sim->parcels, &handle, p,
			      XA_LIMIT(1, GUNYAH_RM_MEM_HANDLE_INVAL - 1),
			      &sim->next_handle, GFP_KERNEL);
	if (ret < 0) {
		err = GUNYAH_RM_ERROR_NOMEM;
		goto err_free;
	}
	p->handle = handle;
	sim->n_parcels++;
	*resp = cpu_to_le32(handle);
	return GUNYAH_RM_ERROR_OK;

err_free:
	rm_sim_parcel_free(sim, p);
	return err;
}

static u32 rm_sim_mem_append(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_mem_append_req_hdr *h = req->payload;
	const struct gunyah_rm_mem_entry *sgl;
	struct rm_sim_parcel *p;
	unsigned int n_sgl;
	const u8 *pos;
	size_t left;
	u32 err;

	if (req->len < sizeof(*h))
		return GUNYAH_RM_ERROR_INVALID;
	pos = (const u8 *)req->payload + sizeof(*h);
	left = req->len - sizeof(*h);
	err = rm_sim_take_list(&pos, &left, sizeof(*sgl), &n_sgl,
			       (const void **)&sgl);
	if (err)
		return err;
	if (left)
		return GUNYAH_RM_ERROR_INVALID;

	p = rm_sim_parcel_lookup(sim, le32_to_cpu(h->mem_handle));
	if (!p)
		return GUNYAH_RM_ERROR_HANDLE_INVALID;
	if (!p->open)
		return GUNYAH_RM_ERROR_DENIED;
	if ((h->flags & ~GUNYAH_RM_MEM_APPEND_END) || memchr_inv(h->reserved, 0, 3) ||
	    n_sgl > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    (!n_sgl && !(h->flags & GUNYAH_RM_MEM_APPEND_END)))
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;

	err = rm_sim_chunk_add(sim, p, sgl, n_sgl, p->sanitize_create);
	if (err)
		return err;
	if (h->flags & GUNYAH_RM_MEM_APPEND_END)
		p->open = false;
	return GUNYAH_RM_ERROR_OK;
}

static u32 rm_sim_mem_reclaim(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_mem_release_req *r = req->payload;
	struct rm_sim_parcel *p;
	struct rm_sim_chunk *c;
	unsigned int i;

	if (req->len != sizeof(*r))
		return GUNYAH_RM_ERROR_INVALID;
	p = rm_sim_parcel_lookup(sim, le32_to_cpu(r->mem_handle));
	if (!p)
		return GUNYAH_RM_ERROR_HANDLE_INVALID;
	if ((r->flags & ~GUNYAH_RM_MEM_RECLAIM_SANITIZE) ||
	    memchr_inv(r->reserved, 0, sizeof(r->reserved)))
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	for (i = 0; i < p->n_acl; i++)
		if (p->acl[i].accepted)
			return GUNYAH_RM_ERROR_MEM_INUSE;

	if (r->flags & GUNYAH_RM_MEM_RECLAIM_SANITIZE) {
		list_for_each_entry(c, &p->chunks, list)
			for (i = 0; i < c->n; i++)
				if (rm_sim_zero_range(c->ranges[i].base,
						      c->ranges[i].size))
					return GUNYAH_RM_ERROR_NOMEM;
	}
	rm_sim_parcel_destroy(sim, p);
	return GUNYAH_RM_ERROR_OK;
}

/* After the MEM_NOTIFY header: le16 count, le16 reserved, {le16 vmid, le16}. */
struct rm_sim_notify_vmid {
	__le16 vmid;
	__le16 reserved;
} __packed;

static u32 rm_sim_mem_notify(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	const struct gunyah_rm_mem_notify_req_hdr *h = req->payload;
	const struct rm_sim_notify_vmid *vmids;
	const struct gunyah_rm_mem_list_hdr *lh;
	struct rm_sim_parcel *p;
	struct rm_sim_vm *vm;
	unsigned int n, i;

	if (req->len < sizeof(*h))
		return GUNYAH_RM_ERROR_INVALID;
	p = rm_sim_parcel_lookup(sim, le32_to_cpu(h->mem_handle));
	if (!p)
		return GUNYAH_RM_ERROR_HANDLE_INVALID;
	if (memchr_inv(h->reserved, 0, sizeof(h->reserved)))
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;

	switch (h->flags) {
	case GUNYAH_RM_MEM_NOTIFY_SHARED:
		break;
	case GUNYAH_RM_MEM_NOTIFY_RECALL:
		/* Forwarded to the guests, which the simulation does not run. */
		return GUNYAH_RM_ERROR_OK;
	default:
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	}

	if (req->len < sizeof(*h) + sizeof(*lh))
		return GUNYAH_RM_ERROR_INVALID;
	lh = (const void *)(h + 1);
	n = le16_to_cpu(lh->n_entries);
	if (!n || n > p->n_acl)
		return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	if (req->len < sizeof(*h) + sizeof(*lh) + n * sizeof(*vmids))
		return GUNYAH_RM_ERROR_INVALID;
	vmids = (const void *)(lh + 1);
	for (i = 0; i < n; i++) {
		u16 vmid = le16_to_cpu(vmids[i].vmid);

		if (!rm_sim_vm_lookup(sim, vmid))
			return GUNYAH_RM_ERROR_VMID_INVALID;
		if (!rm_sim_parcel_acl(p, vmid) || vmid == p->owner)
			return GUNYAH_RM_ERROR_ARGUMENT_INVALID;
	}
	if (p->open)
		return GUNYAH_RM_ERROR_DENIED;
	/*
	 * Telling a running guest that has no RM link makes the public RM
	 * stop answering anyone. Refuse it, loudly, rather than imitate that.
	 */
	for (i = 0; i < n; i++) {
		vm = rm_sim_vm_lookup(sim, le16_to_cpu(vmids[i].vmid));
		if (vm->state != GUNYAH_RM_VM_STATUS_READY && !vm->rm_link) {
			dev_warn(sim->dev, "MEM_NOTIFY to VM %u, which has no RM link: the public RM would stop answering\n",
				 vm->vmid);
			return GUNYAH_RM_ERROR_DENIED;
		}
	}

	/*
	 * A VM that is READY has the parcel mapped at once; a running one
	 * would get MEM_SHARED and accept it itself, over an RM link the
	 * simulated guest does not have (use debugfs "accept" instead).
	 */
	for (i = 0; i < n; i++) {
		u16 vmid = le16_to_cpu(vmids[i].vmid);

		vm = rm_sim_vm_lookup(sim, vmid);
		if (vm->state == GUNYAH_RM_VM_STATUS_READY &&
		    !rm_sim_parcel_acl(p, vmid)->accepted)
			rm_sim_accept(sim, p, vmid, &req->notifs);
	}
	return GUNYAH_RM_ERROR_OK;
}

/**
 * rm_sim_mem_handles() - whether a request is a memory-parcel call
 * @msg_id: the request
 *
 * Return: true if rm_sim_mem_handle() handles it.
 */
bool rm_sim_mem_handles(u32 msg_id)
{
	switch (msg_id) {
	case GUNYAH_RM_RPC_MEM_LEND:
	case GUNYAH_RM_RPC_MEM_SHARE:
	case GUNYAH_RM_RPC_MEM_APPEND:
	case GUNYAH_RM_RPC_MEM_RECLAIM:
	case GUNYAH_RM_RPC_MEM_NOTIFY:
		return true;
	default:
		return false;
	}
}

/**
 * rm_sim_mem_handle() - handle a memory-parcel request
 * @sim: the simulated RM
 * @req: the request
 *
 * Context: @sim->lock held.
 * Return: the RM error code of the reply.
 */
u32 rm_sim_mem_handle(struct gunyah_rm_sim *sim, struct rm_sim_req *req)
{
	lockdep_assert_held(&sim->lock);

	switch (req->msg_id) {
	case GUNYAH_RM_RPC_MEM_LEND:
	case GUNYAH_RM_RPC_MEM_SHARE:
		return rm_sim_mem_create(sim, req);
	case GUNYAH_RM_RPC_MEM_APPEND:
		return rm_sim_mem_append(sim, req);
	case GUNYAH_RM_RPC_MEM_RECLAIM:
		return rm_sim_mem_reclaim(sim, req);
	case GUNYAH_RM_RPC_MEM_NOTIFY:
		return rm_sim_mem_notify(sim, req);
	default:
		return GUNYAH_RM_ERROR_UNIMPLEMENTED;
	}
}
