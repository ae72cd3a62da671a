/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: none; see mem_direct_map.c.
 */
/*
 * Ownership of the kernel's direct map for lent guest memory: the one
 * place that takes pages out of it and puts them back (mem_direct_map.c).
 */
#ifndef __GUNYAH_MEM_DIRECT_MAP_H
#define __GUNYAH_MEM_DIRECT_MAP_H

#include <linux/types.h>

struct folio;
struct seq_file;

/**
 * struct gunyah_dm_removal - a batch of pages leaving the direct map
 * @start: the lowest kernel address removed
 * @end: the end of the highest
 * @pages: pages removed
 */
struct gunyah_dm_removal {
	unsigned long start;
	unsigned long end;
	unsigned long pages;
};

bool gunyah_can_lend(void);
bool gunyah_folio_in_direct_map(struct folio *folio);
int gunyah_direct_map_remove_begin(struct gunyah_dm_removal *r);
int gunyah_direct_map_remove_pages(struct gunyah_dm_removal *r,
				   unsigned long pfn, unsigned long nr);
void gunyah_direct_map_remove_end(struct gunyah_dm_removal *r, int ret);
int gunyah_direct_map_hibernation_begin(void);
void gunyah_direct_map_hibernation_end(void);
void gunyah_direct_map_restore(unsigned long pfn, unsigned long nr);
s64 gunyah_direct_map_pages_out(void);
s64 gunyah_direct_map_flushes(void);

#endif /* __GUNYAH_MEM_DIRECT_MAP_H */
