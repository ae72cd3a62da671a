// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory parcels: how a binding's memory is given to the RM and taken back.
 *
 * Each binding is given as one parcel: lent (ACL {guest}) or shared (ACL
 * {guest, host}), with the binding's R/W/X, listing its pages in guest
 * order with physically contiguous neighbours coalesced into one entry.
 * Lending first takes the pages away from the host: they are unmapped from
 * every host page table, refused if anything else still holds a reference
 * (a GUP pin, say), and removed from the direct map (mem_direct_map.c)
 * before the RM is asked. Reclaim asks the RM to zero lent memory once the
 * guest may have run; only once the RM has given the pages back do they
 * return to the direct map. A parcel the RM does not give back stays
 * given: its folios keep their references and never reach the page
 * allocator. The parcels' counters are shown in debugfs ("memory").
 *
 * Locking: a parcel belongs to its binding and changes only under the VM's
 * lock and the file's bindings_lock, which the callers (mem_binding.c)
 * hold; the counters are atomic.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <kunit/visibility.h>

#include "gmem.h"
#include "mem_binding.h"
#include "mem_parcel.h"
#include "vm.h"

static struct {
	atomic64_t parcels;
	atomic64_t pages_shared;
	atomic64_t reclaim_refused;
	atomic64_t lend_busy;
	atomic64_t parcels_unknown;
} gunyah_parcel_stats;

static void gunyah_parcel_free(struct gunyah_parcel *p)
{
	unsigned long i;

	for (i = 0; i < p->pages.nr_folios; i++)
		folio_put(p->pages.folios[i]);
	kvfree(p->pages.folios);
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

	p->pages.folios = kvcalloc(b->nr, sizeof(*p->pages.folios),
				   GFP_KERNEL_ACCOUNT);
	p->rm.mem_entries = kvcalloc(b->nr, sizeof(*p->rm.mem_entries),
				     GFP_KERNEL_ACCOUNT);
	if (!p->pages.folios || !p->rm.mem_entries)
		return -ENOMEM;

	for (idx = b->pgoff; idx < end; idx = last) {
		folio = gunyah_gmem_grab_folio(b->gmem, idx, end);
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		folio_unlock(folio);
		p->pages.folios[p->pages.nr_folios++] = folio;

		last = min(end, folio_next_index(folio));
		phys = PFN_PHYS(folio_pfn(folio) + idx - folio->index);
		len = (u64)(last - idx) << PAGE_SHIFT;
		gunyah_mem_entries_add(p->rm.mem_entries, &p->rm.n_mem_entries,
				       phys, len);
	}
	p->pages.start = b->pgoff;
	p->pages.nr = b->nr;
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
					       p->rm.lend);
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

	for (i = 0; i < p->pages.nr_folios; i++) {
		folio = p->pages.folios[i];
		/* The page cache's references and ours, nothing else. */
		if (folio_mapped(folio) ||
		    folio_ref_count(folio) != folio_nr_pages(folio) + 1) {
			atomic64_inc(&gunyah_parcel_stats.lend_busy);
			pr_debug("lend refused: folio %lu has %d references\n",
				 folio->index, folio_ref_count(folio));
			return -EBUSY;
		}
	}

	return gunyah_direct_map_remove(&p->pages);
}

/**
 * gunyah_parcel_give() - give a binding's memory to its VM as one parcel
 * @b: the binding; the VM's lock and the file's bindings_lock (for write)
 *	are held
 * @label: the parcel's label
 *
 * Lent memory is first taken from the host (see the top of this file). On
 * failure everything is undone, unless the RM kept the parcel (a failed
 * append whose reclaim also failed, or no usable reply): then the parcel
 * stays given, as @b->parcel, for teardown to reclaim.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_parcel_give(struct gunyah_binding *b, u32 label)
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
	p->rm.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	p->rm.label = label;
	p->rm.lend = gunyah_binding_lends(b);
	p->rm.mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;

	ret = gunyah_parcel_collect(p, b);
	if (ret)
		goto err_free;
	ret = gunyah_parcel_acl(p, b);
	if (ret)
		goto err_free;
	if (p->rm.lend) {
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
		       p->rm.lend ? "lend" : "share", p->pages.nr, ret);
		atomic64_inc(&gunyah_parcel_stats.parcels_unknown);
	}

	b->parcel = p;
	atomic64_inc(&gunyah_parcel_stats.parcels);
	if (!p->rm.lend)
		atomic64_add(p->pages.nr, &gunyah_parcel_stats.pages_shared);
	return ret;

err_restore:
	if (p->rm.lend)
		gunyah_direct_map_restore(&p->pages, ULONG_MAX);
err_free:
	gunyah_parcel_free(p);
	return ret;
}

/**
 * gunyah_parcel_reclaim() - take a binding's parcel back from the RM
 * @b: the binding; the file's bindings_lock is held for write
 *
 * The one reclaim path: unmap, punch hole, VM teardown. Lent memory comes
 * back to the direct map only once the RM gave it back.
 *
 * Return: 0 (also if nothing was given), or the error of a reclaim the RM
 * refused, or -EBUSY for a parcel whose handle was never learnt: the
 * parcel then stays given.
 */
int gunyah_parcel_reclaim(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;
	int ret;

	lockdep_assert_held_write(&b->gmem->bindings_lock);
	if (!p)
		return 0;
	/* Given with an unknown outcome: nothing to name in a reclaim. */
	if (p->rm.mem_handle == GUNYAH_RM_MEM_HANDLE_INVAL) {
		atomic64_inc(&gunyah_parcel_stats.reclaim_refused);
		return -EBUSY;
	}

	/*
	 * Lent memory the guest may have used comes back zeroed, so no guest
	 * data reaches the host. Before VM_START the guest had none of it:
	 * the VMM's image is returned as it was, ready for another start.
	 */
	ret = gunyah_rm_mem_reclaim(b->vm->mgr->rm, &p->rm,
				    p->rm.lend && READ_ONCE(b->vm->guest_ran));
	if (ret) {
		atomic64_inc(&gunyah_parcel_stats.reclaim_refused);
		return ret;
	}

	if (p->rm.lend)
		gunyah_direct_map_restore(&p->pages, ULONG_MAX);
	else
		atomic64_sub(p->pages.nr, &gunyah_parcel_stats.pages_shared);
	atomic64_dec(&gunyah_parcel_stats.parcels);
	b->parcel = NULL;
	gunyah_parcel_free(p);
	return 0;
}

/**
 * gunyah_parcels_fit() - whether the RM takes more parcels from us
 * @n: parcels about to be given
 *
 * Return: true if @n more parcels stay within the RM's limit per owner,
 * which counts the parcels of all our VMs.
 */
bool gunyah_parcels_fit(unsigned long n)
{
	return atomic64_read(&gunyah_parcel_stats.parcels) + n <=
	       GUNYAH_RM_MAX_PARCELS_PER_OWNER;
}

/**
 * gunyah_parcel_show() - describe a given parcel in debugfs
 * @p: the parcel
 * @s: where to print
 */
void gunyah_parcel_show(const struct gunyah_parcel *p, struct seq_file *s)
{
	seq_printf(s, " parcel %#x parcel_label %u entries %zu pages %lu acl_entries %zu guest_perms %#x",
		   p->rm.mem_handle, p->rm.label, p->rm.n_mem_entries,
		   p->pages.nr, p->rm.n_acl_entries, p->rm.acl_entries[0].perms);
}

/**
 * gunyah_mem_stats_show() - print the driver's memory totals
 * @s: where to print
 */
void gunyah_mem_stats_show(struct seq_file *s)
{
	seq_printf(s, "parcels %lld\npages_lent %lld\npages_shared %lld\n",
		   atomic64_read(&gunyah_parcel_stats.parcels),
		   gunyah_direct_map_pages_out(),
		   atomic64_read(&gunyah_parcel_stats.pages_shared));
	seq_printf(s, "reclaim_refused %lld\nlend_busy %lld\ntlb_flushes %lld\n",
		   atomic64_read(&gunyah_parcel_stats.reclaim_refused),
		   atomic64_read(&gunyah_parcel_stats.lend_busy),
		   gunyah_direct_map_flushes());
	seq_printf(s, "parcels_unknown %lld\n",
		   atomic64_read(&gunyah_parcel_stats.parcels_unknown));
}
