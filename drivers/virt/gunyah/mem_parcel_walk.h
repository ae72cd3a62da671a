/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking a parcel's folios in the page cache (mem_parcel_walk.c), for
 * mem_parcel.c.
 */
#ifndef __GUNYAH_MEM_PARCEL_WALK_H
#define __GUNYAH_MEM_PARCEL_WALK_H

#include <linux/types.h>

#include "mem_direct_map.h"
#include "rsc_mgr.h"

struct gunyah_gmem;
struct gunyah_parcel;

/* What a walk does with each folio of the parcel's range. */
enum gunyah_parcel_walk_op {
	GUNYAH_WALK_COUNT,	/* count, look for holes, take references */
	GUNYAH_WALK_EMIT,	/* write the next entries, for the RM */
	GUNYAH_WALK_CHECK,	/* no reference but ours and the cache's */
	GUNYAH_WALK_PUT,	/* drop our references */
	GUNYAH_WALK_REMOVE,	/* take lent pages out of the direct map */
	GUNYAH_WALK_RESTORE,	/* put the first @limit of them back */
	GUNYAH_WALK_RETURN,	/* put lent pages back, drop our references */
};

/* A walk: its parcel, and the state of the job it does. */
struct gunyah_parcel_walk {
	struct gunyah_parcel *p;
	enum gunyah_parcel_walk_op op;
	pgoff_t next;		/* the index the next folio must start at */
	pgoff_t end;
	phys_addr_t next_phys;	/* where the last entry ends */
	size_t n_entries;
	bool hole;
	bool check;		/* a count also checks the references */
	int busy;		/* what that check found: 0 or -EBUSY */
	struct gunyah_dm_removal *dm;
	unsigned long limit;
	struct gunyah_rm_mem_entry *out;	/* where an emit writes */
	size_t n_out;
	size_t max_out;
};

int gunyah_parcel_walk(struct gunyah_gmem *gmem, struct gunyah_parcel_walk *w,
		       enum gunyah_parcel_walk_op op);

#endif /* __GUNYAH_MEM_PARCEL_WALK_H */
