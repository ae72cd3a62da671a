// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite gunyah_rm_sim_parcels: the simulated RM's memory parcels
 * (ACL rules, the parcel limit, MEM_APPEND), its guest actions, injected
 * faults and counters, through the debugfs commands tests use.
 *
 * Locking: see test_lib.h.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gunyah.h>
#include <linux/mm.h>
#include <linux/seq_file.h>

#include "test_lib.h"

/* ---- Tests: parcels ------------------------------------------------------ */

static void rm_sim_test_parcel_rules(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_acl acl[3];
	struct page *pages;
	u64 phys[2], sizes[2];
	u32 handle, h2;
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys[0] = page_to_phys(pages);
	acl[0] = (struct simt_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct simt_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };

	/* Lend with the owner in the ACL; share without it; only the owner. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 2, phys, NULL, 1, &handle), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 1, acl, 1, phys, NULL, 1, &handle), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 1, acl + 1, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Empty ACL, duplicate vmids, unknown vmid, bad rights. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 0, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = acl[0];
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 1, acl, 3, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = (struct simt_acl){ 0x99, GUNYAH_RM_ACL_R };
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 1, acl, 3, phys, NULL, 1, &handle), -EINVAL);
	acl[2] = (struct simt_acl){ vmid, 0 };
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl + 2, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Empty SGL, unaligned, zero size, beyond 2^44, not RAM. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys, NULL, 0, &handle), -EINVAL);
	phys[1] = phys[0] + 0x10;
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	sizes[0] = 0;
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys, sizes, 1, &handle), -EINVAL);
	phys[1] = BIT_ULL(44);
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	phys[1] = 0;	/* flash on QEMU's virt machine, never RAM */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys + 1, NULL, 1, &handle),
			-EINVAL);
	/* Unknown flags. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0x80, 1, acl, 1, phys, NULL, 1, &handle),
			-EINVAL);
	/* Overlap within a parcel. */
	phys[1] = phys[0];
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys, NULL, 2, &handle), -EINVAL);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&c->sim->ranges));
	mutex_unlock(&c->sim->lock);

	/* Overlap with a live parcel: a page inside a 4-page parcel. */
	sizes[0] = 4 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, phys, sizes, 1, &handle), 0);
	phys[1] = phys[0] + 3 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 2, acl, 2, phys + 1, NULL, 1, &h2), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_mem(c, false, 0, 2, acl, 2, phys + 1, NULL, 1, &h2), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, 0x12345, 0), -EINVAL);

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	__free_pages(pages, 2);
}

/* At most 64 live parcels for the host, across all its VMs. */
static void rm_sim_test_parcel_limit(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	unsigned int n = GUNYAH_RM_MAX_PARCELS_PER_OWNER, i;
	struct page *pages;
	u32 *handles, extra;
	int vm1, vm2;

	vm1 = simt_alloc(c, 0);
	vm2 = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vm1, 0);
	KUNIT_ASSERT_GT(test, vm2, 0);
	pages = alloc_pages(GFP_KERNEL, 7);	/* 128 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	handles = kunit_kcalloc(test, n, sizeof(*handles), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, handles);

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, simt_lend1(c, i % 2 ? vm1 : vm2,
						 page_to_phys(pages + i), &handles[i]), 0);
	KUNIT_EXPECT_EQ(test, simt_lend1(c, vm1, page_to_phys(pages + n), &extra), -EPERM);
	KUNIT_EXPECT_EQ(test, c->sim->n_parcels, n);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handles[0], 0), 0);
	KUNIT_EXPECT_EQ(test, simt_lend1(c, vm1, page_to_phys(pages + n), &handles[0]), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, simt_reclaim(c, handles[i], 0), 0);

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vm1), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vm2), 0);
	__free_pages(pages, 7);
}

/* More than 512 entries need MEM_APPEND; only an open parcel takes it. */
static void rm_sim_test_append(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	unsigned int n = 600, i;
	struct simt_acl acl;
	struct page *pages;
	u32 handle, h2;
	u64 *phys;
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	acl = (struct simt_acl){ vmid, GUNYAH_RM_ACL_RWX };
	pages = alloc_pages(GFP_KERNEL, 10);	/* 1024 pages */
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = kunit_kcalloc(test, n, sizeof(*phys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, phys);
	/* Pages 600 down to 1: neighbours, but no two the same. */
	for (i = 0; i < n; i++)
		phys[i] = page_to_phys(pages) + (n - i) * PAGE_SIZE;

	/* 513 entries at once: too many. */
	KUNIT_EXPECT_EQ(test, simt_mem(c, true, 0, 0, &acl, 1, phys, NULL, 513, &handle),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, GUNYAH_RM_MEM_SHARE_APPEND, 0, &acl, 1,
				       phys, NULL, 512, &handle), 0);
	/* Open: not usable as an image, nor accepted at VM_START. */
	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, handle, 0, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_append(c, handle, 0, phys + 512, 50), 0);
	/* A page already in the parcel. */
	KUNIT_EXPECT_EQ(test, simt_append(c, handle, 0, phys, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_append(c, handle, GUNYAH_RM_MEM_APPEND_END,
					  phys + 562, 38), 0);
	KUNIT_EXPECT_EQ(test, simt_append(c, handle, GUNYAH_RM_MEM_APPEND_END,
					  phys + 599, 0), -EPERM);
	mutex_lock(&c->sim->lock);
	KUNIT_EXPECT_EQ(test, rm_sim_parcel_lookup(c->sim, handle)->n_pages, n);
	mutex_unlock(&c->sim->lock);

	/* A parcel created without APPEND cannot be appended to. */
	KUNIT_ASSERT_EQ(test, simt_lend1(c, vmid, page_to_phys(pages), &h2), 0);
	KUNIT_EXPECT_EQ(test, simt_append(c, h2, 0, phys + 599, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, simt_append(c, 0x4321, 0, phys, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, handle, 0), 0);
	/* Reclaiming an open parcel is how a failed append is undone. */
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, GUNYAH_RM_MEM_SHARE_APPEND, 0, &acl, 1,
				       phys, NULL, 1, &h2), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, h2, 0), 0);
	/* INIT_FAILED for good since its CONFIG_IMAGE: the RM cannot free it. */
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	simt_forget_vm(c, vmid);
	__free_pages(pages, 10);
}

/* ---- Tests: guest actions, faults, counters ------------------------------ */

static void rm_sim_test_guest(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct simt_acl acl[2];
	struct simt_image img;
	struct page *page;
	u32 shm;
	u64 phys;
	char cmd[64];
	int vmid;

	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 1, 0, &img), 0);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	phys = page_to_phys(page);
	acl[0] = (struct simt_acl){ vmid, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W };
	acl[1] = (struct simt_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };

	KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
					  T_DTB_SIZE), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_START, vmid), 0);
	/* Shared after VM_START: the guest has to accept it. */
	KUNIT_ASSERT_EQ(test, simt_mem(c, false, 0, 5, acl, 2, &phys, NULL, 1, &shm), 0);
	snprintf(cmd, sizeof(cmd), "release %u", shm);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	snprintf(cmd, sizeof(cmd), "accept %u", shm);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, shm, 0), -EBUSY);
	snprintf(cmd, sizeof(cmd), "release %#x %d", shm, vmid);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_MEM_RELEASED, 0, shm), 1);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, shm, 0), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -ENOENT);

	/* The guest powers off. */
	snprintf(cmd, sizeof(cmd), "exit %d 1 0x2a", vmid);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_EXITED);
	KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_EXITED, vmid,
						GUNYAH_RM_VM_EXIT_PLATFORM_OFF), 1);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);
	snprintf(cmd, sizeof(cmd), "accept %u", img.handle);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, cmd), -EBUSY);

	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "exit 128 1 0"), -ENOENT);
	__free_page(page);
	simt_image_free(&img);
}

static void rm_sim_test_bad_commands(struct kunit *test)
{
	static const char * const bad[] = {
		"", " ", "accept", "accept x", "accept 1 2 3", "release",
		"exit 1 2", "exit 70000 1 1", "exit 1 70000 1", "exit -1 1 1",
		"fail 0x56000001 1", "fail 0x56000001 0 5",
		"fail 0x56000001 1 0", "fail 0 1 5", "drop 0x56000001",
		"drop 0x56000001 0", "clear 1", "bogus", "accept 4294967296",
		"fail 1 2 3 4 5 6",
	};
	struct simt_ctx *c = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, rm_sim_command(c->sim, bad[i]), -EINVAL,
				    "command \"%s\"", bad[i]);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "accept 77"), -ENOENT);
	KUNIT_EXPECT_EQ(test, rm_sim_command(c->sim, "clear"), 0);
}

static void rm_sim_test_faults(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	char cmd[64];
	int vmid;

	/* The 2nd VM_ALLOCATE from now fails, without effect. */
	snprintf(cmd, sizeof(cmd), "fail %#x 2 %#x", GUNYAH_RM_RPC_VM_ALLOC_VMID,
		 GUNYAH_RM_ERROR_NOMEM);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	vmid = simt_alloc(c, 0);
	KUNIT_EXPECT_EQ(test, vmid, RM_SIM_DYN_VMID_MIN);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 0), -ENOMEM);
	KUNIT_EXPECT_EQ(test, simt_n_vms(c), 1);
	KUNIT_EXPECT_EQ(test, simt_alloc(c, 0), RM_SIM_DYN_VMID_MIN + 1);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID,
				      RM_SIM_DYN_VMID_MIN + 1), 0);

	/* Any RM error, including ones the RPC core does not know. */
	snprintf(cmd, sizeof(cmd), "fail %#x 1 0x14", GUNYAH_RM_RPC_VM_DEALLOC_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	snprintf(cmd, sizeof(cmd), "fail %#x 1 0x77", GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), -EBUSY);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0, NULL, NULL),
			-EBADMSG);

	/* Dropped reply: the call has its effect but no answer comes. */
	snprintf(cmd, sizeof(cmd), "drop %#x 1", GUNYAH_RM_RPC_VM_DEALLOC_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	{
		struct gunyah_rm_vm_common_req r = { .vmid = cpu_to_le16(vmid) };

		KUNIT_EXPECT_EQ(test, simt_call_timeout(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID,
							&r, sizeof(r), NULL, NULL,
							HZ / 5), -ETIMEDOUT);
	}
	KUNIT_EXPECT_EQ(test, simt_n_vms(c), 0);
	KUNIT_EXPECT_EQ(test, c->sim->stats.faults_hit, 4);

	/* Armed and cleared: nothing fires. */
	snprintf(cmd, sizeof(cmd), "fail %#x 1 3", GUNYAH_RM_RPC_VM_GET_VMID);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
	KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, "clear"), 0);
	KUNIT_EXPECT_EQ(test, simt_call(c, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0, NULL, NULL), 0);
}

/* A failed VM_INIT or VM_START leaves the VM in INIT_FAILED, resettable. */
static void rm_sim_test_fault_creation(struct kunit *test)
{
	static const u32 calls[] = { GUNYAH_RM_RPC_VM_INIT, GUNYAH_RM_RPC_VM_START };
	struct simt_ctx *c = test->priv;
	struct simt_image img;
	unsigned int i;
	char cmd[64];
	int vmid;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		vmid = simt_alloc(c, 0);
		KUNIT_ASSERT_GT(test, vmid, 0);
		KUNIT_ASSERT_EQ(test, simt_image_lend(c, vmid, 1, 0, &img), 0);
		KUNIT_EXPECT_EQ(test, simt_config(c, vmid, img.handle, T_DTB_OFFSET,
						  T_DTB_SIZE), 0);
		if (calls[i] == GUNYAH_RM_RPC_VM_START)
			KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_INIT, vmid), 0);
		snprintf(cmd, sizeof(cmd), "fail %#x 1 %#x", calls[i],
			 GUNYAH_RM_ERROR_NORESOURCE);
		KUNIT_ASSERT_EQ(test, rm_sim_command(c->sim, cmd), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, calls[i], vmid), -ENOSPC);
		KUNIT_EXPECT_EQ(test, simt_state(c, vmid), GUNYAH_RM_VM_STATUS_INIT_FAILED);
		KUNIT_EXPECT_EQ(test, simt_count_notifs(c, GUNYAH_RM_NOTIF_VM_STATUS, vmid,
							GUNYAH_RM_VM_STATUS_INIT_FAILED), 1);
		/* Without effect otherwise: nothing was accepted. */
		KUNIT_EXPECT_EQ(test, simt_reclaim(c, img.handle, 0), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_RESET, vmid), 0);
		KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
		simt_image_free(&img);
		simt_clear_notifs(c);
	}
}

static void rm_sim_test_counters(struct kunit *test)
{
	struct simt_ctx *c = test->priv;
	struct seq_file s = { };
	struct simt_acl acl[2];
	struct page *pages;
	u64 phys, size = 3 * PAGE_SIZE, phys2;
	u32 h1, h2;
	char want[64];
	int vmid;

	s.size = PAGE_SIZE;
	s.buf = kunit_kzalloc(test, s.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.buf);
	vmid = simt_alloc(c, 0);
	KUNIT_ASSERT_GT(test, vmid, 0);
	pages = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	phys = page_to_phys(pages);
	phys2 = phys + 4 * PAGE_SIZE;
	acl[0] = (struct simt_acl){ vmid, GUNYAH_RM_ACL_RWX };
	acl[1] = (struct simt_acl){ RM_SIM_HOST_VMID, GUNYAH_RM_ACL_RWX };
	KUNIT_ASSERT_EQ(test, simt_mem(c, true, 0, 1, acl, 1, &phys, &size, 1, &h1), 0);
	KUNIT_ASSERT_EQ(test, simt_mem(c, false, 0, 2, acl, 2, &phys2, NULL, 1, &h2), 0);

	rm_sim_counters_show(c->sim, &s);
	KUNIT_EXPECT_EQ(test, strncmp(s.buf, "vms 1\n", 6), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\nparcels 2\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\npages_lent 3\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "\npages_shared 1\n"));
	snprintf(want, sizeof(want), "\nvm.%d.lent_pages 3\n", vmid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));
	snprintf(want, sizeof(want), "\nvm.%d.shared_pages 1\n", vmid);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));
	snprintf(want, sizeof(want), "\nvm.%d.state %d\n", vmid, GUNYAH_RM_VM_STATUS_LOAD);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, want));

	KUNIT_EXPECT_EQ(test, simt_reclaim(c, h1, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_reclaim(c, h2, 0), 0);
	KUNIT_EXPECT_EQ(test, simt_vm(c, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid), 0);
	s.count = 0;
	rm_sim_counters_show(c->sim, &s);
	KUNIT_EXPECT_EQ(test, strncmp(s.buf, "vms 0\nparcels 0\n", 16), 0);
	KUNIT_EXPECT_NULL(test, strstr(s.buf, "vm."));
	__free_pages(pages, 3);
}

static struct kunit_case rm_sim_parcels_test_cases[] = {
	KUNIT_CASE(rm_sim_test_parcel_rules),
	KUNIT_CASE(rm_sim_test_parcel_limit),
	KUNIT_CASE(rm_sim_test_append),
	KUNIT_CASE(rm_sim_test_guest),
	KUNIT_CASE(rm_sim_test_bad_commands),
	KUNIT_CASE(rm_sim_test_faults),
	KUNIT_CASE(rm_sim_test_fault_creation),
	KUNIT_CASE(rm_sim_test_counters),
	{}
};

static struct kunit_suite rm_sim_parcels_test_suite = {
	.name = "gunyah_rm_sim_parcels",
	.init = simt_init,
	.exit = simt_exit,
	.test_cases = rm_sim_parcels_test_cases,
};

kunit_test_suite(rm_sim_parcels_test_suite);
