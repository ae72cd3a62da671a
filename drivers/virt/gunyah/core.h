/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see core.c; a backend attaches once, at probe.
 */
/*
 * How the driver's parts are put together at probe time: a backend (the
 * message queues and hypercalls on Gunyah, or the RM simulator) attaches
 * its RM transport and its hypervisor calls, which creates the RPC core and
 * then /dev/gunyah on top of them. Backends call in; nothing here knows
 * which backend it runs on.
 */
#ifndef __GUNYAH_CORE_H
#define __GUNYAH_CORE_H

struct dentry;
struct device;
struct gunyah_hyp;
struct gunyah_rm;
struct gunyah_rm_transport;

int gunyah_core_attach(struct device *dev, struct gunyah_rm_transport *t,
		       struct gunyah_hyp *hyp);
struct dentry *gunyah_debugfs_dir(void);

/* vm_mgr.c */
int gunyah_vm_mgr_register(struct device *dev, struct gunyah_rm *rm,
			   struct gunyah_hyp *hyp);

#endif /* __GUNYAH_CORE_H */
