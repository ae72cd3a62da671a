// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's direct map and lent guest memory.
 *
 * A lent page belongs to the guest: the host must not reach it, not even
 * speculatively through its own linear map. This file is the only one that
 * takes guest pages out of the direct map and puts them back, in the
 * spirit of mm/secretmem.c: a batch of pages is removed with one TLB flush
 * for all of them, and restored without one (making a mapping valid needs
 * none). It counts the pages it holds out of the direct map and the
 * flushes it made, and refuses hibernation while any page is out: the
 * image would be written through the direct map.
 *
 * Locking: none of its own. The callers own the folios they pass (the
 * parcel layer, under the file's bindings_lock); the counters are atomic.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/init.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/set_memory.h>
#include <linux/suspend.h>
#include <asm/tlbflush.h>

#include "mem_direct_map.h"

static atomic64_t gunyah_dm_pages_out;
static atomic64_t gunyah_dm_flushes;

static int gunyah_dm_pm_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	/* The image would be written through the direct map lent pages left. */
	if (action == PM_HIBERNATION_PREPARE &&
	    atomic64_read(&gunyah_dm_pages_out)) {
		pr_info("hibernation refused: guest memory is lent\n");
		return NOTIFY_BAD;
	}
	return NOTIFY_DONE;
}

static struct notifier_block gunyah_dm_pm_nb = {
	.notifier_call = gunyah_dm_pm_notify,
};

static int __init gunyah_dm_pm_init(void)
{
	return register_pm_notifier(&gunyah_dm_pm_nb);
}
device_initcall(gunyah_dm_pm_init);

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

/*
 * Call @fn for each page of @r, in order, stopping at the first error;
 * @done counts the pages @fn succeeded on.
 */
typedef int (*gunyah_dm_page_fn)(struct page *page, void *data);

static int gunyah_dm_walk(const struct gunyah_folio_range *r,
			  gunyah_dm_page_fn fn, void *data, unsigned long *done)
{
	pgoff_t idx = r->start, end = r->start + r->nr;
	struct folio *folio;
	unsigned long i;
	int ret;

	*done = 0;
	for (i = 0; i < r->nr_folios; i++) {
		folio = r->folios[i];
		for (; idx < end && idx < folio_next_index(folio); idx++) {
			ret = fn(folio_file_page(folio, idx), data);
			if (ret)
				return ret;
			(*done)++;
		}
	}
	return 0;
}

struct gunyah_dm_batch {
	unsigned long start;
	unsigned long end;
	unsigned long limit;	/* restore only this many pages */
};

static int gunyah_dm_page_restore(struct page *page, void *data)
{
	struct gunyah_dm_batch *b = data;
	int ret;

	if (!b->limit--)
		return -ERANGE;
	if (kernel_page_present(page))
		return 0;
	/* Making a mapping valid needs no TLB flush. */
	ret = set_direct_map_default_noflush(page);
	if (!ret)
		atomic64_dec(&gunyah_dm_pages_out);
	return ret;
}

static int gunyah_dm_page_remove(struct page *page, void *data)
{
	struct gunyah_dm_batch *b = data;
	unsigned long addr = (unsigned long)page_address(page);
	int ret;

	ret = set_direct_map_invalid_noflush(page);
	if (ret)
		return ret;
	atomic64_inc(&gunyah_dm_pages_out);
	b->start = min(b->start, addr);
	b->end = max(b->end, addr + PAGE_SIZE);
	return 0;
}

/**
 * gunyah_direct_map_restore() - put pages back in the direct map
 * @r: the pages
 * @limit: restore only the first @limit pages (those a failed removal got
 *	to); ULONG_MAX for all of them
 */
void gunyah_direct_map_restore(const struct gunyah_folio_range *r,
			       unsigned long limit)
{
	struct gunyah_dm_batch b = { .limit = limit };
	unsigned long done;

	gunyah_dm_walk(r, gunyah_dm_page_restore, &b, &done);
}

/**
 * gunyah_direct_map_remove() - take pages out of the direct map, with one
 *	TLB flush for all of them
 * @r: the pages; the caller made sure nothing else maps or holds them
 *
 * Return: 0, or the error of the page that failed; nothing is removed then.
 */
int gunyah_direct_map_remove(const struct gunyah_folio_range *r)
{
	struct gunyah_dm_batch b = { .start = ULONG_MAX };
	unsigned long done;
	int ret;

	ret = gunyah_dm_walk(r, gunyah_dm_page_remove, &b, &done);
	if (ret) {
		gunyah_direct_map_restore(r, done);
		return ret;
	}
	flush_tlb_kernel_range(b.start, b.end);
	atomic64_inc(&gunyah_dm_flushes);
	return 0;
}

/**
 * gunyah_direct_map_pages_out() - pages out of the direct map now
 *
 * Return: the pages removed and not restored yet, that is, lent memory.
 */
s64 gunyah_direct_map_pages_out(void)
{
	return atomic64_read(&gunyah_dm_pages_out);
}

/**
 * gunyah_direct_map_flushes() - TLB flushes made for removals
 *
 * Return: how many, since boot.
 */
s64 gunyah_direct_map_flushes(void)
{
	return atomic64_read(&gunyah_dm_flushes);
}
