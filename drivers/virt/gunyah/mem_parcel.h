/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see mem_parcel.c.
 */
/*
 * Memory parcels: the memory of one binding as given to the RM
 * (mem_parcel.c).
 */
#ifndef __GUNYAH_MEM_PARCEL_H
#define __GUNYAH_MEM_PARCEL_H

#include <linux/types.h>

#include "mem_direct_map.h"
#include "rsc_mgr.h"

struct gunyah_binding;
struct seq_file;

/**
 * enum gunyah_parcel_outcome - what the driver knows of the RM's parcel
 * @GUNYAH_PARCEL_KNOWN: every call about it was answered
 * @GUNYAH_PARCEL_WAITING: a call gave up waiting; its reply, when it comes,
 *	tells what the RM did. Until then the parcel is not named again (a
 *	reclaimed handle may have gone to another parcel).
 * @GUNYAH_PARCEL_LOST: no reply will tell: the parcel stays given for good
 */
enum gunyah_parcel_outcome {
	GUNYAH_PARCEL_KNOWN,
	GUNYAH_PARCEL_WAITING,
	GUNYAH_PARCEL_LOST,
};

/**
 * struct gunyah_parcel - memory of one binding, given to the RM
 * @rm: the parcel as the RM knows it: lent or shared, its label, its ACL,
 *	the number of its memory entries (they are read from the page cache
 *	as they are sent), its handle
 * @start: the first page index of the binding's range in its file
 * @nr: pages in the range; each folio that holds them has a reference
 *	held while given (the folios are found again in the page cache: the
 *	range cannot be truncated or punched while it is given)
 * @nr_folios: folios holding the range
 * @nr_huge: how many of them are 2 MiB folios
 * @meta: bytes of kernel memory the parcel takes (this structure and its
 *	ACL): the same for every parcel
 * @refs: the parcel holds its references on the folios of the range
 * @busy: an RM call about it (give or take back) is in flight without the
 *	file's bindings_lock; nothing but that call changes it meanwhile
 * @outcome: whether a call about it is still unanswered
 * @late: hears the reply of that call
 * @late_heard: set by @late's listener (release), once @late_ret and
 *	@late_handle are final; applied under the bindings_lock
 * @late_ret: the late reply's outcome
 * @late_handle: the handle a late MEM_LEND or MEM_SHARE reply gave
 */
struct gunyah_parcel {
	struct gunyah_rm_mem_parcel rm;
	pgoff_t start;
	unsigned long nr;
	unsigned long nr_folios;
	unsigned long nr_huge;
	size_t meta;
	bool refs;
	bool busy;
	enum gunyah_parcel_outcome outcome;
	struct gunyah_rm_late late;
	bool late_heard;
	int late_ret;
	u32 late_handle;
};

int gunyah_parcel_give(struct gunyah_binding *b, u32 label, u32 *handle);
int gunyah_parcel_prepare(struct gunyah_binding *b);
void gunyah_parcel_drain_lru(void);
int gunyah_parcel_reclaim(struct gunyah_binding *b);
int gunyah_parcel_take_back(struct gunyah_binding *b, bool *was_given);
bool gunyah_parcels_fit(unsigned long n);
void gunyah_parcel_show(const struct gunyah_parcel *p, struct seq_file *s);
void gunyah_mem_stats_show(struct seq_file *s);

#if IS_ENABLED(CONFIG_KUNIT)
bool gunyah_mem_entries_add(struct gunyah_rm_mem_entry *entries, size_t *n,
			    size_t max, phys_addr_t phys, u64 len);
size_t gunyah_acl_build(struct gunyah_rm_mem_acl_entry *acl, u16 vmid,
			u16 host_vmid, u32 flags, bool lend);
#endif

#endif /* __GUNYAH_MEM_PARCEL_H */
