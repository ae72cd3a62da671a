// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated RM's debugfs interface, in gunyah/rm_sim/ (the instance
 * the driver attaches at boot) or gunyah/rm_sim-<device>/ (others, such as
 * the ones KUnit creates).
 *
 * control (write): one command per write, numbers in C notation (0x80, 128):
 *   accept <handle> [<vmid>]   the guest accepts (maps) a parcel; the vmid
 *                              may be left out when the parcel has one
 *                              receiver. The VM must be RUNNING. The owner
 *                              gets MEM_ACCEPTED.
 *   release <handle> [<vmid>]  the guest releases a parcel it accepted; the
 *                              owner gets MEM_RELEASED.
 *   exit <vmid> <exit_type> <reason>
 *                              the guest exits: RUNNING -> EXITED, with
 *                              VM_STATUS and VM_EXITED (exit_type, one
 *                              reason word) notifications.
 *   fail <msg_id> <nth> <rm_error>
 *                              the nth request with msg_id from now on
 *                              (1 = the next) is answered rm_error and
 *                              has no effect, except that a failed
 *                              CONFIG_IMAGE, VM_INIT or VM_START moves its
 *                              VM (in LOAD or RESET, INIT, resp. READY) to
 *                              INIT_FAILED, as the RM does.
 *   drop <msg_id> <nth>        the nth such request is handled, but its
 *                              reply is never sent.
 *   hold <msg_id> <nth>        the nth such request is handled, but its
 *                              reply is kept back until "answer": a late
 *                              reply. What the RM sends meanwhile (other
 *                              replies, notifications) goes out before it.
 *   answer                     send the replies held back, in order.
 *   tx_stall                   take no more messages from the host: its
 *                              send() finds the queue full, and no
 *                              tx_ready comes, until "tx_resume".
 *   tx_resume                  take messages again (and say so).
 *   sleepy                     the next exit a guest makes (poweroff,
 *                              reset) reaches the RM only with the next
 *                              request, as when the public RM sleeps
 *                              through a vCPU's halt interrupt: until
 *                              then no notification comes.
 *   exit_on_start              the next VM_START's guest powers off at
 *                              once: VM_STATUS EXITED and VM_EXITED follow
 *                              the reply at once, before its caller has
 *                              run again.
 *   exit_on_start_early        the same, but the exit's notifications come
 *                              before the VM_START reply, as when the
 *                              host reads them before the caller runs
 *                              again: no race decides the order.
 *   clear                      disarm every fault not yet fired, drop
 *                              the replies held back, and end "tx_stall".
 *   vcpu <vmid> <index> <op> [operands]
 *                              queue what vCPU <index> of a VM (which has
 *                              its vCPUs from VM_INIT to VM_RESET) does at
 *                              its next vcpu_run; one run takes one entry:
 *     mmio_write <addr> <len> <value>
 *                              returns ADDRSPACE_VMMIO_WRITE with
 *                              state_data {addr, len, value}; len is 1, 2,
 *                              4 or 8 and value must fit in it.
 *     mmio_read <addr> <len>   returns ADDRSPACE_VMMIO_READ with
 *                              {addr, len, 0}; resume_data[0] of the next
 *                              run is recorded as the value read.
 *     block                    returns EXPECTS_WAKEUP; the vCPU then sleeps
 *                              (runs return EXPECTS_WAKEUP, queued entries
 *                              wait) until a doorbell of its VM rings or
 *                              "wake", which raise its wake-up virq.
 *     poweroff                 PSCI SYSTEM_OFF: the VM goes to EXITED with
 *                              VM_STATUS and VM_EXITED (exit type 1,
 *                              PLATFORM_OFF); this run returns POWERED_OFF
 *                              without the exited flag and this vCPU's
 *                              later runs fail with BUSY (as on the public
 *                              hypervisor); the other vCPUs' runs return
 *                              POWERED_OFF with state_data[0] bit 0 set,
 *                              until VM_RESET.
 *     reset                    PSCI SYSTEM_RESET: likewise with exit type 2
 *                              (RESET); runs return PSCI_SYSTEM_RESET.
 *     fault                    returns FAULT; the VM exits as after
 *                              poweroff, with exit type 5 (SOFTWARE_ERROR),
 *                              as the public RM ends a VM one of whose
 *                              vCPUs faulted.
 *     cpu_off                  PSCI CPU_OFF: returns POWERED_OFF with
 *                              state_data[0] 0 (the VM runs on); runs
 *                              return that, and doorbells do not end it,
 *                              until "wake" (PSCI CPU_ON).
 *     retry                    the next run fails with the hypervisor's
 *                              RETRY and takes no resume data.
 *     wake                     not queued: ends a "block" or "cpu_off"
 *                              sleep now.
 *     retry_forever            not queued: from now on every run fails
 *                              with RETRY (and counts in "runs"), as if
 *                              the hypervisor never got to run the vCPU,
 *                              queued entries waiting; the driver's run
 *                              loop spins until "retry_stop", VM_RESET or
 *                              the VM's end.
 *     retry_stop               not queued: ends "retry_forever".
 *                              With nothing queued a run returns
 *                              EXPECTS_WAKEUP (the guest is idle); queuing
 *                              an entry for a vCPU that waits (and does not
 *                              sleep) raises its wake-up virq. So does any
 *                              exit of its VM. A run of a VM that is not
 *                              RUNNING fails with -EPERM (except after
 *                              poweroff/reset, above), one of an unknown
 *                              capability id with -EINVAL. At most 64
 *                              entries wait per vCPU (-ENOSPC).
 * A malformed command fails with -EINVAL, an unknown handle or VM (or vCPU)
 * with -ENOENT, a parcel or VM in the wrong state with -EBUSY.
 *
 * boot_context (read/write): 0 (default) answers VM_SET_BOOT_CONTEXT with
 * UNIMPLEMENTED, as the public RM does; 1 implements it.
 *
 * counters (read): one "key value" pair per line, values in decimal:
 *   vms                 allocated VMs
 *   parcels             live parcels (all owned by the host, VM 3)
 *   parcels_open        of those, still waiting for MEM_APPEND's END
 *   pages_lent          pages in live lent parcels
 *   pages_shared        pages in live shared parcels
 *   requests            requests handled since creation
 *   tx_full             send() calls refused with -EAGAIN (queue full)
 *   dropped             malformed messages dropped
 *   faults_armed        fail/drop/hold rules not yet fired
 *   faults_hit          fail/drop/hold rules that fired
 *   held_msgs           messages of replies held back ("hold")
 *   fatal_resets        VM_RESETs of a VM whose CONFIG_IMAGE had failed
 *                       (refused; the public RM crashes on them)
 * then for each VM, by vmid (decimal):
 *   vm.<vmid>.state         its &enum gunyah_rm_vm_status
 *   vm.<vmid>.vcpus         vCPUs from its devicetree (0 before VM_INIT)
 *   vm.<vmid>.lent_pages    pages of live parcels lent to it
 *   vm.<vmid>.shared_pages  pages of live parcels shared with it
 * and for each of its vCPUs, by index <i>, once VM_INIT created them:
 *   vm.<vmid>.vcpu<i>.runs       vcpu_run calls that reached it
 *   vm.<vmid>.vcpu<i>.script     script entries still queued
 *   vm.<vmid>.vcpu<i>.last_read  the last value an mmio_read was resumed with
 *   vm.<vmid>.vcpu<i>.asleep     1 while a "block" entry keeps it asleep
 *   vm.<vmid>.vcpu<i>.wakeups    wake-up virqs raised for it
 * and for each doorbell of its devicetree, by label <l> (decimal):
 *   vm.<vmid>.bell<l>.rings        bell_send calls
 *   vm.<vmid>.bell<l>.flags        the flags of the last bell_send
 *   vm.<vmid>.bell<l>.enable_mask  the last bell_set_mask's enable mask
 *   vm.<vmid>.bell<l>.ack_mask     the last bell_set_mask's ack mask
 *
 * Locking: every command takes the simulator's @lock (see rm_sim.h).
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "../core.h"
#include "rm_sim.h"

#define RM_SIM_CMD_MAX		128
#define RM_SIM_CMD_ARGS		7

/* Split @buf in place into at most @max words. Returns the count or -EINVAL. */
static int rm_sim_split(char *buf, char **argv, int max)
{
	int argc = 0;
	char *word;

	while ((word = strsep(&buf, " \t\n"))) {
		if (!*word)
			continue;
		if (argc == max)
			return -EINVAL;
		argv[argc++] = word;
	}
	return argc;
}

static int rm_sim_args(char **argv, int argc, u32 *vals)
{
	int i;

	for (i = 0; i < argc; i++)
		if (kstrtou32(argv[i], 0, &vals[i]))
			return -EINVAL;
	return 0;
}

/* accept or release, with or without a vmid. */
static int rm_sim_guest_mem(struct gunyah_rm_sim *sim, bool accept, u32 handle,
			    bool has_vmid, u32 vmid)
{
	struct rm_sim_parcel *p;
	struct rm_sim_vm *vm;
	LIST_HEAD(notifs);
	unsigned int i;
	int ret;

	if (has_vmid && vmid > U16_MAX)
		return -EINVAL;
	mutex_lock(&sim->lock);
	p = rm_sim_parcel_lookup(sim, handle);
	if (!p) {
		ret = -ENOENT;
		goto out;
	}
	if (!has_vmid) {
		/* The parcel's only receiver. */
		if (p->n_acl - !p->lend != 1) {
			ret = -EINVAL;
			goto out;
		}
		for (i = 0; i < p->n_acl; i++)
			if (p->acl[i].vmid != p->owner)
				vmid = p->acl[i].vmid;
	}
	vm = rm_sim_vm_lookup(sim, vmid);
	if (!vm) {
		ret = -ENOENT;
		goto out;
	}
	if (accept) {
		/* Only a running guest can ask for memory. */
		ret = vm->state == GUNYAH_RM_VM_STATUS_RUNNING ?
		      rm_sim_accept(sim, p, vmid, &notifs) : -EBUSY;
	} else {
		ret = rm_sim_release(sim, p, vmid, &notifs);
	}
	rm_sim_flush_notifs(sim, &notifs);
out:
	mutex_unlock(&sim->lock);
	return ret;
}

/**
 * rm_sim_command() - carry out one debugfs command
 * @sim: the simulated RM
 * @cmd: the command, as described at the top of this file; it is copied
 *
 * Return: 0 or a negative errno.
 */
int rm_sim_command(struct gunyah_rm_sim *sim, const char *cmd)
{
	char *argv[RM_SIM_CMD_ARGS + 1], *buf;
	u32 v[RM_SIM_CMD_ARGS];
	int argc, n, ret;

	buf = kstrndup(cmd, RM_SIM_CMD_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	argc = rm_sim_split(buf, argv, ARRAY_SIZE(argv));
	ret = -EINVAL;
	if (argc < 1)
		goto out;
	if (!strcmp(argv[0], "vcpu")) {
		ret = rm_sim_vcpu_command(sim, argc - 1, argv + 1);
		goto out;
	}
	n = argc - 1;
	if (rm_sim_args(argv + 1, n, v))
		goto out;

	if (!strcmp(argv[0], "accept") && (n == 1 || n == 2))
		ret = rm_sim_guest_mem(sim, true, v[0], n == 2, v[1]);
	else if (!strcmp(argv[0], "release") && (n == 1 || n == 2))
		ret = rm_sim_guest_mem(sim, false, v[0], n == 2, v[1]);
	else if (!strcmp(argv[0], "exit") && n == 3 && v[0] <= U16_MAX &&
		 v[1] <= U16_MAX)
		ret = rm_sim_guest_exit(sim, v[0], v[1], v[2]);
	else if (!strcmp(argv[0], "fail") && n == 3)
		ret = rm_sim_add_fault(sim, v[0], v[1], RM_SIM_FAIL, v[2]);
	else if (!strcmp(argv[0], "drop") && n == 2)
		ret = rm_sim_add_fault(sim, v[0], v[1], RM_SIM_DROP, 0);
	else if (!strcmp(argv[0], "hold") && n == 2)
		ret = rm_sim_add_fault(sim, v[0], v[1], RM_SIM_HOLD, 0);
	else if (!strcmp(argv[0], "answer") && !n)
		ret = rm_sim_answer_held(sim);
	else if (!strcmp(argv[0], "tx_stall") && !n)
		ret = rm_sim_stall_tx(sim, true);
	else if (!strcmp(argv[0], "tx_resume") && !n)
		ret = rm_sim_stall_tx(sim, false);
	else if (!strcmp(argv[0], "clear") && !n)
		ret = rm_sim_clear_faults(sim) ?: rm_sim_stall_tx(sim, false);
	else if (!strcmp(argv[0], "sleepy") && !n)
		ret = rm_sim_arm_exit_fault(sim, RM_SIM_SLEEPY);
	else if (!strcmp(argv[0], "exit_on_start") && !n)
		ret = rm_sim_arm_exit_fault(sim, RM_SIM_EXIT_ON_START);
	else if (!strcmp(argv[0], "exit_on_start_early") && !n)
		ret = rm_sim_arm_exit_fault(sim, RM_SIM_EXIT_ON_START_EARLY);
out:
	kfree(buf);
	return ret;
}

/**
 * rm_sim_counters_show() - print the counters
 * @sim: the simulated RM
 * @s: where to print them
 */
void rm_sim_counters_show(struct gunyah_rm_sim *sim, struct seq_file *s)
{
	u64 lent = 0, shared = 0, tx_full, vm_lent, vm_shared;
	unsigned int n_vms = 0, n_open = 0, armed = 0, held = 0;
	struct rm_sim_parcel *p;
	struct rm_sim_fault *f;
	struct rm_sim_msg *m;
	struct rm_sim_vm *vm;
	unsigned long idx;

	spin_lock_irq(&sim->txq_lock);
	tx_full = sim->stats.tx_full;
	spin_unlock_irq(&sim->txq_lock);

	mutex_lock(&sim->lock);
	xa_for_each(&sim->vms, idx, vm)
		n_vms++;
	xa_for_each(&sim->parcels, idx, p) {
		n_open += p->open;
		if (p->lend)
			lent += p->n_pages;
		else
			shared += p->n_pages;
	}
	list_for_each_entry(f, &sim->faults, list)
		armed++;
	list_for_each_entry(m, &sim->held, list)
		held++;

	seq_printf(s, "vms %u\n", n_vms);
	seq_printf(s, "parcels %u\n", sim->n_parcels);
	seq_printf(s, "parcels_open %u\n", n_open);
	seq_printf(s, "pages_lent %llu\n", lent);
	seq_printf(s, "pages_shared %llu\n", shared);
	seq_printf(s, "requests %llu\n", sim->stats.requests);
	seq_printf(s, "tx_full %llu\n", tx_full);
	seq_printf(s, "dropped %llu\n", sim->stats.dropped);
	seq_printf(s, "faults_armed %u\n", armed);
	seq_printf(s, "faults_hit %llu\n", sim->stats.faults_hit);
	seq_printf(s, "held_msgs %u\n", held);
	seq_printf(s, "fatal_resets %llu\n", sim->stats.fatal_resets);
	xa_for_each(&sim->vms, idx, vm) {
		rm_sim_vm_pages(sim, vm->vmid, &vm_lent, &vm_shared);
		seq_printf(s, "vm.%u.state %u\n", vm->vmid, vm->state);
		seq_printf(s, "vm.%u.vcpus %u\n", vm->vmid, vm->n_vcpus);
		seq_printf(s, "vm.%u.lent_pages %llu\n", vm->vmid, vm_lent);
		seq_printf(s, "vm.%u.shared_pages %llu\n", vm->vmid, vm_shared);
		rm_sim_vm_hyp_show(sim, vm, s);
	}
	mutex_unlock(&sim->lock);
}

static int rm_sim_counters_open_show(struct seq_file *s, void *unused)
{
	rm_sim_counters_show(s->private, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rm_sim_counters_open);

static ssize_t rm_sim_control_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct gunyah_rm_sim *sim = file->private_data;
	char *buf;
	int ret;

	if (count >= RM_SIM_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = rm_sim_command(sim, buf);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations rm_sim_control_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= rm_sim_control_write,
	.llseek	= noop_llseek,
};

static int rm_sim_boot_context_get(void *data, u64 *val)
{
	struct gunyah_rm_sim *sim = data;

	mutex_lock(&sim->lock);
	*val = sim->boot_context;
	mutex_unlock(&sim->lock);
	return 0;
}

static int rm_sim_boot_context_set(void *data, u64 val)
{
	struct gunyah_rm_sim *sim = data;

	if (val > 1)
		return -EINVAL;
	mutex_lock(&sim->lock);
	sim->boot_context = val;
	mutex_unlock(&sim->lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(rm_sim_boot_context_fops, rm_sim_boot_context_get,
			 rm_sim_boot_context_set, "%llu\n");

/**
 * rm_sim_debugfs_init() - create an instance's debugfs files
 * @sim: the simulated RM
 *
 * A failure only loses the files; the simulator works without them.
 */
void rm_sim_debugfs_init(struct gunyah_rm_sim *sim)
{
	struct dentry *root = gunyah_debugfs_dir();
	char *name;

	if (IS_ERR_OR_NULL(root))
		return;
	if (!strcmp(dev_name(sim->dev), "gunyah-rm-sim"))
		name = kstrdup("rm_sim", GFP_KERNEL);
	else
		name = kasprintf(GFP_KERNEL, "rm_sim-%s", dev_name(sim->dev));
	if (!name)
		return;
	sim->debugfs = debugfs_create_dir(name, root);
	kfree(name);
	if (IS_ERR(sim->debugfs)) {
		sim->debugfs = NULL;
		return;
	}
	debugfs_create_file("control", 0200, sim->debugfs, sim,
			    &rm_sim_control_fops);
	debugfs_create_file("counters", 0400, sim->debugfs, sim,
			    &rm_sim_counters_open_fops);
	debugfs_create_file_unsafe("boot_context", 0600, sim->debugfs, sim,
				   &rm_sim_boot_context_fops);
}

/**
 * rm_sim_debugfs_exit() - remove an instance's debugfs files
 * @sim: the simulated RM
 *
 * Waits for file operations in progress to finish.
 */
void rm_sim_debugfs_exit(struct gunyah_rm_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
}
