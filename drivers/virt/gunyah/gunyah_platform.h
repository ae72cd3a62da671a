/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: none of their own; see rsc_mgr_msgq.c.
 */
/*
 * The backend for a real Gunyah: the devicetree glue (gunyah_platform.c)
 * and the Resource Manager's message-queue transport (rsc_mgr_msgq.c).
 */
#ifndef __GUNYAH_PLATFORM_H
#define __GUNYAH_PLATFORM_H

#include <linux/gunyah.h>
#include <linux/types.h>

struct device;
struct gunyah_rm_transport;

/* gunyah_platform.c */
int gunyah_rm_dt_capids(const __be32 *reg, size_t reg_bytes,
			unsigned int addr_cells, unsigned int size_cells,
			u64 *tx_capid, u64 *rx_capid);

/* rsc_mgr_msgq.c */
struct gunyah_rm_transport *gunyah_rm_msgq_create(struct device *dev,
						  u64 tx_capid, u64 rx_capid,
						  int tx_irq, int rx_irq);
void gunyah_rm_msgq_start(struct gunyah_rm_transport *t);
int gunyah_rm_msgq_send_errno(enum gunyah_error gunyah_error);

#endif /* __GUNYAH_PLATFORM_H */
