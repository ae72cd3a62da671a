// SPDX-License-Identifier: GPL-2.0-only
/*
 * The folios of a guest memory file: how they are allocated (zeroed,
 * charged to the memcg of the file's creator whichever task makes them
 * appear, huge where the file allows it and the range fits), that they
 * never move, and the check made when one is freed: it must be back in
 * the direct map. Also how a file is recognised as guest memory: by these
 * address space operations, which only guest memory files have.
 *
 * Both the file (gmem.c) and the parcels (mem_parcel.c) get their folios
 * here, so neither calls the other.
 *
 * Locking: the page cache's own; a folio is returned locked.
 */

#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>

#include "gmem.h"
#include "mem_direct_map.h"

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

/**
 * gunyah_gmem_grab_folio() - get the folio at a file index, allocating it
 * @gmem: the guest memory
 * @index: page index in the file
 * @max_index: the first index the caller does not need; a huge folio is
 *	only allocated if it fits below it
 *
 * New folios are zeroed.
 *
 * Return: the folio, locked and with a reference, or an ERR_PTR().
 */
struct folio *gunyah_gmem_grab_folio(struct gunyah_gmem *gmem, pgoff_t index,
				     pgoff_t max_index)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	fgf_t fgp = FGP_LOCK | FGP_ACCESSED | FGP_CREAT;
	struct mem_cgroup *old_memcg;
	struct folio *folio;

	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	    (gmem->flags & GHMF_ALLOW_HUGEPAGE) &&
	    IS_ALIGNED(index, HPAGE_PMD_NR) && index + HPAGE_PMD_NR <= max_index)
		fgp |= fgf_set_order(HPAGE_PMD_SIZE);

	/* Charge the creator, whoever makes the folio appear. */
	old_memcg = set_active_memcg(gmem->memcg);
	folio = __filemap_get_folio(mapping, index, fgp,
				    mapping_gfp_mask(mapping));
	set_active_memcg(old_memcg);
	if (IS_ERR(folio))
		return folio;

	/* Uptodate means zeroed: there is no backing store to read. */
	if (!folio_test_uptodate(folio)) {
		folio_zero_range(folio, 0, folio_size(folio));
		folio_mark_uptodate(folio);
	}
	return folio;
}
