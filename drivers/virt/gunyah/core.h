/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the driver's parts are put together at probe time: a transport
 * backend (the message queues on Gunyah, or the RM simulator) is attached,
 * which creates the RPC core and then /dev/gunyah on top of it.
 */
#ifndef __GUNYAH_CORE_H
#define __GUNYAH_CORE_H

struct dentry;
struct device;
struct gunyah_rm;
struct gunyah_rm_transport;

int gunyah_core_attach(struct device *dev, struct gunyah_rm_transport *t);
struct dentry *gunyah_debugfs_dir(void);

/* vm_mgr.c */
int gunyah_vm_mgr_register(struct device *dev, struct gunyah_rm *rm);

/* rm_sim.c: the simulated RM, a transport backend of its own */
struct gunyah_rm_transport *gunyah_rm_sim_create(struct device *dev);

#endif /* __GUNYAH_CORE_H */
