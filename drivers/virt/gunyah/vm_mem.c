// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory bindings and the RM memory parcels that give them to a VM.
 *
 * A binding maps guest pages to a range of a guest memory file. Each
 * binding is given to the RM as one parcel: lent (ACL {guest}) or shared
 * (ACL {guest, host}), with the binding's R/W/X, listing its pages in guest
 * order with physically contiguous neighbours coalesced. The binding that
 * holds the devicetree is the VM's image: lent with label 0.
 *
 * Lending takes the pages away from the host: they are unmapped from every
 * host page table, refused if anything else still holds a reference (a GUP
 * pin, say), removed from the kernel's direct map with one TLB flush for the
 * batch, and only then lent. Reclaim asks the RM to zero lent memory once
 * the guest may have run, and only once the RM has given the pages back do
 * they return to the direct map. A parcel the RM does not give back stays given: its folios keep
 * their references and never reach the page allocator.
 *
 * Locking: the VM's lock serialises binding changes of that VM; a guest
 * memory file's bindings_lock (taken after it) protects that file's
 * bindings and their given state, so punch hole and truncate on the file
 * see consistent state without the VM's lock.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/device.h>
#include <linux/file.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/suspend.h>
#include <linux/swap.h>
#include <linux/seq_file.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <asm/tlbflush.h>
#include <kunit/visibility.h>

#include "gmem.h"
#include "vm.h"
#include "vm_mem.h"

static struct {
	atomic64_t parcels;
	atomic64_t pages_lent;
	atomic64_t pages_shared;
	atomic64_t reclaim_refused;
	atomic64_t lend_busy;
	atomic64_t tlb_flushes;
	atomic64_t parcels_unknown;
} gunyah_mem_stats;

static int gunyah_mem_pm_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	/* The image would be written through the direct map lent pages left. */
	if (action == PM_HIBERNATION_PREPARE &&
	    atomic64_read(&gunyah_mem_stats.pages_lent)) {
		pr_info("hibernation refused: guest memory is lent\n");
		return NOTIFY_BAD;
	}
	return NOTIFY_DONE;
}

static struct notifier_block gunyah_mem_pm_nb = {
	.notifier_call = gunyah_mem_pm_notify,
};

static int __init gunyah_mem_pm_init(void)
{
	return register_pm_notifier(&gunyah_mem_pm_nb);
}
device_initcall(gunyah_mem_pm_init);

/**
 * gunyah_can_lend() - whether pages can be taken out of the direct map
 *
 * Return: true if the kernel maps its linear map page by page (arm64 with
 * rodata=full), which lending needs.
 */
bool gunyah_can_lend(void)
{
	return can_set_direct_map();
}

/**
 * gunyah_folio_in_direct_map() - whether all of a folio is in the direct map
 * @folio: the folio
 *
 * Return: true if every page of @folio is mapped in the direct map.
 */
bool gunyah_folio_in_direct_map(struct folio *folio)
{
	long i;

	for (i = 0; i < folio_nr_pages(folio); i++)
		if (!kernel_page_present(folio_page(folio, i)))
			return false;
	return true;
}

static u64 gunyah_binding_end(const struct gunyah_binding *b)
{
	return b->gfn + b->nr;
}

/* ---- Parcels ----------------------------------------------------------- */

/*
 * Call @fn for each page of @b that @p holds, in order, stopping at the
 * first error; @done counts the pages @fn succeeded on.
 */
typedef int (*gunyah_page_fn)(struct page *page, void *data);

static int gunyah_parcel_walk(struct gunyah_parcel *p, struct gunyah_binding *b,
			      gunyah_page_fn fn, void *data, unsigned long *done)
{
	pgoff_t idx = b->pgoff, end = b->pgoff + b->nr;
	struct folio *folio;
	unsigned long i;
	int ret;

	*done = 0;
	for (i = 0; i < p->nr_folios; i++) {
		folio = p->folios[i];
		for (; idx < end && idx < folio_next_index(folio); idx++) {
			ret = fn(folio_file_page(folio, idx), data);
			if (ret)
				return ret;
			(*done)++;
		}
	}
	return 0;
}

struct gunyah_flush_range {
	unsigned long start;
	unsigned long end;
	unsigned long limit;	/* restore only this many pages */
};

static int gunyah_page_restore(struct page *page, void *data)
{
	struct gunyah_flush_range *r = data;

	if (!r->limit--)
		return -ERANGE;
	/* Making a mapping valid needs no TLB flush. */
	return set_direct_map_default_noflush(page);
}

static int gunyah_page_remove(struct page *page, void *data)
{
	struct gunyah_flush_range *r = data;
	unsigned long addr = (unsigned long)page_address(page);
	int ret;

	ret = set_direct_map_invalid_noflush(page);
	if (ret)
		return ret;
	r->start = min(r->start, addr);
	r->end = max(r->end, addr + PAGE_SIZE);
	return 0;
}

/**
 * gunyah_parcel_restore_direct_map() - put a parcel's pages back in the
 *	direct map
 * @p: the parcel
 * @b: its binding
 * @limit: restore only the first @limit pages (those a failed removal got to)
 */
VISIBLE_IF_KUNIT void gunyah_parcel_restore_direct_map(struct gunyah_parcel *p,
						       struct gunyah_binding *b,
						       unsigned long limit)
{
	struct gunyah_flush_range r = { .limit = limit };
	unsigned long done;

	gunyah_parcel_walk(p, b, gunyah_page_restore, &r, &done);
}

/**
 * gunyah_parcel_remove_direct_map() - take a parcel's pages out of the
 *	direct map, with one TLB flush for all of them
 * @p: the parcel
 * @b: its binding
 *
 * Return: 0, or the error of the page that failed; nothing is removed then.
 */
VISIBLE_IF_KUNIT int gunyah_parcel_remove_direct_map(struct gunyah_parcel *p,
						     struct gunyah_binding *b)
{
	struct gunyah_flush_range r = { .start = ULONG_MAX };
	unsigned long done;
	int ret;

	ret = gunyah_parcel_walk(p, b, gunyah_page_remove, &r, &done);
	if (ret) {
		gunyah_parcel_restore_direct_map(p, b, done);
		return ret;
	}
	flush_tlb_kernel_range(r.start, r.end);
	atomic64_inc(&gunyah_mem_stats.tlb_flushes);
	return 0;
}

/*
 * Take lent pages away from the host: unmap them from user page tables,
 * make sure nothing else holds them, and remove them from the direct map
 * with a single TLB flush.
 */
static int gunyah_parcel_unmap_host(struct gunyah_parcel *p,
				    struct gunyah_binding *b)
{
	struct address_space *mapping = b->gmem->inode->i_mapping;
	struct folio *folio;
	unsigned long i;

	unmap_mapping_range(mapping, (loff_t)b->pgoff << PAGE_SHIFT,
			    (loff_t)b->nr << PAGE_SHIFT, 0);
	/* Folios still in a CPU's LRU batch hold a reference of the batch. */
	lru_add_drain_all();

	for (i = 0; i < p->nr_folios; i++) {
		folio = p->folios[i];
		/* The page cache's references and ours, nothing else. */
		if (folio_mapped(folio) ||
		    folio_ref_count(folio) != folio_nr_pages(folio) + 1) {
			atomic64_inc(&gunyah_mem_stats.lend_busy);
			pr_debug("lend refused: folio %lu has %d references\n",
				 folio->index, folio_ref_count(folio));
			return -EBUSY;
		}
	}

	return gunyah_parcel_remove_direct_map(p, b);
}

static void gunyah_parcel_free(struct gunyah_parcel *p)
{
	unsigned long i;

	for (i = 0; i < p->nr_folios; i++)
		folio_put(p->folios[i]);
	kvfree(p->folios);
	kvfree(p->rm.mem_entries);
	kfree(p->rm.acl_entries);
	kfree(p);
}

/**
 * gunyah_mem_entries_add() - append memory to a parcel's entry list
 * @entries: the list, with room for one more entry
 * @n: entries in @entries; updated
 * @phys: physical address of the memory
 * @len: its length
 *
 * The memory continues the last entry if it follows it physically, so runs
 * of physically contiguous pages, in guest order, are one entry.
 */
VISIBLE_IF_KUNIT void gunyah_mem_entries_add(struct gunyah_rm_mem_entry *entries,
					     size_t *n, phys_addr_t phys, u64 len)
{
	struct gunyah_rm_mem_entry *e = *n ? &entries[*n - 1] : NULL;

	if (e && le64_to_cpu(e->phys_addr) + le64_to_cpu(e->size) == phys) {
		e->size = cpu_to_le64(le64_to_cpu(e->size) + len);
		return;
	}
	e = &entries[(*n)++];
	e->phys_addr = cpu_to_le64(phys);
	e->size = cpu_to_le64(len);
}

/* Collect the binding's folios (allocating them) and its memory entries. */
static int gunyah_parcel_collect(struct gunyah_parcel *p,
				 struct gunyah_binding *b)
{
	pgoff_t idx, end = b->pgoff + b->nr, last;
	struct folio *folio;
	phys_addr_t phys;
	u64 len;

	p->folios = kvcalloc(b->nr, sizeof(*p->folios), GFP_KERNEL_ACCOUNT);
	p->rm.mem_entries = kvcalloc(b->nr, sizeof(*p->rm.mem_entries),
				     GFP_KERNEL_ACCOUNT);
	if (!p->folios || !p->rm.mem_entries)
		return -ENOMEM;

	for (idx = b->pgoff; idx < end; idx = last) {
		folio = gunyah_gmem_grab_folio(b->gmem, idx, end);
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		folio_unlock(folio);
		p->folios[p->nr_folios++] = folio;

		last = min(end, folio_next_index(folio));
		phys = PFN_PHYS(folio_pfn(folio) + idx - folio->index);
		len = (u64)(last - idx) << PAGE_SHIFT;
		gunyah_mem_entries_add(p->rm.mem_entries, &p->rm.n_mem_entries,
				       phys, len);
	}
	p->pages = b->nr;
	return 0;
}

static u8 gunyah_acl_perms(u32 flags)
{
	return (flags & GH_MEM_ALLOW_READ ? GUNYAH_RM_ACL_R : 0) |
	       (flags & GH_MEM_ALLOW_WRITE ? GUNYAH_RM_ACL_W : 0) |
	       (flags & GH_MEM_ALLOW_EXEC ? GUNYAH_RM_ACL_X : 0);
}

/**
 * gunyah_acl_build() - the ACL of a parcel
 * @acl: room for two entries
 * @vmid: the guest
 * @host_vmid: the host
 * @flags: the binding's &enum gh_map_flags, for the guest's rights
 * @lend: lend (only the guest) rather than share (the guest and the host)
 *
 * Return: the number of entries written.
 */
VISIBLE_IF_KUNIT size_t gunyah_acl_build(struct gunyah_rm_mem_acl_entry *acl,
					 u16 vmid, u16 host_vmid, u32 flags,
					 bool lend)
{
	acl[0].vmid = cpu_to_le16(vmid);
	acl[0].perms = gunyah_acl_perms(flags);
	acl[0].reserved = 0;
	if (lend)
		return 1;
	/* The host keeps full access to what it shares. */
	acl[1].vmid = cpu_to_le16(host_vmid);
	acl[1].perms = GUNYAH_RM_ACL_RWX;
	acl[1].reserved = 0;
	return 2;
}

static int gunyah_parcel_acl(struct gunyah_parcel *p, struct gunyah_binding *b)
{
	p->rm.acl_entries = kcalloc(2, sizeof(*p->rm.acl_entries),
				    GFP_KERNEL_ACCOUNT);
	if (!p->rm.acl_entries)
		return -ENOMEM;
	p->rm.n_acl_entries = gunyah_acl_build(p->rm.acl_entries, b->vm->vmid,
					       b->vm->mgr->host_vmid, b->flags,
					       p->lent);
	return 0;
}

/*
 * Give a binding's memory to the VM as one parcel. On failure everything is
 * undone, unless the RM kept the parcel (a failed append whose reclaim also
 * failed): then the parcel stays given, for teardown to reclaim.
 */
static int gunyah_binding_give(struct gunyah_binding *b, u32 label)
{
	struct gunyah_rm *rm = b->vm->mgr->rm;
	struct gunyah_parcel *p;
	int ret;

	lockdep_assert_held(&b->vm->lock);
	lockdep_assert_held_write(&b->gmem->bindings_lock);
	if (b->parcel)
		return 0;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->lent = b->lend;
	p->rm.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	p->rm.label = label;
	p->rm.lend = b->lend;
	p->rm.mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;

	ret = gunyah_parcel_collect(p, b);
	if (ret)
		goto err_free;
	ret = gunyah_parcel_acl(p, b);
	if (ret)
		goto err_free;
	if (p->lent) {
		ret = gunyah_parcel_unmap_host(p, b);
		if (ret)
			goto err_free;
	}

	ret = gunyah_rm_mem_share(rm, &p->rm);
	if (ret && p->rm.mem_handle == GUNYAH_RM_MEM_HANDLE_INVAL) {
		if (!gunyah_rm_outcome_unknown(ret))
			goto err_restore;
		/*
		 * The RM may hold the pages under a handle we never learnt:
		 * they stay referenced, out of the direct map and of every
		 * host mapping, for good.
		 */
		pr_err("%s of %lu pages: no usable reply (%d); the pages stay with the RM\n",
		       p->lent ? "lend" : "share", p->pages, ret);
		atomic64_inc(&gunyah_mem_stats.parcels_unknown);
	}

	b->parcel = p;
	atomic64_inc(&gunyah_mem_stats.parcels);
	atomic64_add(p->pages, p->lent ? &gunyah_mem_stats.pages_lent :
		     &gunyah_mem_stats.pages_shared);
	return ret;

err_restore:
	if (p->lent)
		gunyah_parcel_restore_direct_map(p, b, ULONG_MAX);
err_free:
	gunyah_parcel_free(p);
	return ret;
}

/* The one reclaim path: unmap, punch hole, VM teardown. */
static int gunyah_binding_reclaim(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;
	int ret;

	lockdep_assert_held_write(&b->gmem->bindings_lock);
	if (!p)
		return 0;
	/* Given with an unknown outcome: nothing to name in a reclaim. */
	if (p->rm.mem_handle == GUNYAH_RM_MEM_HANDLE_INVAL) {
		atomic64_inc(&gunyah_mem_stats.reclaim_refused);
		return -EBUSY;
	}

	/*
	 * Lent memory the guest may have used comes back zeroed, so no guest
	 * data reaches the host. Before VM_START the guest had none of it:
	 * the VMM's image is returned as it was, ready for another start.
	 */
	ret = gunyah_rm_mem_reclaim(b->vm->mgr->rm, &p->rm,
				    p->lent && READ_ONCE(b->vm->guest_ran));
	if (ret) {
		atomic64_inc(&gunyah_mem_stats.reclaim_refused);
		return ret;
	}

	if (p->lent)
		gunyah_parcel_restore_direct_map(p, b, ULONG_MAX);
	atomic64_dec(&gunyah_mem_stats.parcels);
	atomic64_sub(p->pages, p->lent ? &gunyah_mem_stats.pages_lent :
		     &gunyah_mem_stats.pages_shared);
	b->parcel = NULL;
	gunyah_parcel_free(p);
	return 0;
}

static int gunyah_binding_give_locked(struct gunyah_binding *b, u32 label)
{
	int ret;

	down_write(&b->gmem->bindings_lock);
	ret = gunyah_binding_give(b, label);
	up_write(&b->gmem->bindings_lock);
	return ret;
}

static int gunyah_binding_reclaim_locked(struct gunyah_binding *b)
{
	int ret;

	down_write(&b->gmem->bindings_lock);
	ret = gunyah_binding_reclaim(b);
	up_write(&b->gmem->bindings_lock);
	return ret;
}

/* A binding given to a VM that already runs must be announced to it. */
static int gunyah_binding_give_running(struct gunyah_binding *b)
{
	struct gunyah_vm *vm = b->vm;
	u16 vmid = vm->vmid;
	int ret;

	ret = gunyah_binding_give_locked(b, b->label);
	if (ret)
		return ret;
	ret = gunyah_rm_mem_notify(vm->mgr->rm, b->parcel->rm.mem_handle,
				   GUNYAH_RM_MEM_NOTIFY_SHARED, b->label, 1,
				   &vmid);
	if (ret)
		gunyah_binding_reclaim_locked(b);
	return ret;
}

/* ---- Bindings ---------------------------------------------------------- */

/**
 * gunyah_vm_mem_init() - set up a VM's memory state
 * @mem: the VM's memory
 */
void gunyah_vm_mem_init(struct gunyah_vm_mem *mem)
{
	mt_init(&mem->bindings);
	mem->next_label = 1;
}

static void gunyah_binding_free(struct gunyah_binding *b)
{
	fput(b->file);
	kfree(b);
}

static int gunyah_vm_bind(struct gunyah_vm *vm, struct file *file,
			  struct gunyah_gmem *gmem, u64 gfn, pgoff_t pgoff,
			  u64 nr, u32 flags, bool lend)
{
	unsigned long index = gfn;
	struct gunyah_binding *b;
	int ret;

	if (mt_find(&vm->mem.bindings, &index, gfn + nr - 1))
		return -EEXIST;
	/*
	 * Memory given to a running guest must be announced to it (MEM_NOTIFY)
	 * and accepted by it over its own RM link. A guest without one cannot
	 * take it, and the public RM stops answering altogether when asked to
	 * tell such a guest.
	 */
	if (vm->state == GUNYAH_VM_RUNNING && !vm->guest_rm_link)
		return -EOPNOTSUPP;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	b->vm = vm;
	b->file = get_file(file);
	b->gmem = gmem;
	b->gfn = gfn;
	b->pgoff = pgoff;
	b->nr = nr;
	b->flags = flags;
	b->lend = lend;
	b->label = vm->mem.next_label++;

	down_write(&gmem->bindings_lock);
	index = pgoff;
	if (mt_find(&gmem->bindings, &index, pgoff + nr - 1))
		ret = -EEXIST;
	else
		ret = mtree_insert_range(&gmem->bindings, pgoff, pgoff + nr - 1,
					 b, GFP_KERNEL_ACCOUNT);
	up_write(&gmem->bindings_lock);
	if (ret)
		goto err_free;

	ret = mtree_insert_range(&vm->mem.bindings, gfn, gfn + nr - 1, b,
				 GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_erase_file;

	if (vm->state == GUNYAH_VM_RUNNING) {
		ret = gunyah_binding_give_running(b);
		/*
		 * A parcel the RM kept (its reclaim failed too, or the outcome
		 * is unknown) keeps its binding: freeing the binding would
		 * leak the parcel's pages outside the direct map. Teardown, or
		 * the VMM's unmap, takes it back.
		 */
		if (ret && !b->parcel)
			goto err_erase_vm;
	}
	return ret;

err_erase_vm:
	mtree_erase(&vm->mem.bindings, gfn);
err_erase_file:
	down_write(&gmem->bindings_lock);
	mtree_erase(&gmem->bindings, pgoff);
	up_write(&gmem->bindings_lock);
err_free:
	gunyah_binding_free(b);
	return ret;
}

/* Make the trees map [first, last] of the binding to nothing. */
static int gunyah_binding_cut(struct gunyah_binding *b, u64 first, u64 last)
{
	pgoff_t off = b->pgoff - b->gfn;
	int ret;

	ret = mtree_store_range(&b->vm->mem.bindings, first, last, NULL,
				GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	down_write(&b->gmem->bindings_lock);
	ret = mtree_store_range(&b->gmem->bindings, first + off, last + off,
				NULL, GFP_KERNEL_ACCOUNT);
	up_write(&b->gmem->bindings_lock);
	return ret;
}

static int gunyah_vm_unbind(struct gunyah_vm *vm, struct file *file,
			    u64 gfn, pgoff_t pgoff, u64 nr, u32 flags)
{
	u64 end = gfn + nr, b_end;
	struct gunyah_binding *b, *back = NULL;
	bool was_given;
	int ret;

	b = mtree_load(&vm->mem.bindings, gfn);
	if (!b || b->file != file || b->flags != flags ||
	    b->pgoff - b->gfn != pgoff - gfn || end > gunyah_binding_end(b))
		return -ENOENT;
	b_end = gunyah_binding_end(b);

	/* A piece in the middle leaves two bindings behind. */
	if (gfn > b->gfn && end < b_end) {
		back = kmemdup(b, sizeof(*b), GFP_KERNEL_ACCOUNT);
		if (!back)
			return -ENOMEM;
		back->parcel = NULL;
	}

	/*
	 * The whole parcel comes back; what remains is given again below.
	 * Punch hole may reclaim it meanwhile, under the file's lock only:
	 * look and reclaim under that lock.
	 */
	down_write(&b->gmem->bindings_lock);
	was_given = b->parcel;
	ret = gunyah_binding_reclaim(b);
	up_write(&b->gmem->bindings_lock);
	if (ret)
		goto err_free_back;

	if (gfn == b->gfn && end == b_end) {
		mtree_erase(&vm->mem.bindings, b->gfn);
		down_write(&b->gmem->bindings_lock);
		mtree_erase(&b->gmem->bindings, b->pgoff);
		up_write(&b->gmem->bindings_lock);
		gunyah_binding_free(b);
		return 0;
	}

	ret = gunyah_binding_cut(b, gfn, end - 1);
	if (ret)
		goto err_free_back;

	if (back) {
		back->gfn = end;
		back->pgoff = b->pgoff + (end - b->gfn);
		back->nr = b_end - end;
		back->label = vm->mem.next_label++;
		get_file(back->file);
		ret = mtree_store_range(&vm->mem.bindings, back->gfn, b_end - 1,
					back, GFP_KERNEL_ACCOUNT);
		if (!ret) {
			down_write(&b->gmem->bindings_lock);
			ret = mtree_store_range(&b->gmem->bindings, back->pgoff,
						back->pgoff + back->nr - 1, back,
						GFP_KERNEL_ACCOUNT);
			up_write(&b->gmem->bindings_lock);
		}
		if (WARN_ON(ret))
			return ret;
		b->nr = gfn - b->gfn;
	} else if (gfn == b->gfn) {
		b->pgoff += nr;
		b->gfn = end;
		b->nr -= nr;
	} else {
		b->nr -= nr;
	}

	if (was_given) {
		ret = gunyah_binding_give_running(b);
		if (!ret && back)
			ret = gunyah_binding_give_running(back);
	}
	return ret;

err_free_back:
	kfree(back);
	return ret;
}

/**
 * gunyah_vm_map_mem() - GH_VM_MAP_MEM
 * @vm: the VM, with its lock held
 * @args: the request
 *
 * Return: 0 or a negative errno: -EINVAL for bad flags, alignment, or a fd
 * that is not guest memory; -EBADF for a bad fd; -EOVERFLOW for ranges
 * that wrap; -EEXIST for an overlap; -ENOENT for an unmap that matches no
 * binding; -EOPNOTSUPP for a lend the kernel cannot do; -EBUSY when the
 * memory a VM has cannot be taken back.
 */
int gunyah_vm_map_mem(struct gunyah_vm *vm, const struct gh_map_mem_args *args)
{
	u32 access = args->flags & GH_MEM_ACCESS_MASK;
	struct gunyah_gmem *gmem;
	u64 end, file_end;
	struct file *file;
	bool lend;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (args->flags & ~(GH_MEM_ACCESS_MASK | GH_MEM_ALLOW_RWX | GH_MEM_UNMAP))
		return -EINVAL;
	if (!(args->flags & GH_MEM_ALLOW_RWX) || access > GH_MEM_FORCE_SHARE)
		return -EINVAL;
	if (!args->size || !PAGE_ALIGNED(args->guest_addr) ||
	    !PAGE_ALIGNED(args->offset) || !PAGE_ALIGNED(args->size))
		return -EINVAL;
	if (check_add_overflow(args->guest_addr, args->size, &end) ||
	    check_add_overflow(args->offset, args->size, &file_end))
		return -EOVERFLOW;

	file = fget(args->guest_mem_fd);
	if (!file)
		return -EBADF;
	gmem = gunyah_gmem_from_file(file);
	if (!gmem || file_end > i_size_read(gmem->inode)) {
		ret = -EINVAL;
		goto out;
	}

	if (args->flags & GH_MEM_UNMAP) {
		ret = gunyah_vm_unbind(vm, file, args->guest_addr >> PAGE_SHIFT,
				       args->offset >> PAGE_SHIFT,
				       args->size >> PAGE_SHIFT,
				       args->flags & ~GH_MEM_UNMAP);
		goto out;
	}

	if (access == GH_MEM_DEFAULT_ACCESS)
		lend = gunyah_can_lend();
	else
		lend = access == GH_MEM_FORCE_LEND;
	if (lend && !gunyah_can_lend()) {
		pr_warn_once("cannot lend guest memory: boot with rodata=full\n");
		ret = -EOPNOTSUPP;
		goto out;
	}

	ret = gunyah_vm_bind(vm, file, gmem, args->guest_addr >> PAGE_SHIFT,
			     args->offset >> PAGE_SHIFT, args->size >> PAGE_SHIFT,
			     args->flags, lend);
out:
	fput(file);
	return ret;
}

/**
 * gunyah_vm_mem_label() - GH_VM_SET_MEM_LABEL and GH_VM_GET_MEM_LABEL
 * @vm: the VM, with its lock held
 * @arg: the binding's first guest address, and the label to set or read
 * @set: set the label rather than read it
 *
 * Return: 0, -ENOENT if no binding starts at the address, or -EINVAL for
 * label 0 or non-zero reserved bits.
 */
int gunyah_vm_mem_label(struct gunyah_vm *vm, struct gh_mem_label *arg,
			bool set)
{
	struct gunyah_binding *b;

	lockdep_assert_held(&vm->lock);
	if (arg->reserved || !PAGE_ALIGNED(arg->guest_addr) || (set && !arg->label))
		return -EINVAL;
	b = mtree_load(&vm->mem.bindings, arg->guest_addr >> PAGE_SHIFT);
	if (!b || b->gfn != arg->guest_addr >> PAGE_SHIFT)
		return -ENOENT;
	if (set)
		b->label = arg->label;
	else
		arg->label = b->label;
	return 0;
}

/**
 * gunyah_vm_mem_give() - give all of a VM's bindings to it, before start
 * @vm: the VM, with its lock held and a vmid
 * @image_handle: set to the image parcel's handle
 * @image_gpa: set to the guest address the image parcel starts at
 *
 * The binding holding the devicetree goes first, lent with label 0; the
 * others follow in guest address order with their own labels. On failure
 * the caller's teardown takes back what was given.
 *
 * Return: 0 or a negative errno: -EINVAL if no lent RWX binding holds the
 * whole devicetree; -ENOSPC if the RM's 64 parcels would not suffice.
 */
int gunyah_vm_mem_give(struct gunyah_vm *vm, u32 *image_handle, u64 *image_gpa)
{
	u64 dtb_gfn = vm->dtb.guest_phys_addr >> PAGE_SHIFT;
	u64 dtb_end = (vm->dtb.guest_phys_addr + vm->dtb.size) >> PAGE_SHIFT;
	struct gunyah_binding *image, *b;
	unsigned long index = 0, n = 0;
	int ret;

	lockdep_assert_held(&vm->lock);
	image = mtree_load(&vm->mem.bindings, dtb_gfn);
	if (!image || dtb_end > gunyah_binding_end(image)) {
		dev_dbg(vm->mgr->dev, "no binding holds the devicetree\n");
		return -EINVAL;
	}
	/* The RM takes the image only lent, with full rights. */
	if (!image->lend || (image->flags & GH_MEM_ALLOW_RWX) != GH_MEM_ALLOW_RWX)
		return -EINVAL;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX)
		n++;
	if (atomic64_read(&gunyah_mem_stats.parcels) + n >
	    GUNYAH_RM_MAX_PARCELS_PER_OWNER)
		return -ENOSPC;

	ret = gunyah_binding_give_locked(image, 0);
	if (ret)
		return ret;
	*image_handle = image->parcel->rm.mem_handle;
	*image_gpa = image->gfn << PAGE_SHIFT;

	index = 0;
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		ret = gunyah_binding_give_locked(b, b->label);
		if (ret) {
			dev_info_ratelimited(vm->mgr->dev,
					     "VM %u: parcel of %llu pages at %#llx refused: %d\n",
					     vm->vmid, b->nr, b->gfn << PAGE_SHIFT,
					     ret);
			return ret == -EPERM ? -ENOSPC : ret;
		}
	}
	return 0;
}

/**
 * gunyah_vm_mem_given_pages() - how much memory a VM has been given
 * @vm: the VM, with its lock held
 *
 * Return: the pages of all its parcels, lent or shared.
 */
unsigned long gunyah_vm_mem_given_pages(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0, pages = 0;

	lockdep_assert_held(&vm->lock);
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		down_read(&b->gmem->bindings_lock);
		if (b->parcel)
			pages += b->parcel->pages;
		up_read(&b->gmem->bindings_lock);
	}
	return pages;
}

/**
 * gunyah_vm_mem_read() - copy bound memory the host still owns
 * @vm: the VM, with its lock held
 * @gpa: the first guest address
 * @buf: where the bytes go
 * @len: how many; [@gpa, @gpa + @len) must lie in one binding
 *
 * Reads through the file's page cache; pages never allocated read as
 * zeros, and nothing is allocated.
 *
 * Return: 0, -ENOENT if no binding holds the range, -EBUSY if its memory is
 * given to the VM.
 */
int gunyah_vm_mem_read(struct gunyah_vm *vm, u64 gpa, void *buf, size_t len)
{
	struct gunyah_binding *b;
	struct folio *folio;
	size_t off, chunk;
	pgoff_t idx;
	u64 end;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	b = mtree_load(&vm->mem.bindings, gpa >> PAGE_SHIFT);
	if (!b || check_add_overflow(gpa, (u64)len, &end) ||
	    PFN_UP(end) > gunyah_binding_end(b))
		return -ENOENT;

	down_read(&b->gmem->bindings_lock);
	if (b->parcel) {
		ret = -EBUSY;
		goto out;
	}
	while (len) {
		idx = b->pgoff + (gpa >> PAGE_SHIFT) - b->gfn;
		off = offset_in_page(gpa);
		chunk = min_t(size_t, len, PAGE_SIZE - off);
		folio = filemap_get_folio(b->file->f_mapping, idx);
		if (IS_ERR(folio)) {
			memset(buf, 0, chunk);
		} else {
			memcpy_from_folio(buf, folio,
					  ((idx - folio->index) << PAGE_SHIFT) + off,
					  chunk);
			folio_put(folio);
		}
		buf += chunk;
		gpa += chunk;
		len -= chunk;
	}
out:
	up_read(&b->gmem->bindings_lock);
	return ret;
}

/**
 * gunyah_vm_mem_reclaim_all() - take back everything given to a VM
 * @vm: the VM, with its lock held, after it was reset (or never started)
 *
 * Return: 0, or the error of the first parcel the RM kept; those stay given.
 */
int gunyah_vm_mem_reclaim_all(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0;
	int ret = 0, err;

	lockdep_assert_held(&vm->lock);
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		err = gunyah_binding_reclaim_locked(b);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/**
 * gunyah_vm_mem_free() - drop a VM's bindings
 * @vm: the VM, being freed, with nothing given any more
 */
void gunyah_vm_mem_free(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		if (WARN_ON(b->parcel))
			continue;
		down_write(&b->gmem->bindings_lock);
		mtree_erase(&b->gmem->bindings, b->pgoff);
		up_write(&b->gmem->bindings_lock);
		gunyah_binding_free(b);
	}
	mtree_destroy(&vm->mem.bindings);
}

/* ---- Guest memory file callbacks (bindings_lock held) --------------------- */

/**
 * gunyah_gmem_range_lent() - whether a file range is lent to a VM now
 * @gmem: the guest memory, with its bindings_lock held
 * @start: first page
 * @nr: pages
 *
 * Return: true if any page of the range is in a lent parcel.
 */
bool gunyah_gmem_range_lent(struct gunyah_gmem *gmem, pgoff_t start,
			    unsigned long nr)
{
	struct gunyah_binding *b;
	unsigned long index = start;

	mt_for_each(&gmem->bindings, b, index, start + nr - 1)
		if (b->parcel && b->parcel->lent)
			return true;
	return false;
}

/**
 * gunyah_gmem_range_bound() - whether a file range is bound to a VM
 * @gmem: the guest memory, with its bindings_lock held
 * @start: first page
 * @end: first page after the range
 *
 * Return: true if any page of the range is bound.
 */
bool gunyah_gmem_range_bound(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end)
{
	unsigned long index = start;

	return end > start && mt_find(&gmem->bindings, &index, end - 1);
}

static void gunyah_gmem_zero_in_place(struct gunyah_gmem *gmem, pgoff_t start,
				      pgoff_t end)
{
	struct folio *folio;
	pgoff_t idx, last;

	for (idx = start; idx < end; idx = last) {
		folio = filemap_lock_folio(gmem->inode->i_mapping, idx);
		if (IS_ERR(folio)) {
			last = idx + 1;
			continue;
		}
		last = min(end, folio_next_index(folio));
		folio_zero_range(folio, (idx - folio->index) << PAGE_SHIFT,
				 (last - idx) << PAGE_SHIFT);
		folio_unlock(folio);
		folio_put(folio);
	}
}

/**
 * gunyah_gmem_punch_locked() - punch a hole into a guest memory file
 * @gmem: the guest memory, with its bindings_lock held for write
 * @start: first page
 * @end: first page after the hole
 *
 * Memory lent to a VM is reclaimed first (refused while the guest holds
 * it); memory shared with a running VM cannot be taken from it, so it is
 * zeroed in place and freed once reclaimed; everything else is freed.
 *
 * Return: 0, or -EBUSY (nothing is freed) if lent memory could not be
 * reclaimed.
 */
int gunyah_gmem_punch_locked(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	struct gunyah_binding *b;
	unsigned long index = start;
	pgoff_t idx = start, seg_start, seg_end;
	int ret;

	mt_for_each(&gmem->bindings, b, index, end - 1) {
		if (b->parcel && b->parcel->lent) {
			ret = gunyah_binding_reclaim(b);
			if (ret)
				return ret;
		}
	}

	index = start;
	mt_for_each(&gmem->bindings, b, index, end - 1) {
		if (!b->parcel)
			continue;
		seg_start = max(start, b->pgoff);
		seg_end = min(end, b->pgoff + (pgoff_t)b->nr);
		if (seg_start > idx)
			truncate_inode_pages_range(mapping, (loff_t)idx << PAGE_SHIFT,
						   ((loff_t)seg_start << PAGE_SHIFT) - 1);
		gunyah_gmem_zero_in_place(gmem, seg_start, seg_end);
		idx = seg_end;
	}
	if (end > idx)
		truncate_inode_pages_range(mapping, (loff_t)idx << PAGE_SHIFT,
					   ((loff_t)end << PAGE_SHIFT) - 1);
	return 0;
}

/* ---- debugfs ---------------------------------------------------------- */

/**
 * gunyah_vm_mem_show() - list a VM's bindings and parcels
 * @vm: the VM, with its lock held
 * @s: where to print
 */
void gunyah_vm_mem_show(struct gunyah_vm *vm, struct seq_file *s)
{
	struct gunyah_binding *b;
	unsigned long index = 0;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		seq_printf(s, "binding gpa %#llx pages %llu offset %#llx %s flags %#x label %u",
			   b->gfn << PAGE_SHIFT, b->nr,
			   (u64)b->pgoff << PAGE_SHIFT, b->lend ? "lend" : "share",
			   b->flags, b->label);
		down_read(&b->gmem->bindings_lock);
		if (b->parcel)
			seq_printf(s, " parcel %#x parcel_label %u entries %zu pages %lu acl_entries %zu guest_perms %#x",
				   b->parcel->rm.mem_handle, b->parcel->rm.label,
				   b->parcel->rm.n_mem_entries, b->parcel->pages,
				   b->parcel->rm.n_acl_entries,
				   b->parcel->rm.acl_entries[0].perms);
		up_read(&b->gmem->bindings_lock);
		seq_putc(s, '\n');
	}
}

/**
 * gunyah_mem_stats_show() - print the driver's memory totals
 * @s: where to print
 */
void gunyah_mem_stats_show(struct seq_file *s)
{
	seq_printf(s, "parcels %lld\npages_lent %lld\npages_shared %lld\n",
		   atomic64_read(&gunyah_mem_stats.parcels),
		   atomic64_read(&gunyah_mem_stats.pages_lent),
		   atomic64_read(&gunyah_mem_stats.pages_shared));
	seq_printf(s, "reclaim_refused %lld\nlend_busy %lld\ntlb_flushes %lld\n",
		   atomic64_read(&gunyah_mem_stats.reclaim_refused),
		   atomic64_read(&gunyah_mem_stats.lend_busy),
		   atomic64_read(&gunyah_mem_stats.tlb_flushes));
	seq_printf(s, "parcels_unknown %lld\n",
		   atomic64_read(&gunyah_mem_stats.parcels_unknown));
}
