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
 * struct gunyah_folio_range - file pages and the folios that hold them
 * @folios: the folios, in file order, each holding part of the range
 * @nr_folios: entries in @folios
 * @start: the first page index of the range in the file
 * @nr: pages in the range
 */
struct gunyah_folio_range {
	struct folio **folios;
	unsigned long nr_folios;
	pgoff_t start;
	unsigned long nr;
};

bool gunyah_can_lend(void);
bool gunyah_folio_in_direct_map(struct folio *folio);
int gunyah_direct_map_remove(const struct gunyah_folio_range *r);
void gunyah_direct_map_restore(const struct gunyah_folio_range *r,
			       unsigned long limit);
s64 gunyah_direct_map_pages_out(void);
s64 gunyah_direct_map_flushes(void);

#endif /* __GUNYAH_MEM_DIRECT_MAP_H */
