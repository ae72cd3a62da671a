// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs (GH_FN_VCPU): the vCPU fd, its shared run structure, and the run
 * loop.
 *
 * The VMs the host creates are proxy-scheduled: a vCPU runs only while the
 * host calls vcpu_run for it. When the guest waits for an interrupt the
 * hypervisor returns, and the host sleeps until the vCPU's wake-up
 * interrupt fires. MMIO the kernel does not emulate (ioeventfds) goes to
 * userspace. The kernel keeps its own copy of what the vCPU waits for, and
 * reads from the shared page only the fields the pending exit defines.
 *
 * Lifetimes: the vCPU is referenced by its function (until removed or the
 * VM is freed) and by its fd, which also holds a reference to the VM.
 * Locking: @run_lock serialises GH_VCPU_RUN; @bound, @capid and @irq change
 * only under both the VM's lock and @run_lock. A run waiting for the guest
 * sleeps on the VM's status queue, which the wake-up interrupt, a VM exit
 * and an unbind all wake.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gunyah.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "hypercall_ops.h"
#include "rsc_mgr.h"
#include "vm.h"
#include "vm_fn.h"

/* What the vCPU waits for from userspace, as the kernel saw it. */
enum gunyah_vcpu_pending {
	GUNYAH_VCPU_PENDING_NONE,
	GUNYAH_VCPU_PENDING_MMIO_READ,
	GUNYAH_VCPU_PENDING_MMIO_WRITE,
};

/* vcpu_runs of a vCPU blocked in the hypervisor before they back off. */
#define GUNYAH_VCPU_BLOCKED_SPINS	64

/* How long a vCPU that powered off waits for the RM to report the exit. */
#define GUNYAH_VCPU_EXIT_WAIT	HZ

/*
 * The public RM can sleep through the event that should wake it: a guest's
 * SYSTEM_OFF (its vCPU halt interrupt), or its own notification that found
 * the queue busy, is then handled only when a message from us wakes it.
 * Seen on the public hypervisor: a guest that powered off stayed RUNNING
 * for the RM, its vCPU off, until the next request. So a vCPU that is off
 * while the RM says nothing nudges it, with a harmless request, after this
 * long and then less and less often.
 */
#define GUNYAH_VCPU_NUDGE_FIRST	msecs_to_jiffies(100)
#define GUNYAH_VCPU_NUDGE_MAX	(5 * HZ)

struct gunyah_vcpu {
	struct kref kref;
	struct gunyah_vm *vm;
	u32 id;
	struct mutex run_lock;		/* one GH_VCPU_RUN at a time */
	struct gh_vcpu_run *run;	/* the page shared with userspace */

	bool bound;
	bool unbinding;			/* tells a sleeping run to give up */
	u64 capid;
	int irq;

	bool wakeup;			/* the wake-up interrupt fired */

	enum gunyah_vcpu_pending pending;
	u32 mmio_len;
	/*
	 * The answer to the last exit, for the next vcpu_run. It is kept
	 * until a vcpu_run has taken it: a run interrupted by a signal, or
	 * one the hypervisor asks to retry, must not lose it.
	 */
	u64 resume[3];

	/*
	 * The last vcpu_run found the vCPU off (or gone), and no wake-up
	 * came since: what the run loop needs to tell a guest's SYSTEM_OFF.
	 */
	bool off;

	/* What the last vcpu_run said, for the VM's debugfs status. */
	u64 last_state;
	u64 last_data;
	unsigned long runs;
};

static void gunyah_vcpu_free(struct kref *kref)
{
	struct gunyah_vcpu *vcpu = container_of(kref, struct gunyah_vcpu, kref);

	free_page((unsigned long)vcpu->run);
	mutex_destroy(&vcpu->run_lock);
	kfree(vcpu);
}

static irqreturn_t gunyah_vcpu_wakeup(int irq, void *data)
{
	struct gunyah_vcpu *vcpu = data;

	WRITE_ONCE(vcpu->wakeup, true);
	WRITE_ONCE(vcpu->off, false);
	/* vCPUs sleep on the VM's status queue, so a VM exit wakes them all. */
	wake_up_all(&vcpu->vm->status_wq);
	return IRQ_HANDLED;
}

static u32 gunyah_vm_exit_status(u16 exit_type)
{
	return exit_type == GUNYAH_RM_VM_EXIT_SOFTWARE_ERROR ?
	       GH_VM_STATUS_CRASHED : GH_VM_STATUS_EXITED;
}

/* Report the VM's exit; true if it has exited. */
static bool gunyah_vcpu_status_exit(struct gunyah_vcpu *vcpu)
{
	struct gunyah_vm *vm = vcpu->vm;
	struct gh_vcpu_run *run = vcpu->run;
	struct gunyah_vm_exit exit;
	bool exited;

	spin_lock(&vm->status_lock);
	exited = vm->exited;
	exit = vm->exit;
	spin_unlock(&vm->status_lock);
	if (!exited)
		return false;

	run->exit_reason = GH_VCPU_EXIT_STATUS;
	run->status.status = gunyah_vm_exit_status(exit.type);
	run->status.exit_info.type = exit.type;
	run->status.exit_info.padding = 0;
	run->status.exit_info.reason_size = exit.reason_size;
	memcpy(run->status.exit_info.reason, exit.reason,
	       sizeof(run->status.exit_info.reason));
	return true;
}

/*
 * Take userspace's answer to the pending exit into @vcpu->resume: the value
 * of a read in resume_data[0], the action in resume_data[1], as the
 * hypervisor's vcpu_run reads them.
 */
static int gunyah_vcpu_resume(struct gunyah_vcpu *vcpu)
{
	struct gh_vcpu_run *run = vcpu->run;
	u64 data = 0, action;

	if (vcpu->pending == GUNYAH_VCPU_PENDING_NONE)
		return 0;

	switch (READ_ONCE(run->mmio.resume_action)) {
	case GH_VCPU_RESUME_HANDLED:
		action = GUNYAH_VCPU_RESUME_EMULATE;
		break;
	case GH_VCPU_RESUME_RETRY:
		action = GUNYAH_VCPU_RESUME_RETRY;
		break;
	case GH_VCPU_RESUME_FAULT:
		action = GUNYAH_VCPU_RESUME_FAULT;
		break;
	default:
		return -EINVAL;
	}
	if (vcpu->pending == GUNYAH_VCPU_PENDING_MMIO_READ &&
	    action == GUNYAH_VCPU_RESUME_EMULATE)
		memcpy(&data, run->mmio.data, vcpu->mmio_len);
	vcpu->resume[0] = le64_to_cpu((__force __le64)data);
	vcpu->resume[1] = action;
	vcpu->resume[2] = 0;
	vcpu->pending = GUNYAH_VCPU_PENDING_NONE;
	return 0;
}

static int gunyah_vcpu_mmio_exit(struct gunyah_vcpu *vcpu,
				 const struct gunyah_hypercall_vcpu_run_resp *r,
				 bool write)
{
	struct gh_vcpu_run *run = vcpu->run;
	u64 addr = r->state_data[0], len = r->state_data[1];
	__le64 data = cpu_to_le64(r->state_data[2]);

	if (!len || len > sizeof(run->mmio.data))
		return -EIO;
	run->exit_reason = GH_VCPU_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = len;
	run->mmio.is_write = write;
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, &data, len);
	vcpu->mmio_len = len;
	vcpu->pending = write ? GUNYAH_VCPU_PENDING_MMIO_WRITE :
				GUNYAH_VCPU_PENDING_MMIO_READ;
	return 0;
}

/* A harmless request, for the RM to look at what it has to do. */
static void gunyah_vcpu_nudge_rm(struct gunyah_vcpu *vcpu)
{
	u16 vmid;

	gunyah_rm_get_vmid(vcpu->vm->mgr->rm, &vmid);
}

static bool gunyah_vcpu_is_off(const struct gunyah_vm_function *f)
{
	const struct gunyah_vcpu *vcpu = f->data;

	return READ_ONCE(vcpu->off);
}

/*
 * Every vCPU of the VM is off or gone: the hypervisor refuses CPU_OFF to
 * the last vCPU that is on, so the guest powered the VM off (or the RM
 * killed it). Record that if the RM has not said so. The VM's lock only if
 * free: whoever holds it may be waiting for this run to end.
 */
static void gunyah_vcpu_infer_off(struct gunyah_vcpu *vcpu)
{
	struct gunyah_vm *vm = vcpu->vm;
	bool all_off;

	if (READ_ONCE(vm->exited) || !mutex_trylock(&vm->lock))
		return;
	all_off = gunyah_vm_functions_all(vm, &gunyah_vcpu_ops, gunyah_vcpu_is_off);
	mutex_unlock(&vm->lock);
	if (all_off)
		gunyah_vm_guest_ended(vm, GUNYAH_RM_VM_EXIT_PLATFORM_OFF);
}

/* A vCPU gone (BUSY) with no word from the RM: its VM's exit, if inferred. */
static bool gunyah_vcpu_gone_exit(struct gunyah_vcpu *vcpu)
{
	gunyah_vcpu_infer_off(vcpu);
	return gunyah_vcpu_status_exit(vcpu);
}

/* Wait briefly for the RM to report the VM's exit; true if it did. */
static bool gunyah_vcpu_wait_exit(struct gunyah_vcpu *vcpu)
{
	if (!wait_event_interruptible_timeout(vcpu->vm->status_wq,
					      READ_ONCE(vcpu->vm->exited),
					      GUNYAH_VCPU_NUDGE_FIRST)) {
		gunyah_vcpu_nudge_rm(vcpu);
		wait_event_interruptible_timeout(vcpu->vm->status_wq,
						 READ_ONCE(vcpu->vm->exited),
						 GUNYAH_VCPU_EXIT_WAIT);
	}
	return gunyah_vcpu_status_exit(vcpu);
}

/* The guest ended the VM: report it, with the RM's account if it comes. */
static void gunyah_vcpu_ended(struct gunyah_vcpu *vcpu,
			      const struct gunyah_hypercall_vcpu_run_resp *r)
{
	struct gh_vcpu_run *run = vcpu->run;

	if (gunyah_vcpu_wait_exit(vcpu))
		return;
	/* The RM missed it: the vCPU's state says what the guest did. */
	gunyah_vm_guest_ended(vcpu->vm, r->state == GUNYAH_VCPU_STATE_FAULT ?
				       GUNYAH_RM_VM_EXIT_SOFTWARE_ERROR :
				       GUNYAH_RM_VM_EXIT_RESET);
	if (!gunyah_vcpu_status_exit(vcpu)) {
		run->exit_reason = GH_VCPU_EXIT_STATUS;
		run->status.status = GH_VM_STATUS_EXITED;
		memset(&run->status.exit_info, 0, sizeof(run->status.exit_info));
	}
}

/*
 * Between vcpu_runs of a vCPU blocked inside the hypervisor: at first only
 * let others run, then sleep a little, staying on this CPU (see
 * gunyah_vcpu_run()).
 */
static void gunyah_vcpu_blocked_pause(unsigned int n)
{
	if (n < GUNYAH_VCPU_BLOCKED_SPINS)
		cond_resched();
	else
		usleep_range(50, 100);
}

/*
 * Sleep until the vCPU's interrupt; false if a signal came first. A vCPU
 * that is off (@nudge) nudges the RM now and then meanwhile (see
 * GUNYAH_VCPU_NUDGE_FIRST).
 */
static bool gunyah_vcpu_sleep(struct gunyah_vcpu *vcpu, bool nudge)
{
	long wait = nudge ? GUNYAH_VCPU_NUDGE_FIRST : MAX_SCHEDULE_TIMEOUT;
	long left;

	for (;;) {
		left = wait_event_interruptible_timeout(vcpu->vm->status_wq,
							READ_ONCE(vcpu->wakeup) ||
							READ_ONCE(vcpu->unbinding) ||
							READ_ONCE(vcpu->vm->exited),
							wait);
		if (left < 0)
			return false;
		if (left)
			break;
		/* The RM said nothing: first nudge it, then look for ourselves. */
		if (wait > GUNYAH_VCPU_NUDGE_FIRST)
			gunyah_vcpu_infer_off(vcpu);
		gunyah_vcpu_nudge_rm(vcpu);
		wait = min_t(long, wait * 2, GUNYAH_VCPU_NUDGE_MAX);
	}
	WRITE_ONCE(vcpu->wakeup, false);
	return true;
}

/* What a vcpu_run's answer asks of the run loop. */
enum gunyah_vcpu_next {
	GUNYAH_VCPU_AGAIN,	/* call vcpu_run again */
	GUNYAH_VCPU_RETURN,	/* return to the VMM with the error set */
	GUNYAH_VCPU_ENDED,	/* the vCPU ended: report how, then return */
};

/* Sleep for the guest, off the CPU the run stays on otherwise. */
static enum gunyah_vcpu_next gunyah_vcpu_wait(struct gunyah_vcpu *vcpu,
					      bool off, int *ret)
{
	bool slept;

	migrate_enable();
	slept = gunyah_vcpu_sleep(vcpu, off);
	migrate_disable();
	if (!slept) {
		*ret = -EINTR;
		return GUNYAH_VCPU_RETURN;
	}
	if (READ_ONCE(vcpu->unbinding)) {
		*ret = -ENODEV;
		return GUNYAH_VCPU_RETURN;
	}
	/* A vCPU that sleeps through its VM's exit reports it. */
	if (gunyah_vcpu_status_exit(vcpu)) {
		*ret = 0;
		return GUNYAH_VCPU_RETURN;
	}
	return GUNYAH_VCPU_AGAIN;
}

static enum gunyah_vcpu_next
gunyah_vcpu_handle(struct gunyah_vcpu *vcpu,
		   const struct gunyah_hypercall_vcpu_run_resp *r,
		   unsigned int *blocked, int *ret)
{
	switch (r->state) {
	case GUNYAH_VCPU_STATE_READY:
		cond_resched();
		return GUNYAH_VCPU_AGAIN;
	case GUNYAH_VCPU_STATE_BLOCKED:
		/*
		 * Blocked inside the hypervisor (moving to this CPU, or killed
		 * and unwinding): no interrupt will say when it is over, so
		 * ask again.
		 */
		gunyah_vcpu_blocked_pause(++*blocked);
		return GUNYAH_VCPU_AGAIN;
	case GUNYAH_VCPU_STATE_POWERED_OFF:
		if (r->state_data[0] & GUNYAH_VCPU_POWEROFF_EXITED)
			return GUNYAH_VCPU_ENDED;
		/*
		 * Off but the VM runs: not started by PSCI CPU_ON yet, after
		 * CPU_OFF (CPU_ON raises the wake-up virq), or halted by the
		 * guest's SYSTEM_OFF, the RM not told yet.
		 */
		return gunyah_vcpu_wait(vcpu, true, ret);
	case GUNYAH_VCPU_STATE_EXPECTS_WAKEUP:
		return gunyah_vcpu_wait(vcpu, false, ret);
	case GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE:
		/* An ioeventfd takes it without an exit. */
		if (gunyah_vm_mmio_write(vcpu->vm, r->state_data[0],
					 r->state_data[1], r->state_data[2]))
			return GUNYAH_VCPU_AGAIN;
		*ret = gunyah_vcpu_mmio_exit(vcpu, r, true);
		return GUNYAH_VCPU_RETURN;
	case GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ:
		*ret = gunyah_vcpu_mmio_exit(vcpu, r, false);
		return GUNYAH_VCPU_RETURN;
	case GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET:
	case GUNYAH_VCPU_STATE_FAULT:
		return GUNYAH_VCPU_ENDED;
	default:
		pr_warn_ratelimited("vCPU %u: unknown state %llu\n",
				    vcpu->id, r->state);
		*ret = -EIO;
		return GUNYAH_VCPU_RETURN;
	}
}

/*
 * The hypervisor runs a proxy-scheduled vCPU on the CPU that calls
 * vcpu_run, and moving it to another takes a while (an RCU grace period of
 * the hypervisor's). A vcpu_run from yet another CPU before that completes
 * fails with RETRY after it has already let the vCPU go: the vCPU is then
 * scheduled by the hypervisor itself and every later vcpu_run fails with
 * BUSY. So the calls of one run stay on one CPU, except while it sleeps for
 * the guest.
 */
static int gunyah_vcpu_run_loop(struct gunyah_vcpu *vcpu)
{
	struct gunyah_hyp *hyp = vcpu->vm->mgr->hyp;
	struct gunyah_hypercall_vcpu_run_resp r;
	enum gunyah_vcpu_next next = GUNYAH_VCPU_AGAIN;
	unsigned int blocked = 0;
	bool busy = false;
	int ret = 0;

	migrate_disable();
	while (next == GUNYAH_VCPU_AGAIN) {
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		/* Removed or unbound: give the VM's lock back at once. */
		if (READ_ONCE(vcpu->unbinding)) {
			ret = -ENODEV;
			break;
		}
		ret = hyp->ops->vcpu_run(hyp, vcpu->capid, vcpu->resume, &r);
		if (ret == -EAGAIN) {
			cond_resched();
			continue;
		}
		if (ret == -EBUSY) {
			/*
			 * After the guest's SYSTEM_OFF its vCPU reports itself
			 * off, not yet exited; once the RM has killed it,
			 * vcpu_run finds no vCPU to run and says BUSY. The VM's
			 * exit is on its way.
			 */
			busy = true;
			WRITE_ONCE(vcpu->off, true);
			break;
		}
		if (ret) {
			pr_warn_ratelimited("vCPU %u: vcpu_run failed: %d\n",
					    vcpu->id, ret);
			break;
		}
		/* The hypervisor took the answer. */
		memset(vcpu->resume, 0, sizeof(vcpu->resume));
		WRITE_ONCE(vcpu->off, r.state == GUNYAH_VCPU_STATE_POWERED_OFF &&
			   !(r.state_data[0] & GUNYAH_VCPU_POWEROFF_EXITED));
		WRITE_ONCE(vcpu->last_state, r.state);
		WRITE_ONCE(vcpu->last_data, r.state_data[0]);
		WRITE_ONCE(vcpu->runs, vcpu->runs + 1);
		next = gunyah_vcpu_handle(vcpu, &r, &blocked, &ret);
	}
	migrate_enable();
	if (next == GUNYAH_VCPU_ENDED) {
		gunyah_vcpu_ended(vcpu, &r);
		ret = 0;
	} else if (busy && gunyah_vcpu_wait_exit(vcpu)) {
		ret = 0;
	} else if (busy && gunyah_vcpu_gone_exit(vcpu)) {
		ret = 0;
	} else if (busy) {
		pr_warn_ratelimited("vCPU %u: vcpu_run: busy, and the VM runs on\n",
				    vcpu->id);
	}
	return ret;
}

static long gunyah_vcpu_run(struct gunyah_vcpu *vcpu)
{
	struct gh_vcpu_run *run = vcpu->run;
	int ret;

	if (mutex_lock_interruptible(&vcpu->run_lock))
		return -EINTR;
	if (!vcpu->bound || vcpu->unbinding) {
		ret = vcpu->unbinding ? -ENODEV : -EINVAL;
		goto out;
	}
	if (READ_ONCE(run->immediate_exit)) {
		ret = -EINTR;
		goto out;
	}
	run->exit_reason = GH_VCPU_EXIT_UNKNOWN;
	/* A vCPU of a VM that has exited reports it at once. */
	if (gunyah_vcpu_status_exit(vcpu)) {
		ret = 0;
		goto out;
	}
	ret = gunyah_vcpu_resume(vcpu);
	if (!ret)
		ret = gunyah_vcpu_run_loop(vcpu);
out:
	mutex_unlock(&vcpu->run_lock);
	return ret;
}

static long gunyah_vcpu_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct gunyah_vcpu *vcpu = filp->private_data;

	switch (cmd) {
	case GH_VCPU_RUN:
		return gunyah_vcpu_run(vcpu);
	case GH_VCPU_MMAP_SIZE:
		return PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static vm_fault_t gunyah_vcpu_fault(struct vm_fault *vmf)
{
	struct gunyah_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct gunyah_vcpu_vm_ops = {
	.fault = gunyah_vcpu_fault,
};

static int gunyah_vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	vma->vm_ops = &gunyah_vcpu_vm_ops;
	return 0;
}

static int gunyah_vcpu_release(struct inode *inode, struct file *filp)
{
	struct gunyah_vcpu *vcpu = filp->private_data;
	struct gunyah_vm *vm = vcpu->vm;

	kref_put(&vcpu->kref, gunyah_vcpu_free);
	/* The fd kept the VM alive; this may tear it down. */
	gunyah_vm_put(vm);
	return 0;
}

static const struct file_operations gunyah_vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= gunyah_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= gunyah_vcpu_mmap,
	.release	= gunyah_vcpu_release,
	.llseek		= noop_llseek,
};

static int gunyah_vcpu_add(struct gunyah_vm_function *f)
{
	const struct gh_fn_vcpu_arg *arg = (const void *)f->arg;
	struct gunyah_vcpu *vcpu;
	struct file *file;
	int ret;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		ret = -ENOMEM;
		goto err_free;
	}
	kref_init(&vcpu->kref);
	mutex_init(&vcpu->run_lock);
	vcpu->vm = f->vm;
	vcpu->id = arg->id;
	vcpu->irq = -1;

	file = anon_inode_getfile("gunyah-vcpu", &gunyah_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_free_page;
	}
	/* The fd holds the vCPU and the VM; the function holds the vCPU. */
	kref_get(&vcpu->kref);
	kref_get(&f->vm->kref);
	f->file = file;
	f->data = vcpu;
	return 0;

err_free_page:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
	return ret;
}

static int gunyah_vcpu_bind(struct gunyah_vm_function *f)
{
	struct gunyah_hyp *hyp = f->vm->mgr->hyp;
	const struct gunyah_rm_hyp_resource *res;
	struct gunyah_vcpu *vcpu = f->data;
	int irq, ret;

	res = gunyah_vm_find_resource(f->vm, GUNYAH_RESOURCE_TYPE_VCPU, vcpu->id);
	if (!res)
		return -ENODEV;
	irq = hyp->ops->virq_to_irq(hyp, le32_to_cpu(res->virq));
	if (irq < 0)
		return irq;
	ret = request_irq(irq, gunyah_vcpu_wakeup, 0, "gunyah-vcpu", vcpu);
	if (ret)
		return ret;

	mutex_lock(&vcpu->run_lock);
	vcpu->capid = le64_to_cpu(res->cap_id);
	vcpu->irq = irq;
	vcpu->unbinding = false;
	vcpu->bound = true;
	mutex_unlock(&vcpu->run_lock);
	return 0;
}

static void gunyah_vcpu_unbind(struct gunyah_vm_function *f)
{
	struct gunyah_vcpu *vcpu = f->data;

	/* Wake a run sleeping for the guest, and wait until it has left. */
	WRITE_ONCE(vcpu->unbinding, true);
	wake_up_all(&vcpu->vm->status_wq);
	mutex_lock(&vcpu->run_lock);
	if (vcpu->bound)
		free_irq(vcpu->irq, vcpu);
	vcpu->bound = false;
	vcpu->irq = -1;
	mutex_unlock(&vcpu->run_lock);
}

static void gunyah_vcpu_release_fn(struct gunyah_vm_function *f)
{
	struct gunyah_vcpu *vcpu = f->data;

	/* Removed: its fd, if still open, can no longer run it. */
	WRITE_ONCE(vcpu->unbinding, true);
	kref_put(&vcpu->kref, gunyah_vcpu_free);
}

/* A vCPU is named by its id. */
static int gunyah_vcpu_cmp(const void *a, const void *b)
{
	const struct gh_fn_vcpu_arg *x = a, *y = b;

	return x->id == y->id ? 0 : x->id < y->id ? -1 : 1;
}

static void gunyah_vcpu_show(const struct gunyah_vm_function *f,
			     struct seq_file *s)
{
	const struct gunyah_vcpu *vcpu = f->data;

	seq_printf(s, "vcpu %u bound %d runs %lu last_state %llu data %#llx\n",
		   vcpu->id, f->bound, READ_ONCE(vcpu->runs),
		   READ_ONCE(vcpu->last_state), READ_ONCE(vcpu->last_data));
}

const struct gunyah_fn_ops gunyah_vcpu_ops = {
	.type		= GH_FN_VCPU,
	.arg_size	= sizeof(struct gh_fn_vcpu_arg),
	.max		= GUNYAH_VM_MAX_VCPUS,
	.cmp		= gunyah_vcpu_cmp,
	.add		= gunyah_vcpu_add,
	.bind		= gunyah_vcpu_bind,
	.unbind		= gunyah_vcpu_unbind,
	.release	= gunyah_vcpu_release_fn,
	.show		= gunyah_vcpu_show,
};
