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

#include "rsc_mgr.h"

struct folio;
struct seq_file;

bool gunyah_can_lend(void);
bool gunyah_folio_in_direct_map(struct folio *folio);
int gunyah_direct_map_remove(const struct gunyah_rm_mem_entry *runs, size_t n);
int gunyah_direct_map_hibernation_begin(void);
void gunyah_direct_map_hibernation_end(void);
void gunyah_direct_map_restore(const struct gunyah_rm_mem_entry *runs,
			       size_t n, unsigned long limit);
s64 gunyah_direct_map_pages_out(void);
s64 gunyah_direct_map_flushes(void);

#endif /* __GUNYAH_MEM_DIRECT_MAP_H */
