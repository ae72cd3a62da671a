// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's direct map and lent guest memory.
 *
 * A lent page belongs to the guest: the host must not reach it, not even
 * speculatively through its own linear map. This file is the only one that
 * takes guest pages out of the direct map and puts them back, in the
 * spirit of mm/secretmem.c: a batch of pages (the physically contiguous
 * runs of a parcel) is removed with one TLB flush for all of them, and
 * restored without one (making a mapping valid needs none). It counts the
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

/*
 * The pages of a parcel, as its memory entries list them: runs of
 * physically contiguous pages. In 6.12 the direct map changes one page per
 * call (set_direct_map_*_noflush(); the range version came later), so a
 * run is one call per page, and a removal one TLB flush for all of them.
 */
static unsigned long gunyah_dm_run_pfn(const struct gunyah_rm_mem_entry *e)
{
	return PHYS_PFN(le64_to_cpu(e->phys_addr));
}

static unsigned long gunyah_dm_run_pages(const struct gunyah_rm_mem_entry *e)
{
	return le64_to_cpu(e->size) >> PAGE_SHIFT;
}

/**
 * gunyah_direct_map_restore() - put pages back in the direct map
 * @runs: the runs of pages, as given to gunyah_direct_map_remove(); pages
 *	already back are left alone
 * @n: entries in @runs
 * @limit: restore only the first @limit pages (those a failed removal got
 *	to); ULONG_MAX for all of them
 */
void gunyah_direct_map_restore(const struct gunyah_rm_mem_entry *runs,
			       size_t n, unsigned long limit)
{
	unsigned long pfn, end, done = 0, restored = 0;
	struct page *page;
	size_t i;

	for (i = 0; i < n && done < limit; i++) {
		pfn = gunyah_dm_run_pfn(&runs[i]);
		end = pfn + min(gunyah_dm_run_pages(&runs[i]), limit - done);
		for (; pfn < end; pfn++, done++) {
			page = pfn_to_page(pfn);
			if (kernel_page_present(page))
				continue;
			/* Making a mapping valid needs no TLB flush. */
			if (!set_direct_map_default_noflush(page))
				restored++;
		}
	}
	atomic64_sub(restored, &gunyah_dm_pages_out);
}

/**
 * gunyah_direct_map_remove() - take pages out of the direct map, with one
 *	TLB flush for all of them
 * @runs: the runs of pages; the caller made sure nothing else maps or
 *	holds them
 * @n: entries in @runs
 *
 * Return: 0, -EBUSY while the system hibernates, or the error of the page
 * that failed; nothing is removed then.
 */
int gunyah_direct_map_remove(const struct gunyah_rm_mem_entry *runs, size_t n)
{
	unsigned long start = ULONG_MAX, end = 0, pfn, last, done = 0;
	unsigned long addr;
	size_t i;
	int ret = 0;

	down_read(&gunyah_dm_hibernation_lock);
	if (gunyah_dm_hibernating) {
		up_read(&gunyah_dm_hibernation_lock);
		return -EBUSY;
	}
	for (i = 0; i < n && !ret; i++) {
		pfn = gunyah_dm_run_pfn(&runs[i]);
		last = pfn + gunyah_dm_run_pages(&runs[i]);
		addr = (unsigned long)pfn_to_kaddr(pfn);
		start = min(start, addr);
		end = max_t(unsigned long, end, (unsigned long)pfn_to_kaddr(last));
		for (; pfn < last; pfn++, done++) {
			ret = set_direct_map_invalid_noflush(pfn_to_page(pfn));
			if (ret)
				break;
		}
	}
	atomic64_add(done, &gunyah_dm_pages_out);
	up_read(&gunyah_dm_hibernation_lock);
	if (ret) {
		gunyah_direct_map_restore(runs, n, done);
		return ret;
	}
	if (done) {
		flush_tlb_kernel_range(start, end);
		atomic64_inc(&gunyah_dm_flushes);
	}
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
