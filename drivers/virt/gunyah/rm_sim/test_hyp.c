// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite gunyah_rm_sim_hyp: the simulated hypervisor calls (scripted
 * vCPUs, wake-up virqs, doorbells), run the way the VM manager runs them,
 * including from several threads at once.
 *
 * Locking: see test_lib.h.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/mm.h>

#include "test_lib.h"

/* Two vCPUs and two doorbells; @caps gets their capability ids. */
static void simt_expect_resources(struct kunit *test,
				  const struct simt_res *res, int vmid,
				  u64 caps[4])
{
	int i;

	/* The vCPUs, then the doorbells: BELL_TX, their labels, no virq. */
	KUNIT_ASSERT_EQ(test, le32_to_cpu(res->n), 4);
	KUNIT_EXPECT_EQ(test, res->e[0].type, GUNYAH_RESOURCE_TYPE_VCPU);
	KUNIT_EXPECT_EQ(test, res->e[1].type, GUNYAH_RESOURCE_TYPE_VCPU);
	KUNIT_EXPECT_EQ(test, res->e[2].type, GUNYAH_RESOURCE_TYPE_BELL_TX);
	KUNIT_EXPECT_EQ(test, res->e[3].type, GUNYAH_RESOURCE_TYPE_BELL_TX);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res->e[2].resource_label), T_BELL_A);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res->e[3].resource_label), T_BELL_B);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(res->e[2].virq), 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(res->e[2].partner_vmid), vmid);
	KUNIT_EXPECT_GE(test, le32_to_cpu(res->e[0].virq), RM_SIM_VIRQ_BASE);
	for (i = 0; i < 4; i++)
		caps[i] = le64_to_cpu(res->e[i].cap_id);
	KUNIT_EXPECT_NE(test, caps[0], caps[1]);
	KUNIT_EXPECT_NE(test, caps[2], caps[3]);
	KUNIT_EXPECT_NE(test, caps[2], caps[0]);
	KUNIT_EXPECT_NE(test, caps[2], caps[1]);
	KUNIT_EXPECT_NE(test, caps[3], caps[1]);
}

/* vCPU commands that are malformed, or for nothing. */
static void simt_expect_bad_vcpu_cmds(struct kunit *test, struct simt_ctx *c,
				      int vmid)
{
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0 3 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0 1 0x100", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0 16 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_read 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 fault 1", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 wake 1", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 bogus", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0", vmid), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu 70000 0 fault"), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 2 fault", vmid), -ENOENT);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu 200 0 fault"), -ENOENT);
}

/* After VM_RESET the capabilities name nothing; the VM is freed. */
static void simt_expect_reset_caps(struct kunit *test, struct simt_ctx *c,
				   int vmid, u64 cap0, u64 bell_a,
				   struct simt_image *img)
{
	struct gunyah_hypercall_vcpu_run_resp resp;

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->sim->hyp.ops->bell_send(&c->sim->hyp, bell_a, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 fault", vmid), -ENOENT);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.runs", vmid), -1);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img->handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
}

static void rm_sim_test_vcpu_script(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct simt_image img;
	struct simt_res res;
	u64 caps[4], cap0, cap1, bell_a;
	int vmid;

	vmid = simt_vm_ready(c, 2, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);

	simt_expect_resources(test, &res, vmid, caps);
	cap0 = caps[0];
	cap1 = caps[1];
	bell_a = caps[2];

	/* Not running yet; a doorbell is no vCPU, nor is an unknown cap. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), -EPERM);
	KUNIT_EXPECT_EQ(test, simt_run(c, bell_a, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_run(c, 0xdead, 0, &resp), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);

	/* Idle. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);

	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0x9000010 4 0xabcd", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_read 0x9000020 2", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0x9000030 1 0x5", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.script", vmid), 3);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu1.script", vmid), 0);

	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
	KUNIT_EXPECT_EQ(test, resp.state_data[0], 0x9000010);
	KUNIT_EXPECT_EQ(test, resp.state_data[1], 4);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0xabcd);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_READ);
	KUNIT_EXPECT_EQ(test, resp.state_data[0], 0x9000020);
	KUNIT_EXPECT_EQ(test, resp.state_data[1], 2);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0);
	/* The read finishes with this run's resume data. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0x55aa, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.last_read", vmid), 0x55aa);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0x1234, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.last_read", vmid), 0x55aa);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.runs", vmid), 5);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.script", vmid), 0);

	simt_expect_bad_vcpu_cmds(test, c, vmid);

	/* PSCI SYSTEM_OFF from vCPU 1: the VM exits, every run says so. */
	simt_clear_notifs(c);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 1 poweroff", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 1 fault", vmid), 0);
	/* The caller sees itself off, not exited, as on the public hypervisor. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap1, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_POWERED_OFF);
	KUNIT_EXPECT_EQ(test, resp.state_data[0] & BIT(0), 0);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
						GUNYAH_RM_VM_STATUS_EXITED), 1);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
						GUNYAH_RM_VM_EXIT_PLATFORM_OFF), 1);
	/* Killed with the VM, it has nothing left to run. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap1, 0, &resp), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_POWERED_OFF);
	KUNIT_EXPECT_EQ(test, resp.state_data[0] & BIT(0), 1);
	/* Only one exit. */
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid, -1), 1);

	simt_expect_reset_caps(test, c, vmid, cap0, bell_a, &img);
	simt_image_free(&img);
}

struct simt_irq {
	struct completion done;
	atomic_t count;
};

static irqreturn_t simt_irq_handler(int irq, void *data)
{
	struct simt_irq *ti = data;

	atomic_inc(&ti->count);
	complete(&ti->done);
	return IRQ_HANDLED;
}

/* Whether the vCPU's wake-up interrupt came (within @timeout). */
static bool simt_irq_came(struct simt_irq *ti, unsigned long timeout)
{
	bool came = wait_for_completion_timeout(&ti->done, timeout);

	reinit_completion(&ti->done);
	return came;
}

static void rm_sim_test_vcpu_wakeup(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct gunyah_hyp *hyp = &c->sim->hyp;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct simt_image img;
	struct simt_irq ti;
	struct simt_res res;
	u64 cap0, bell_a;
	int vmid, irq;

	init_completion(&ti.done);
	atomic_set(&ti.count, 0);
	vmid = simt_vm_ready(c, 1, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	cap0 = le64_to_cpu(res.e[0].cap_id);
	bell_a = le64_to_cpu(res.e[1].cap_id);
	KUNIT_EXPECT_EQ(test, hyp->ops->virq_to_irq(hyp, 3), -EINVAL);
	irq = hyp->ops->virq_to_irq(hyp, le32_to_cpu(res.e[0].virq));
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_EXPECT_EQ(test, hyp->ops->virq_to_irq(hyp, le32_to_cpu(res.e[0].virq)), irq);
	KUNIT_ASSERT_EQ(test, request_irq(irq, simt_irq_handler, 0, "rm-sim-test", &ti), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);

	/* Idle: the next entry wakes it. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 block", vmid), 0);
	KUNIT_EXPECT_TRUE(test, simt_irq_came(&ti, T_TIMEOUT));

	/* Blocked: asleep whatever is queued, until a doorbell rings. */
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.asleep", vmid), 1);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 mmio_write 0x1000 8 %#llx", vmid,
				       0x0123456789abcdefULL), 0);
	KUNIT_EXPECT_FALSE(test, simt_irq_came(&ti, HZ / 20));
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, hyp->ops->bell_send(hyp, cap0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hyp->ops->bell_send(hyp, bell_a, 5), 0);
	KUNIT_EXPECT_TRUE(test, simt_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.bell%d.rings", vmid, T_BELL_A), 1);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.bell%d.flags", vmid, T_BELL_A), 5);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.bell%d.rings", vmid, T_BELL_B), 0);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE);
	KUNIT_EXPECT_EQ(test, resp.state_data[2], 0x0123456789abcdefULL);

	KUNIT_EXPECT_EQ(test, hyp->ops->bell_set_mask(hyp, bell_a, 3, 1), 0);
	KUNIT_EXPECT_EQ(test, hyp->ops->bell_set_mask(hyp, 0xdead, 3, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.bell%d.enable_mask", vmid, T_BELL_A), 3);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.bell%d.ack_mask", vmid, T_BELL_A), 1);

	/* Blocked again; "wake" wakes it. */
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 block", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_FALSE(test, simt_irq_came(&ti, HZ / 20));
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 wake", vmid), 0);
	KUNIT_EXPECT_TRUE(test, simt_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.asleep", vmid), 0);

	/* PSCI SYSTEM_RESET. */
	simt_clear_notifs(c);
	KUNIT_EXPECT_EQ(test, simt_cmd(c, "vcpu %d 0 reset", vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
						GUNYAH_RM_VM_EXIT_RESET), 1);
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu0.wakeups", vmid), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&ti.count), 3);

	free_irq(irq, &ti);
	simt_vm_gone(c, vmid, &img);
}

/* A forced stop wakes a waiting vCPU, whose runs then fail. */
static void rm_sim_test_vcpu_stop(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct simt_image img;
	struct simt_irq ti;
	struct simt_res res;
	u64 cap0;
	int vmid, irq;

	init_completion(&ti.done);
	atomic_set(&ti.count, 0);
	vmid = simt_vm_ready(c, 1, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	cap0 = le64_to_cpu(res.e[0].cap_id);
	irq = c->sim->hyp.ops->virq_to_irq(&c->sim->hyp, le32_to_cpu(res.e[0].virq));
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_ASSERT_EQ(test, request_irq(irq, simt_irq_handler, 0, "rm-sim-test",
					  &ti), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), 0);
	KUNIT_EXPECT_EQ(test, resp.state, GUNYAH_VCPU_STATE_EXPECTS_WAKEUP);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	KUNIT_EXPECT_TRUE(test, simt_irq_came(&ti, T_TIMEOUT));
	KUNIT_EXPECT_EQ(test, simt_run(c, cap0, 0, &resp), -EPERM);
	free_irq(irq, &ti);
	simt_vm_gone(c, vmid, &img);
}

struct simt_runner {
	struct simt_ctx *c;
	u64 capid;
	unsigned int writes;
	int err;
	struct completion done;
};

/* Run a vCPU until it has seen T_RUNS writes, or an error. */
#define T_RUNS	200

static int simt_runner_fn(void *data)
{
	struct gunyah_hypercall_vcpu_run_resp resp;
	struct simt_runner *r = data;

	while (r->writes < T_RUNS && !r->err) {
		r->err = simt_run(r->c, r->capid, 0, &resp);
		if (resp.state == GUNYAH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE)
			r->writes++;
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/* vcpu_run of two vCPUs at once, while their scripts are fed. */
static void rm_sim_test_vcpu_concurrent(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_runner r[2];
	struct task_struct *task;
	struct simt_image img;
	struct simt_res res;
	unsigned int i, j;
	int vmid;

	vmid = simt_vm_ready(c, 2, &img, &res);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	for (i = 0; i < 2; i++) {
		r[i] = (struct simt_runner){ .c = c, .capid = le64_to_cpu(res.e[i].cap_id) };
		init_completion(&r[i].done);
		task = kthread_run(simt_runner_fn, &r[i], "rm-sim-vcpu%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (j = 0; j < T_RUNS; j++) {
		for (i = 0; i < 2; i++) {
			while (simt_cmd(c, "vcpu %d %u mmio_write 0x1000 4 %u", vmid, i, j) ==
			       -ENOSPC)
				usleep_range(100, 200);
		}
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&r[i].done,
								    10 * T_TIMEOUT));
		KUNIT_EXPECT_EQ(test, r[i].err, 0);
		KUNIT_EXPECT_EQ(test, r[i].writes, T_RUNS);
	}
	KUNIT_EXPECT_EQ(test, simt_counter(c, "vm.%d.vcpu1.script", vmid), 0);
	KUNIT_EXPECT_GE(test, simt_counter(c, "vm.%d.vcpu1.runs", vmid), T_RUNS);
	KUNIT_EXPECT_EQ(test, simt_stop(c, vmid, GUNYAH_RM_VM_STOP_FLAG_FORCE), 0);
	simt_vm_gone(c, vmid, &img);
}

static struct kunit_case rm_sim_hyp_test_cases[] = {
	KUNIT_CASE(rm_sim_test_vcpu_script),
	KUNIT_CASE(rm_sim_test_vcpu_wakeup),
	KUNIT_CASE(rm_sim_test_vcpu_stop),
	KUNIT_CASE(rm_sim_test_vcpu_concurrent),
	{}
};

static struct kunit_suite rm_sim_hyp_test_suite = {
	.name = "gunyah_rm_sim_hyp",
	.init = simt_init,
	.exit = simt_exit,
	.test_cases = rm_sim_hyp_test_cases,
};

kunit_test_suite(rm_sim_hyp_test_suite);
