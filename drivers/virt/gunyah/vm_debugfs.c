// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs view of a VM: gunyah/vm<N>/status.
 *
 * Locking: the VM's lock while the file is shown, and its status lock for
 * the fields the notifier writes.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

static const char *const gunyah_vm_state_names[] = {
	[GUNYAH_VM_NEW]		= "new",
	[GUNYAH_VM_RUNNING]	= "running",
	[GUNYAH_VM_BROKEN]	= "broken",
};

static int gunyah_vm_status_show(struct seq_file *s, void *unused)
{
	struct gunyah_vm *vm = s->private;
	struct gunyah_vm_exit exit;
	bool exited;
	u32 i, n;
	u8 status;

	mutex_lock(&vm->lock);
	seq_printf(s, "state %s\n", gunyah_vm_state_names[vm->state]);
	if (gunyah_vm_has_vmid(vm))
		seq_printf(s, "vmid %u\n", vm->vmid);
	else
		seq_puts(s, "vmid none\n");

	spin_lock(&vm->status_lock);
	status = vm->rm_status;
	exited = vm->exited;
	exit = vm->exit;
	spin_unlock(&vm->status_lock);

	seq_printf(s, "rm_status %u\n", status);
	if (exited) {
		seq_printf(s, "exit_type %u\nexit_reason", exit.type);
		for (i = 0; i < min_t(u32, exit.reason_size, sizeof(exit.reason)); i++)
			seq_printf(s, " %02x", exit.reason[i]);
		seq_putc(s, '\n');
	}

	n = vm->resources ? le32_to_cpu(vm->resources->n_entries) : 0;
	seq_printf(s, "resources %u\n", n);
	for (i = 0; i < n; i++) {
		struct gunyah_rm_hyp_resource *r = &vm->resources->entries[i];

		seq_printf(s, "resource type %u label %u capid %#llx virq %u\n",
			   r->type, le32_to_cpu(r->resource_label),
			   le64_to_cpu(r->cap_id), le32_to_cpu(r->virq));
	}
	gunyah_vm_functions_show(vm, s);
	mutex_unlock(&vm->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gunyah_vm_status);

static int gunyah_vm_memory_show(struct seq_file *s, void *unused)
{
	struct gunyah_vm *vm = s->private;

	mutex_lock(&vm->lock);
	gunyah_vm_mem_show(vm, s);
	mutex_unlock(&vm->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gunyah_vm_memory);

/**
 * gunyah_vm_debugfs_add() - create the VM's debugfs directory
 * @vm: the VM
 *
 * Failures are ignored, as debugfs failures should be.
 */
void gunyah_vm_debugfs_add(struct gunyah_vm *vm)
{
	char name[16];

	snprintf(name, sizeof(name), "vm%d", vm->id);
	vm->debugfs = debugfs_create_dir(name, vm->mgr->debugfs);
	debugfs_create_file("status", 0400, vm->debugfs, vm,
			    &gunyah_vm_status_fops);
	debugfs_create_file("memory", 0400, vm->debugfs, vm,
			    &gunyah_vm_memory_fops);
}
