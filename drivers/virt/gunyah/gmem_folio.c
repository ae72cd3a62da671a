// SPDX-License-Identifier: GPL-2.0-only
/*
 * The folios of a guest memory file: how they are allocated, that they
 * never move, and the check made when one is freed: it must be back in
 * the direct map. Also how a file is recognised as guest memory: by these
 * address space operations, which only guest memory files have.
 *
 * Every folio is zeroed and charged to the memcg of the file's creator,
 * whichever task makes it appear. In a file made with GHMF_ALLOW_HUGEPAGE
 * each 2 MiB-aligned 2 MiB range inside the file is one 2 MiB folio,
 * however it is allocated (fallocate, a host fault, a binding given to a
 * VM); smaller folios appear there only when the page allocator has no
 * 2 MiB block, and are counted ("huge_fallbacks"). In other files the
 * folios are single pages, allocated in physically contiguous blocks of up
 * to 2 MiB inserted in file order, so that a parcel lists few entries.
 *
 * Both the file (gmem.c) and the parcels (mem_parcel.c) get their folios
 * here, so neither calls the other.
 *
 * Locking: the page cache's own (a racing allocation of the same index
 * loses and uses the winner's folio); a folio is returned locked. The
 * counters are atomic.
 */

#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include "gmem.h"
#include "mem_direct_map.h"

/* The order of a 2 MiB folio or block. */
#define GUNYAH_GMEM_HUGE_ORDER		(21 - PAGE_SHIFT)
#define GUNYAH_GMEM_HUGE_PAGES		(SZ_2M >> PAGE_SHIFT)
/* What a host fault on a file without huge folios allocates: 256 KiB. */
#define GUNYAH_GMEM_FAULT_PAGES		(SZ_256K >> PAGE_SHIFT)

static struct {
	atomic64_t huge;
	atomic64_t huge_fallbacks;
	atomic64_t blocks;
} gunyah_gmem_stats;

static int gunyah_gmem_migrate_folio(struct address_space *mapping,
				     struct folio *dst, struct folio *src,
				     enum migrate_mode mode)
{
	/* Guest memory has fixed physical addresses once given. */
	return -EBUSY;
}

static void gunyah_gmem_free_folio(struct folio *folio)
{
	/* A folio is only freed when no VM has it and it is in the direct map. */
	WARN_ON_ONCE(!gunyah_folio_in_direct_map(folio));
}

const struct address_space_operations gunyah_gmem_aops = {
	.dirty_folio	= noop_dirty_folio,
	.migrate_folio	= gunyah_gmem_migrate_folio,
	.free_folio	= gunyah_gmem_free_folio,
};

/**
 * gunyah_gmem_from_file() - the guest memory behind a file
 * @file: any file
 *
 * Return: the guest memory, or NULL if @file is not a guest memory file.
 */
struct gunyah_gmem *gunyah_gmem_from_file(struct file *file)
{
	struct inode *inode = file_inode(file);

	/* Only guest memory files have these address space operations. */
	if (inode->i_mapping->a_ops != &gunyah_gmem_aops)
		return NULL;
	return inode->i_private;
}

static pgoff_t gunyah_gmem_size_pages(struct gunyah_gmem *gmem)
{
	return i_size_read(gmem->inode) >> PAGE_SHIFT;
}

/*
 * Zero a folio the first time it is seen: there is no backing store.
 * clear_highpage() is the architecture's fastest way (DC ZVA on arm64).
 *
 * With no backing store the folio is the only copy of its data, whoever
 * wrote it (the host, a guest, the RM), so it is dirty from the start: a
 * punch of part of a large folio that cannot be split (another reference
 * holds it) then zeroes the hole and keeps the folio, where a clean one
 * would be dropped whole, data around the hole and all.
 */
static void gunyah_gmem_folio_init(struct folio *folio)
{
	long i;

	if (folio_test_uptodate(folio))
		return;
	for (i = 0; i < folio_nr_pages(folio); i++) {
		clear_highpage(folio_page(folio, i));
		if (!(i & 63))
			cond_resched();
	}
	folio_mark_uptodate(folio);
	folio_mark_dirty(folio);
}

/* The folio at @index, allocated with at most @order if missing. */
static struct folio *gunyah_gmem_get_folio(struct gunyah_gmem *gmem,
					   pgoff_t index, unsigned int order)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	fgf_t fgp = FGP_LOCK | FGP_ACCESSED | FGP_CREAT;
	struct folio *folio;

	if (order)
		fgp |= fgf_set_order(PAGE_SIZE << order);
	folio = __filemap_get_folio(mapping, index, fgp,
				    mapping_gfp_mask(mapping));
	if (!IS_ERR(folio))
		gunyah_gmem_folio_init(folio);
	return folio;
}

/*
 * Put a 2 MiB folio at @hindex. Return: 0, -EEXIST if pages are there
 * already, -ENOMEM if the allocator has no 2 MiB block (counted), or the
 * page cache's error.
 */
static int gunyah_gmem_add_huge(struct gunyah_gmem *gmem, pgoff_t hindex)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	loff_t pos = (loff_t)hindex << PAGE_SHIFT;
	gfp_t gfp = mapping_gfp_mask(mapping);
	struct folio *folio;
	int ret;

	if (filemap_range_has_page(mapping, pos, pos + SZ_2M - 1))
		return -EEXIST;
	folio = filemap_alloc_folio(gfp | __GFP_NOWARN | __GFP_RETRY_MAYFAIL,
				    GUNYAH_GMEM_HUGE_ORDER);
	if (!folio) {
		atomic64_inc(&gunyah_gmem_stats.huge_fallbacks);
		return -ENOMEM;
	}
	ret = filemap_add_folio(mapping, folio, hindex, gfp);
	if (ret) {
		folio_put(folio);
		return ret;
	}
	gunyah_gmem_folio_init(folio);
	atomic64_inc(&gunyah_gmem_stats.huge);
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/* Allocate what is missing of [@start, @end) as 2 MiB folios. */
static int gunyah_gmem_fill_huge(struct gunyah_gmem *gmem, pgoff_t start,
				 pgoff_t end)
{
	pgoff_t size = gunyah_gmem_size_pages(gmem), idx = start, hidx;
	struct folio *folio;
	int ret;

	while (idx < end) {
		if (signal_pending(current))
			return -EINTR;
		hidx = ALIGN_DOWN(idx, GUNYAH_GMEM_HUGE_PAGES);
		if (hidx + GUNYAH_GMEM_HUGE_PAGES <= size) {
			ret = gunyah_gmem_add_huge(gmem, hidx);
			if (ret && ret != -EEXIST && ret != -ENOMEM)
				return ret;
			if (!ret) {
				idx = hidx + GUNYAH_GMEM_HUGE_PAGES;
				continue;
			}
		}
		/*
		 * The file's tail, pages already there, or a fallback: the
		 * largest folio that starts here and ends inside the file.
		 */
		folio = gunyah_gmem_get_folio(gmem, idx,
					      min_t(unsigned int,
						    GUNYAH_GMEM_HUGE_ORDER - 1,
						    ilog2(max(size, idx + 1) - idx)));
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		idx = folio_next_index(folio);
		folio_unlock(folio);
		folio_put(folio);
		cond_resched();
	}
	return 0;
}

/*
 * Fill [@index, @index + 2^@order) with the pages of one physically
 * contiguous block, in order; pages already there stay. Return: 0,
 * -ENOMEM if there is no such block, or the page cache's error.
 */
static int gunyah_gmem_add_block(struct gunyah_gmem *gmem, pgoff_t index,
				 unsigned int order)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	gfp_t gfp = mapping_gfp_mask(mapping);
	unsigned long i, n = 1UL << order;
	struct folio *folio;
	struct page *page;
	int ret = 0, err;

	page = alloc_pages(gfp | __GFP_ZERO |
			   (order ? __GFP_NORETRY | __GFP_NOWARN : 0), order);
	if (!page)
		return -ENOMEM;
	if (order) {
		split_page(page, order);
		atomic64_inc(&gunyah_gmem_stats.blocks);
	}
	for (i = 0; i < n; i++) {
		folio = page_folio(page + i);
		if (!ret) {
			__folio_mark_uptodate(folio);
			err = filemap_add_folio(mapping, folio, index + i, gfp);
			if (!err) {
				/* Dirty, as gunyah_gmem_folio_init() says. */
				folio_mark_dirty(folio);
				folio_unlock(folio);
			}
			/* A page that appeared meanwhile stays; ours is freed. */
			else if (err != -EEXIST)
				ret = err;
		}
		folio_put(folio);
	}
	return ret;
}

/* Allocate what is missing of [@start, @end) in contiguous blocks. */
static int gunyah_gmem_fill_blocks(struct gunyah_gmem *gmem, pgoff_t start,
				   pgoff_t end)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	unsigned long next, idx = start;
	unsigned int order;
	int ret;

	while (idx < end) {
		if (signal_pending(current))
			return -EINTR;
		next = idx;
		if (!xa_find(&mapping->i_pages, &next, end - 1, XA_PRESENT))
			next = end;
		if (next == idx) {
			/*
			 * Present: go on at the next hole (searched from the
			 * next page: a search from 0 that finds 0 present
			 * returns 0, as if it had wrapped).
			 */
			rcu_read_lock();
			next = page_cache_next_miss(mapping, idx + 1,
						    end - idx - 1);
			rcu_read_unlock();
			idx = clamp_t(pgoff_t, next, idx + 1, end);
			continue;
		}
		order = min_t(unsigned int, GUNYAH_GMEM_HUGE_ORDER,
			      ilog2(next - idx));
		for (;;) {
			ret = gunyah_gmem_add_block(gmem, idx, order);
			if (ret != -ENOMEM || !order)
				break;
			order--;
		}
		if (ret)
			return ret;
		idx += 1UL << order;
		cond_resched();
	}
	return 0;
}

/**
 * gunyah_gmem_populate() - allocate the missing folios of a file range
 * @gmem: the guest memory
 * @start: first page index
 * @end: first page index after the range; not past the end of the file
 *
 * With huge folios, the 2 MiB folios that cover the range are allocated
 * whole, also where they reach outside it.
 *
 * Return: 0, -EINTR on a signal, or -ENOMEM.
 */
int gunyah_gmem_populate(struct gunyah_gmem *gmem, pgoff_t start, pgoff_t end)
{
	struct mem_cgroup *old_memcg;
	int ret;

	/* Charge the creator, whoever makes the folios appear. */
	old_memcg = set_active_memcg(gmem->memcg);
	if (gunyah_gmem_huge(gmem))
		ret = gunyah_gmem_fill_huge(gmem, start, end);
	else
		ret = gunyah_gmem_fill_blocks(gmem, start, end);
	set_active_memcg(old_memcg);
	return ret;
}

/**
 * gunyah_gmem_grab_folio() - get the folio at a file index, allocating it
 * @gmem: the guest memory
 * @index: page index in the file, inside it
 *
 * A missing folio is allocated as gunyah_gmem_populate() would, with its
 * 2 MiB folio in a file with huge folios, and with its neighbours in a
 * 256 KiB block otherwise.
 *
 * Return: the folio, locked and with a reference, or an ERR_PTR().
 */
struct folio *gunyah_gmem_grab_folio(struct gunyah_gmem *gmem, pgoff_t index)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	pgoff_t first = ALIGN_DOWN(index, GUNYAH_GMEM_FAULT_PAGES);
	struct mem_cgroup *old_memcg;
	struct folio *folio;
	int ret;

	folio = filemap_lock_folio(mapping, index);
	if (!IS_ERR(folio)) {
		gunyah_gmem_folio_init(folio);
		return folio;
	}
	if (gunyah_gmem_huge(gmem))
		ret = gunyah_gmem_populate(gmem, index, index + 1);
	else
		ret = gunyah_gmem_populate(gmem, first,
					   min(first + GUNYAH_GMEM_FAULT_PAGES,
					       max(gunyah_gmem_size_pages(gmem),
						   index + 1)));
	if (ret)
		return ERR_PTR(ret);
	/* Present now, unless a punch took it away again meanwhile. */
	old_memcg = set_active_memcg(gmem->memcg);
	folio = gunyah_gmem_get_folio(gmem, index, 0);
	set_active_memcg(old_memcg);
	return folio;
}

/**
 * gunyah_gmem_zero_range() - zero the present pages of a file range in place
 * @gmem: the guest memory
 * @start: first page index
 * @end: first page index after the range
 *
 * For memory a VM shares, which cannot be freed under it: pages never
 * allocated stay so, and nothing is allocated.
 */
void gunyah_gmem_zero_range(struct gunyah_gmem *gmem, pgoff_t start,
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
 * gunyah_gmem_stats_show() - print the folio counters
 * @s: where to print
 */
void gunyah_gmem_stats_show(struct seq_file *s)
{
	seq_printf(s, "huge_folios %lld\nhuge_fallbacks %lld\nblocks %lld\n",
		   atomic64_read(&gunyah_gmem_stats.huge),
		   atomic64_read(&gunyah_gmem_stats.huge_fallbacks),
		   atomic64_read(&gunyah_gmem_stats.blocks));
}
