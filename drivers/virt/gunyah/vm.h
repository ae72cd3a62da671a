/* SPDX-License-Identifier: GPL-2.0-only *
 * Locking: see the members of each structure.
 */
/*
 * The VM manager's objects: /dev/gunyah (&struct gunyah_vm_mgr) and the VMs
 * it creates (&struct gunyah_vm).
 */
#ifndef __GUNYAH_VM_H
#define __GUNYAH_VM_H

#include <linux/bitmap.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/gunyah.h>

#include "mem_binding.h"
#include "vm_fn.h"

struct dentry;
struct gunyah_hyp;
struct gunyah_rm;
struct gunyah_rm_hyp_resources;

/**
 * struct gunyah_vm_mgr - the state behind /dev/gunyah
 * @misc: the misc device
 * @dev: the device of the RM transport
 * @rm: the Resource Manager VMs are created through
 * @hyp: the hypervisor calls of the VMs' vCPUs and doorbells
 * @host_vmid: our own vmid
 * @boot_context: the RM implements VM_SET_BOOT_CONTEXT (probed)
 * @vms: vmid -> &struct gunyah_vm, for VMs the RM knows; its lock also
 *       covers reading a VM's status fields from the notifier
 * @nb: listener for the RM's VM notifications
 * @ids: numbers for the VMs' debugfs directories
 * @debugfs: the "gunyah" debugfs directory
 */
struct gunyah_vm_mgr {
	struct miscdevice misc;
	struct device *dev;
	struct gunyah_rm *rm;
	struct gunyah_hyp *hyp;
	u16 host_vmid;
	bool boot_context;
	struct xarray vms;
	struct notifier_block nb;
	struct ida ids;
	struct dentry *debugfs;
};

/* The driver's view of a VM's life (the RM's own state is @rm_status). */
enum gunyah_vm_state {
	GUNYAH_VM_NEW,		/* not started, or a start failed and was undone */
	GUNYAH_VM_RUNNING,	/* started; the guest may have exited since */
	GUNYAH_VM_BROKEN,	/* the RM refused to give something back */
};

/* X0..X30, PC, SP_EL0, SP_EL1 */
#define GUNYAH_VM_BOOT_REGS	35

#define GUNYAH_VM_MAX_EXIT_REASON	8

/**
 * struct gunyah_vm_exit - how the VM exited, from VM_EXITED
 * @type: the RM's exit type
 * @reason_size: bytes of @reason the RM sent (at most 8 are kept)
 * @reason: the exit reason, uninterpreted
 */
struct gunyah_vm_exit {
	u16 type;
	u32 reason_size;
	u8 reason[GUNYAH_VM_MAX_EXIT_REASON];
};

/**
 * struct gunyah_vm - one VM
 * @kref: held by the VM fd and by everything else that uses the VM
 * @mgr: /dev/gunyah
 * @id: number of the debugfs directory
 * @lock: serialises configuration and the lifecycle (START, teardown);
 *        held across the RM calls they make. Protects the fields down to
 *        @resources.
 * @state: see &enum gunyah_vm_state
 * @vmid: the RM's id of the VM, valid while gunyah_vm_has_vmid()
 * @dtb: where the devicetree is, valid if @dtb_set
 * @dtb_set: GH_VM_SET_DTB_CONFIG was called
 * @boot_regs: initial register values, for GH_VM_SET_BOOT_CONTEXT
 * @boot_regs_set: which of @boot_regs were set
 * @resources: what GET_HYP_RESOURCES returned at start
 * @guest_ran: VM_START was sent: the guest may have used its memory (set
 *             once, never cleared; read without the lock by reclaim)
 * @guest_rm_link: the guest's devicetree gives it an RM RPC link, so it can
 *                 accept memory given while it runs (read at start)
 * @configured: VM_CONFIG_IMAGE succeeded for the current vmid (under @lock)
 * @giving: GH_VM_START, or a GH_VM_MAP_MEM while the VM runs, is handing
 *          memory to the RM and telling it what the memory is for; a punch
 *          takes none of the VM's parcels back meanwhile (set and cleared
 *          under @lock, read under a file's bindings_lock)
 * @mem: the memory bindings
 * @fns: the VM's functions, under @lock
 * @mmio_lock: protects @ioeventfds, which the vCPU run loop reads
 * @ioeventfds: the VM's ioeventfds, by address (ioeventfd.c)
 * @status_lock: protects the fields below; taken in the notifier
 * @rm_status: the last VM_STATUS the RM sent, or the state our last call
 *             put the VM in; %GUNYAH_RM_VM_STATUS_NO_STATE while the VM
 *             has no vmid
 * @exited: the RM sent VM_EXITED
 * @exit: what it said
 * @status_wq: woken when the fields above change
 * @debugfs: the VM's debugfs directory
 * @free_work: tears the VM down once its last reference is gone, and
 *	again later while the RM keeps something of it (vm.c)
 * @free_wait: who waits for the first @free_work (vm.c), or NULL
 * @free_tries: teardowns @free_work made
 */
struct gunyah_vm {
	struct kref kref;
	struct gunyah_vm_mgr *mgr;
	int id;

	struct mutex lock;		/* see above: config and lifecycle */
	enum gunyah_vm_state state;
	u16 vmid;
	struct gh_vm_dtb_config dtb;
	bool dtb_set;
	u64 boot_regs[GUNYAH_VM_BOOT_REGS];
	DECLARE_BITMAP(boot_regs_set, GUNYAH_VM_BOOT_REGS);
	struct gunyah_rm_hyp_resources *resources;
	bool guest_ran;
	bool guest_rm_link;
	bool configured;
	bool giving;
	struct gunyah_vm_mem mem;
	struct gunyah_vm_functions fns;
	spinlock_t mmio_lock;		/* see above: @ioeventfds */
	struct rb_root ioeventfds;

	spinlock_t status_lock;		/* the notifier's fields below */
	u8 rm_status;
	bool exited;
	struct gunyah_vm_exit exit;
	wait_queue_head_t status_wq;

	struct dentry *debugfs;
	struct delayed_work free_work;
	struct gunyah_vm_free_wait *free_wait;
	unsigned int free_tries;
};

long gunyah_vm_check_extension(struct gunyah_vm_mgr *mgr, unsigned long ext);
long gunyah_vm_create(struct gunyah_vm_mgr *mgr, unsigned long type);
void gunyah_vm_put(struct gunyah_vm *vm);

void gunyah_vm_status_changed(struct gunyah_vm *vm, u8 rm_status);
void gunyah_vm_exited(struct gunyah_vm *vm, u16 type, const u8 *reason,
		      u32 reason_size);
void gunyah_vm_guest_ended(struct gunyah_vm *vm, u16 type);

void gunyah_vm_debugfs_add(struct gunyah_vm *vm);
bool gunyah_vm_has_vmid(struct gunyah_vm *vm);

bool gunyah_vm_guest_has_rm_link(struct gunyah_vm *vm);

/* vm_boot_context.c */
struct gh_vm_boot_context;
int gunyah_vm_boot_context_set(struct gunyah_vm *vm,
			       const struct gh_vm_boot_context *ctx);
int gunyah_vm_boot_context_apply(struct gunyah_vm *vm);

#endif /* __GUNYAH_VM_H */
