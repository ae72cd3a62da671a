// SPDX-License-Identifier: GPL-2.0-only
/*
 * Walking a parcel's folios in the page cache. A parcel keeps no array of
 * its folios, pages or memory entries: each job walks the folios of its
 * range instead, where nothing moves them while the parcel is being made
 * or is given. The walk counts a parcel's memory entries, takes and drops
 * its references, checks that nobody else holds its folios, takes lent
 * pages out of the direct map and puts them back, and writes the entries
 * of each message to the RM. Jobs done one after the other share a walk
 * where they can: a lend walks its folios three times (count, take out of
 * the direct map, write the entries), and once to give them back.
 *
 * Locking: none of its own; see gunyah_parcel_walk().
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <kunit/visibility.h>

#include "gmem.h"
#include "mem_parcel.h"
#include "mem_parcel_walk.h"

/**
 * gunyah_mem_entries_add() - append memory to a list of memory entries
 * @entries: the list
 * @n: entries in @entries; updated
 * @max: room in @entries
 * @phys: physical address of the memory
 * @len: its length
 *
 * The memory continues the last entry if it follows it physically, so runs
 * of physically contiguous pages, in guest order, are one entry.
 *
 * Return: true, or false (nothing written) if the memory needs an entry of
 * its own and @entries is full.
 */
VISIBLE_IF_KUNIT bool gunyah_mem_entries_add(struct gunyah_rm_mem_entry *entries,
					     size_t *n, size_t max,
					     phys_addr_t phys, u64 len)
{
	struct gunyah_rm_mem_entry *e = *n ? &entries[*n - 1] : NULL;

	if (e && le64_to_cpu(e->phys_addr) + le64_to_cpu(e->size) == phys) {
		e->size = cpu_to_le64(le64_to_cpu(e->size) + len);
		return true;
	}
	if (*n == max)
		return false;
	e = &entries[(*n)++];
	e->phys_addr = cpu_to_le64(phys);
	e->size = cpu_to_le64(len);
	return true;
}

/* The pages of @folio in the walk's range, from the first not yet seen. */
static unsigned long gunyah_parcel_folio_pfn(struct folio *folio,
					     struct gunyah_parcel_walk *w,
					     unsigned long *nr)
{
	pgoff_t first = max(folio->index, w->next);

	*nr = min(folio_next_index(folio), w->end) - first;
	return folio_pfn(folio) + first - folio->index;
}

/* Remove or restore the direct map of a folio's pages in the range. */
static int gunyah_parcel_direct_map(struct folio *folio,
				    struct gunyah_parcel_walk *w)
{
	unsigned long nr, pfn = gunyah_parcel_folio_pfn(folio, w, &nr);

	if (w->op == GUNYAH_WALK_REMOVE)
		return gunyah_direct_map_remove_pages(w->dm, pfn, nr);
	nr = min(nr, w->limit);
	gunyah_direct_map_restore(pfn, nr);
	w->limit -= nr;
	/* Stop once the first @limit pages are back. */
	return w->limit ? 0 : 1;
}

/*
 * Whether anything holds @folio but the page cache, the parcel (whose
 * reference is taken) and the walk's batch: -EBUSY if so.
 */
static int gunyah_parcel_folio_refs(struct folio *folio)
{
	if (folio_mapped(folio) ||
	    folio_ref_count(folio) != folio_nr_pages(folio) + 2) {
		pr_debug("lend: folio %lu has %d references\n",
			 folio->index, folio_ref_count(folio));
		return -EBUSY;
	}
	return 0;
}

/*
 * Count the memory entries of a folio's pages in the range, take the
 * parcel's reference on it and, for a lend, check its references.
 */
static void gunyah_parcel_count_folio(struct folio *folio,
				      struct gunyah_parcel_walk *w)
{
	unsigned long nr, pfn = gunyah_parcel_folio_pfn(folio, w, &nr);
	struct gunyah_parcel *p = w->p;

	if (folio->index > w->next)
		w->hole = true;
	w->next = min(folio_next_index(folio), w->end);
	if (!w->n_entries || PFN_PHYS(pfn) != w->next_phys)
		w->n_entries++;
	w->next_phys = PFN_PHYS(pfn + nr);
	p->nr_folios++;
	if (folio_size(folio) == SZ_2M)
		p->nr_huge++;
	folio_get(folio);
	if (w->check && !w->busy)
		w->busy = gunyah_parcel_folio_refs(folio);
}

/*
 * Write a folio's pages in the range to the entries of the message being
 * filled. Entries are split where the count split them: at a folio that
 * does not follow the last entry physically, where a full message stops.
 */
static int gunyah_parcel_emit_folio(struct folio *folio,
				    struct gunyah_parcel_walk *w)
{
	unsigned long nr, pfn = gunyah_parcel_folio_pfn(folio, w, &nr);

	/* The count found none; nothing can have punched one since. */
	if (folio->index > w->next)
		return -EINVAL;
	/* Full: the folio starts the next message's entries. */
	if (!gunyah_mem_entries_add(w->out, &w->n_out, w->max_out,
				    PFN_PHYS(pfn), PFN_PHYS(nr)))
		return 1;
	w->next += nr;
	return 0;
}

static int gunyah_parcel_visit(struct folio *folio, struct gunyah_parcel_walk *w)
{
	switch (w->op) {
	case GUNYAH_WALK_COUNT:
		gunyah_parcel_count_folio(folio, w);
		return 0;
	case GUNYAH_WALK_EMIT:
		return gunyah_parcel_emit_folio(folio, w);
	case GUNYAH_WALK_CHECK:
		return gunyah_parcel_folio_refs(folio);
	case GUNYAH_WALK_PUT:
		folio_put(folio);
		return 0;
	case GUNYAH_WALK_REMOVE:
	case GUNYAH_WALK_RESTORE:
		return gunyah_parcel_direct_map(folio, w);
	case GUNYAH_WALK_RETURN:
		gunyah_parcel_direct_map(folio, w);
		folio_put(folio);
		return 0;
	}
	return -EINVAL;
}

/**
 * gunyah_parcel_walk() - visit each folio of a parcel's range, in order
 * @gmem: the parcel's file
 * @w: the walk: its parcel set, and what @op needs
 * @op: what to do with each folio
 *
 * Context: the range cannot change meanwhile: the file's bindings_lock is
 * held, or the parcel is given or busy.
 * Return: 0; or the negative errno of a visit that failed, or 1 if a visit
 * ended the walk early (an emit whose entries are full, a restore done).
 */
int gunyah_parcel_walk(struct gunyah_gmem *gmem, struct gunyah_parcel_walk *w,
		       enum gunyah_parcel_walk_op op)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	struct folio_batch fbatch;
	unsigned int i, n;
	int ret = 0;
	pgoff_t idx;

	w->op = op;
	/* An emit goes on where the last one stopped. */
	if (op != GUNYAH_WALK_EMIT)
		w->next = w->p->start;
	w->end = w->p->start + w->p->nr;
	idx = w->next;
	folio_batch_init(&fbatch);
	while (!ret && (n = filemap_get_folios(mapping, &idx, w->end - 1, &fbatch))) {
		for (i = 0; i < n && !ret; i++)
			ret = gunyah_parcel_visit(fbatch.folios[i], w);
		folio_batch_release(&fbatch);
		cond_resched();
	}
	return ret;
}
