// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for guest memory: the parcel builders (coalescing of memory
 * entries, where a full message of them stops, the ACLs of lent and
 * shared parcels) and the direct-map state of each page a lend takes away
 * and a reclaim gives back.
 *
 * Locking: none; each case owns its pages.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <uapi/linux/gunyah.h>

#include "mem_direct_map.h"
#include "mem_parcel.h"

static u64 entry_base(const struct gunyah_rm_mem_entry *e)
{
	return le64_to_cpu(e->phys_addr);
}

static u64 entry_size(const struct gunyah_rm_mem_entry *e)
{
	return le64_to_cpu(e->size);
}

/* Neighbours in both guest order and physical memory become one entry. */
static void mem_entries_coalesce(struct kunit *test)
{
	struct gunyah_rm_mem_entry e[8] = {};
	size_t n = 0;

	gunyah_mem_entries_add(e, &n, 8, 0x80000000, SZ_4K);
	gunyah_mem_entries_add(e, &n, 8, 0x80001000, SZ_4K);
	gunyah_mem_entries_add(e, &n, 8, 0x80002000, SZ_2M);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, entry_base(&e[0]), 0x80000000);
	KUNIT_EXPECT_EQ(test, entry_size(&e[0]), 2 * SZ_4K + SZ_2M);
}

/* A gap, or memory that comes physically before, starts a new entry. */
static void mem_entries_split(struct kunit *test)
{
	struct gunyah_rm_mem_entry e[8] = {};
	size_t n = 0;

	gunyah_mem_entries_add(e, &n, 8, 0x90000000, SZ_4K);
	/* physically just below: contiguous, but not in guest order */
	gunyah_mem_entries_add(e, &n, 8, 0x8ffff000, SZ_4K);
	/* one page gap */
	gunyah_mem_entries_add(e, &n, 8, 0x90001000, SZ_4K);
	gunyah_mem_entries_add(e, &n, 8, 0x90003000, SZ_4K);
	gunyah_mem_entries_add(e, &n, 8, 0x90004000, SZ_4K);
	KUNIT_ASSERT_EQ(test, n, 4);
	KUNIT_EXPECT_EQ(test, entry_base(&e[0]), 0x90000000);
	KUNIT_EXPECT_EQ(test, entry_base(&e[1]), 0x8ffff000);
	KUNIT_EXPECT_EQ(test, entry_base(&e[2]), 0x90001000);
	KUNIT_EXPECT_EQ(test, entry_size(&e[2]), SZ_4K);
	KUNIT_EXPECT_EQ(test, entry_base(&e[3]), 0x90003000);
	KUNIT_EXPECT_EQ(test, entry_size(&e[3]), 2 * SZ_4K);
}

/*
 * A full list still grows its last entry, refuses memory that needs a new
 * one, and takes it once emptied: where a message of entries stops.
 */
static void mem_entries_full(struct kunit *test)
{
	struct gunyah_rm_mem_entry e[2] = {};
	size_t n = 0;

	KUNIT_EXPECT_TRUE(test, gunyah_mem_entries_add(e, &n, 2, 0xa0000000, SZ_4K));
	KUNIT_EXPECT_TRUE(test, gunyah_mem_entries_add(e, &n, 2, 0xb0000000, SZ_4K));
	KUNIT_EXPECT_TRUE(test, gunyah_mem_entries_add(e, &n, 2, 0xb0001000, SZ_4K));
	KUNIT_EXPECT_FALSE(test, gunyah_mem_entries_add(e, &n, 2, 0xc0000000, SZ_4K));
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, entry_size(&e[1]), 2 * SZ_4K);
	n = 0;
	KUNIT_EXPECT_TRUE(test, gunyah_mem_entries_add(e, &n, 2, 0xc0000000, SZ_4K));
	KUNIT_EXPECT_EQ(test, entry_base(&e[0]), 0xc0000000);
	KUNIT_EXPECT_EQ(test, entry_size(&e[0]), SZ_4K);
}

/* A lend names only the guest, with exactly the binding's rights. */
static void acl_lend(struct kunit *test)
{
	struct gunyah_rm_mem_acl_entry acl[2] = {};

	KUNIT_ASSERT_EQ(test, gunyah_acl_build(acl, 0x80, 3, GH_MEM_ALLOW_RWX,
					       true), 1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(acl[0].vmid), 0x80);
	KUNIT_EXPECT_EQ(test, acl[0].perms, GUNYAH_RM_ACL_RWX);

	KUNIT_ASSERT_EQ(test, gunyah_acl_build(acl, 0x81, 3, GH_MEM_ALLOW_READ |
					       GH_MEM_ALLOW_EXEC, true), 1);
	KUNIT_EXPECT_EQ(test, acl[0].perms, GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_X);
}

/* A share names the guest with its rights and the host with all of them. */
static void acl_share(struct kunit *test)
{
	struct gunyah_rm_mem_acl_entry acl[2] = {};

	KUNIT_ASSERT_EQ(test, gunyah_acl_build(acl, 0x82, 3, GH_MEM_ALLOW_READ,
					       false), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(acl[0].vmid), 0x82);
	KUNIT_EXPECT_EQ(test, acl[0].perms, GUNYAH_RM_ACL_R);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(acl[1].vmid), 3);
	KUNIT_EXPECT_EQ(test, acl[1].perms, GUNYAH_RM_ACL_RWX);
	KUNIT_EXPECT_EQ(test, acl[1].reserved, 0);

	KUNIT_ASSERT_EQ(test, gunyah_acl_build(acl, 0x82, 3, GH_MEM_ALLOW_WRITE,
					       false), 2);
	KUNIT_EXPECT_EQ(test, acl[0].perms, GUNYAH_RM_ACL_W);
}

/* A parcel of a small folio and a 16-page folio: two runs of 17 pages. */
struct dm_fixture {
	struct folio *folios[2];
	unsigned long pages1;	/* of the second folio, in the parcel */
};

/* Remove the parcel's runs in one batch, as a lend does. */
static int dm_remove(struct dm_fixture *f)
{
	struct gunyah_dm_removal r;
	int ret;

	ret = gunyah_direct_map_remove_begin(&r);
	if (ret)
		return ret;
	ret = gunyah_direct_map_remove_pages(&r, folio_pfn(f->folios[0]), 1) ?:
	      gunyah_direct_map_remove_pages(&r, folio_pfn(f->folios[1]),
					     f->pages1);
	gunyah_direct_map_remove_end(&r, ret);
	return ret;
}

/* Restore the first @limit pages of the parcel's runs. */
static void dm_restore(struct dm_fixture *f, unsigned long limit)
{
	gunyah_direct_map_restore(folio_pfn(f->folios[0]), min(limit, 1UL));
	if (limit > 1)
		gunyah_direct_map_restore(folio_pfn(f->folios[1]),
					  min(limit - 1, f->pages1));
}

static int dm_init(struct kunit *test)
{
	struct dm_fixture *f;

	if (!can_set_direct_map())
		kunit_skip(test, "the direct map cannot be changed (rodata=full off)");
	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	test->priv = f;
	f->folios[0] = folio_alloc(GFP_KERNEL, 0);
	f->folios[1] = folio_alloc(GFP_KERNEL, 4);
	if (!f->folios[0] || !f->folios[1]) {
		if (f->folios[0])
			folio_put(f->folios[0]);
		if (f->folios[1])
			folio_put(f->folios[1]);
		f->folios[0] = NULL;
		f->folios[1] = NULL;
		KUNIT_FAIL(test, "no memory for the test folios");
		return -ENOMEM;
	}
	f->pages1 = 16;
	return 0;
}

/* The @i-th of the 17 pages. */
static struct page *dm_page(struct dm_fixture *f, int i)
{
	return i ? folio_page(f->folios[1], i - 1) : folio_page(f->folios[0], 0);
}

static void dm_exit(struct kunit *test)
{
	struct dm_fixture *f = test->priv;
	int i;

	if (!f || !f->folios[0] || !f->folios[1])
		return;
	/* Whatever a case left removed goes back before the pages are freed. */
	for (i = 0; i < 17; i++)
		if (!kernel_page_present(dm_page(f, i)))
			set_direct_map_default_noflush(dm_page(f, i));
	for (i = 0; i < 2; i++)
		folio_put(f->folios[i]);
}

static int dm_present(struct dm_fixture *f)
{
	int i, n = 0;

	n += kernel_page_present(folio_page(f->folios[0], 0));
	for (i = 0; i < 16; i++)
		n += kernel_page_present(folio_page(f->folios[1], i));
	return n;
}

/*
 * Present before a lend, absent while lent, present after reclaim; the
 * runs of one removal are flushed from the TLB once.
 */
static void direct_map_lend_and_reclaim(struct kunit *test)
{
	struct dm_fixture *f = test->priv;
	s64 flushes = gunyah_direct_map_flushes();

	KUNIT_EXPECT_EQ(test, dm_present(f), 17);
	KUNIT_ASSERT_EQ(test, dm_remove(f), 0);
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_flushes(), flushes + 1);
	KUNIT_EXPECT_EQ(test, dm_present(f), 0);
	dm_restore(f, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, dm_present(f), 17);
	KUNIT_EXPECT_TRUE(test, gunyah_folio_in_direct_map(f->folios[1]));
}

/* Undoing a removal that got part of the way restores just those pages. */
static void direct_map_partial_restore(struct kunit *test)
{
	struct dm_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, dm_remove(f), 0);
	dm_restore(f, 5);
	KUNIT_EXPECT_EQ(test, dm_present(f), 5);
	KUNIT_EXPECT_TRUE(test, kernel_page_present(folio_page(f->folios[0], 0)));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(folio_page(f->folios[1], 3)));
	KUNIT_EXPECT_FALSE(test, kernel_page_present(folio_page(f->folios[1], 4)));
	KUNIT_EXPECT_FALSE(test, gunyah_folio_in_direct_map(f->folios[1]));
	dm_restore(f, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, dm_present(f), 17);
}

/* A binding that covers only part of a folio leaves the rest alone. */
static void direct_map_partial_binding(struct kunit *test)
{
	struct dm_fixture *f = test->priv;

	f->pages1 = 8;	/* the small folio and 8 of 16 pages */
	KUNIT_ASSERT_EQ(test, dm_remove(f), 0);
	KUNIT_EXPECT_EQ(test, dm_present(f), 8);
	KUNIT_EXPECT_TRUE(test, kernel_page_present(folio_page(f->folios[1], 8)));
	KUNIT_EXPECT_FALSE(test, kernel_page_present(folio_page(f->folios[1], 7)));
	dm_restore(f, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, dm_present(f), 17);
}

/*
 * Hibernation and lending exclude each other: no page leaves the direct
 * map once hibernation began, and it cannot begin while one is out.
 */
static void direct_map_refused_while_hibernating(struct kunit *test)
{
	struct dm_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, gunyah_direct_map_pages_out(), 0);
	KUNIT_ASSERT_EQ(test, gunyah_direct_map_hibernation_begin(), 0);
	KUNIT_EXPECT_EQ(test, dm_remove(f), -EBUSY);
	KUNIT_EXPECT_EQ(test, dm_present(f), 17);
	gunyah_direct_map_hibernation_end();

	KUNIT_ASSERT_EQ(test, dm_remove(f), 0);
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_hibernation_begin(), -EBUSY);
	dm_restore(f, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_hibernation_begin(), 0);
	gunyah_direct_map_hibernation_end();
}

static struct kunit_case gunyah_parcel_builder_cases[] = {
	KUNIT_CASE(mem_entries_coalesce),
	KUNIT_CASE(mem_entries_split),
	KUNIT_CASE(mem_entries_full),
	KUNIT_CASE(acl_lend),
	KUNIT_CASE(acl_share),
	{}
};

static struct kunit_suite gunyah_parcel_builder_suite = {
	.name = "gunyah_parcel_builders",
	.test_cases = gunyah_parcel_builder_cases,
};

static struct kunit_case gunyah_direct_map_cases[] = {
	KUNIT_CASE(direct_map_lend_and_reclaim),
	KUNIT_CASE(direct_map_partial_restore),
	KUNIT_CASE(direct_map_partial_binding),
	KUNIT_CASE(direct_map_refused_while_hibernating),
	{}
};

static struct kunit_suite gunyah_direct_map_suite = {
	.name = "gunyah_direct_map",
	.init = dm_init,
	.exit = dm_exit,
	.test_cases = gunyah_direct_map_cases,
};

kunit_test_suites(&gunyah_parcel_builder_suite, &gunyah_direct_map_suite);
