// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's direct map and lent guest memory.
 *
 * A lent page belongs to the guest: the host must not reach it, not even
 * speculatively through its own linear map. This file is the only one that
 * takes guest pages out of the direct map and puts them back, in the
 * spirit of mm/secretmem.c: a batch of pages (the runs of a parcel, as
 * its caller walks them in the page cache: no list of them is kept) is
 * removed with one TLB flush for all of them, and restored without one
 * (making a mapping valid needs none). It counts the
 * pages it holds out of the direct map and the flushes it made, and
 * refuses hibernation while any page is out: the image would be written
 * through the direct map.
 *
 * Locking: none of its own. The callers own the folios they pass (the
 * parcel layer, under the file's bindings_lock); the counters are atomic.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/init.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rwsem.h>
#include <linux/set_memory.h>
#include <linux/suspend.h>
#include <asm/tlbflush.h>

#include "mem_direct_map.h"

static atomic64_t gunyah_dm_pages_out;
static atomic64_t gunyah_dm_flushes;

/*
 * From PM_HIBERNATION_PREPARE to PM_POST_HIBERNATION no page may leave the
 * direct map: the image is written through it. Removals hold the lock for
 * read across their change of the count, the notifier for write, so a
 * lend either shows in the count the notifier checks or sees the flag.
 */
static DECLARE_RWSEM(gunyah_dm_hibernation_lock);
static bool gunyah_dm_hibernating;

/**
 * gunyah_direct_map_hibernation_begin() - no more pages out, for hibernation
 *
 * Return: 0, or -EBUSY if guest memory is out of the direct map.
 */
int gunyah_direct_map_hibernation_begin(void)
{
	int ret = 0;

	down_write(&gunyah_dm_hibernation_lock);
	if (atomic64_read(&gunyah_dm_pages_out))
		ret = -EBUSY;
	else
		gunyah_dm_hibernating = true;
	up_write(&gunyah_dm_hibernation_lock);
	return ret;
}

/**
 * gunyah_direct_map_hibernation_end() - pages may leave the direct map again
 */
void gunyah_direct_map_hibernation_end(void)
{
	down_write(&gunyah_dm_hibernation_lock);
	gunyah_dm_hibernating = false;
	up_write(&gunyah_dm_hibernation_lock);
}

static int gunyah_dm_pm_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	if (action == PM_HIBERNATION_PREPARE) {
		/* The image would be written through the direct map. */
		if (gunyah_direct_map_hibernation_begin()) {
			pr_info("hibernation refused: guest memory is lent\n");
			return NOTIFY_BAD;
		}
	} else if (action == PM_POST_HIBERNATION) {
		gunyah_direct_map_hibernation_end();
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

/**
 * gunyah_direct_map_restore() - put pages back in the direct map
 * @pfn: the first page
 * @nr: how many; pages already back are left alone
 *
 * Making a mapping valid needs no TLB flush.
 */
void gunyah_direct_map_restore(unsigned long pfn, unsigned long nr)
{
	unsigned long end = pfn + nr, restored = 0;
	struct page *page;

	for (; pfn < end; pfn++) {
		page = pfn_to_page(pfn);
		if (kernel_page_present(page))
			continue;
		if (!set_direct_map_default_noflush(page))
			restored++;
	}
	atomic64_sub(restored, &gunyah_dm_pages_out);
}

/*
 * A removal is a batch: the runs of a parcel, one after the other, then
 * one TLB flush for all of them. In 6.12 the direct map changes one page
 * per call (set_direct_map_*_noflush(); the range version came later).
 */

/**
 * gunyah_direct_map_remove_begin() - start taking pages out of the direct map
 * @r: the batch, initialised here
 *
 * Return: 0, or -EBUSY while the system hibernates. On success, end the
 * batch with gunyah_direct_map_remove_end().
 */
int gunyah_direct_map_remove_begin(struct gunyah_dm_removal *r)
{
	*r = (struct gunyah_dm_removal){ .start = ULONG_MAX };
	down_read(&gunyah_dm_hibernation_lock);
	if (gunyah_dm_hibernating) {
		up_read(&gunyah_dm_hibernation_lock);
		return -EBUSY;
	}
	return 0;
}

/**
 * gunyah_direct_map_remove_pages() - take a run of pages out, without a flush
 * @r: the batch
 * @pfn: the first page; the caller made sure nothing else maps or holds
 *	the pages
 * @nr: how many
 *
 * Return: 0 or the error of the page that failed; @r->pages counts the
 * pages removed so far either way.
 */
int gunyah_direct_map_remove_pages(struct gunyah_dm_removal *r,
				   unsigned long pfn, unsigned long nr)
{
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn), i;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		ret = set_direct_map_invalid_noflush(pfn_to_page(pfn + i));
		if (ret)
			break;
	}
	if (i) {
		r->pages += i;
		r->start = min(r->start, addr);
		r->end = max(r->end, addr + i * PAGE_SIZE);
	}
	return ret;
}

/**
 * gunyah_direct_map_remove_end() - end a batch, with one TLB flush for it
 * @r: the batch
 * @ret: 0 if every run was removed; otherwise nothing is flushed and the
 *	caller puts the @r->pages pages it removed back with
 *	gunyah_direct_map_restore()
 */
void gunyah_direct_map_remove_end(struct gunyah_dm_removal *r, int ret)
{
	atomic64_add(r->pages, &gunyah_dm_pages_out);
	up_read(&gunyah_dm_hibernation_lock);
	if (ret || !r->pages)
		return;
	flush_tlb_kernel_range(r->start, r->end);
	atomic64_inc(&gunyah_dm_flushes);
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
