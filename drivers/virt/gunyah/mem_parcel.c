// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory parcels: how a binding's memory is given to the RM and taken back.
 *
 * Each binding is given as one parcel: lent (ACL {guest}) or shared (ACL
 * {guest, host}), with the binding's R/W/X, listing its pages in guest
 * order with physically contiguous neighbours coalesced into one entry.
 * Lending first takes the pages away from the host: they are unmapped from
 * every host page table, refused if anything else still holds a reference
 * (a GUP pin, say), and removed from the direct map (mem_direct_map.c)
 * before the RM is asked. Reclaim asks the RM to zero lent memory once the
 * guest may have run; only once the RM has given the pages back do they
 * return to the direct map. A parcel the RM does not give back stays
 * given: its folios keep their references and never reach the page
 * allocator. The parcels' counters are shown in debugfs ("memory").
 *
 * A call about a parcel that gave up waiting for its reply may still be
 * carried out: the parcel then waits for that reply, however late
 * (&struct gunyah_rm_late), and is not named to the RM meanwhile. A late
 * MEM_LEND or MEM_SHARE reply gives the handle to reclaim it by, or says
 * that the RM refused it; a late MEM_RECLAIM reply says whether the RM
 * gave it back. The reply is applied the next time the parcel is to be
 * reclaimed; see gunyah_parcel_settle().
 *
 * A parcel keeps no per-page or per-run state: its folios are found again
 * in the page cache, where nothing moves them (a parcel is made under the
 * bindings_lock, and a given or busy parcel keeps its range from being
 * truncated or punched). Its memory entries are counted there when it is
 * made, and read from there again straight into each RM message as it is
 * sent, one message's worth at a time (the entry source of
 * gunyah_rm_mem_share()); lent pages leave the direct map folio by folio
 * as they are walked. So a parcel's kernel memory ("meta_bytes": this
 * structure and its ACL) is the same whatever its number of pages or
 * runs. The folios' LRU
 * batches are drained once per VM start (gunyah_parcel_drain_lru()), and
 * again only when a lend's reference check fails; the check is then
 * repeated a few times, for references that only pass by.
 *
 * Locking: a parcel belongs to its binding and changes only under the VM's
 * lock (held by the callers, mem_binding.c) and the file's bindings_lock
 * (taken here, or held by a punch). The RM's round trips of a give or a
 * take-back are made without the bindings_lock, the parcel marked busy
 * meanwhile: punch hole and other reclaims refuse a busy parcel, and
 * nothing else changes it. The counters are atomic.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/delay.h>
#include <linux/error-injection.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <kunit/visibility.h>

#include "gmem.h"
#include "mem_binding.h"
#include "mem_parcel.h"
#include "mem_parcel_walk.h"
#include "vm.h"

/*
 * How often a lend checks its folios for references it does not expect
 * before it gives up (-EBUSY): a pin stays, a passing reference does not.
 */
#define GUNYAH_LEND_CHECKS	4

static struct {
	atomic64_t parcels;
	atomic64_t pages_shared;
	atomic64_t reclaim_refused;
	atomic64_t lend_busy;
	atomic64_t parcels_unknown;
	atomic64_t meta_bytes;
	atomic64_t lru_drains;
	atomic64_t late_replies;
} gunyah_parcel_stats;

/* Drop the parcel's references on its folios, if it holds them. */
static void gunyah_parcel_put(struct gunyah_parcel *p, struct gunyah_binding *b)
{
	struct gunyah_parcel_walk w = { .p = p };

	if (p->refs)
		gunyah_parcel_walk(b->gmem, &w, GUNYAH_WALK_PUT);
	p->refs = false;
}

/*
 * Put a lent parcel's pages back in the direct map and drop the parcel's
 * references on them: one walk.
 */
static void gunyah_parcel_return(struct gunyah_parcel *p,
				 struct gunyah_binding *b)
{
	struct gunyah_parcel_walk w = { .p = p, .limit = ULONG_MAX };

	gunyah_parcel_walk(b->gmem, &w, GUNYAH_WALK_RETURN);
	p->refs = false;
}

static void gunyah_parcel_free(struct gunyah_parcel *p,
			       struct gunyah_binding *b)
{
	/* Not armed unless a kernel bug freed a parcel the RM may hold. */
	gunyah_rm_late_cancel(&p->late);
	gunyah_parcel_put(p, b);
	kfree(p->rm.acl_entries);
	kfree(p);
}

/*
 * Count the parcel's memory entries and folios, taking a reference on
 * each folio and, for a lend, checking that nothing else holds it: one
 * walk. Whether it found all of the range is for the caller to see.
 */
static void gunyah_parcel_count(struct gunyah_parcel *p,
				struct gunyah_binding *b,
				struct gunyah_parcel_walk *w)
{
	*w = (struct gunyah_parcel_walk){ .p = p, .check = p->rm.lend };
	p->nr_folios = 0;
	p->nr_huge = 0;
	gunyah_parcel_walk(b->gmem, w, GUNYAH_WALK_COUNT);
	p->refs = true;
}

static bool gunyah_parcel_counted_all(const struct gunyah_parcel_walk *w)
{
	return !w->hole && w->next == w->end && w->n_entries;
}

/*
 * Find the binding's allocated folios, count its memory entries and take
 * a reference on each folio: no array of pages, and no list of entries
 * (they are written into the RM's messages as they are sent). @busy is
 * set to what the count's reference check found (always 0 for a share).
 */
static int gunyah_parcel_collect(struct gunyah_parcel *p,
				 struct gunyah_binding *b, int *busy)
{
	struct gunyah_parcel_walk w;
	int ret;

	p->start = b->pgoff;
	p->nr = b->nr;
	gunyah_parcel_count(p, b, &w);
	if (!gunyah_parcel_counted_all(&w)) {
		/* Punched since it was allocated: allocate again. */
		gunyah_parcel_put(p, b);
		ret = gunyah_gmem_populate(b->gmem, b->pgoff, b->pgoff + b->nr);
		if (ret)
			return ret;
		gunyah_parcel_count(p, b, &w);
	}
	/* Nothing can punch the range now: we hold its bindings_lock. */
	if (!gunyah_parcel_counted_all(&w))
		return -EBUSY;

	p->rm.n_mem_entries = w.n_entries;
	*busy = w.busy;
	return 0;
}

/**
 * gunyah_parcel_prepare() - allocate a binding's memory before it is given
 * @b: the binding; the VM's lock is held
 *
 * Allocating every binding of a VM first lets one LRU drain before the
 * lends (gunyah_parcel_drain_lru()) cover all of them.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_parcel_prepare(struct gunyah_binding *b)
{
	lockdep_assert_held(&b->vm->lock);
	return gunyah_gmem_populate(b->gmem, b->pgoff, b->pgoff + b->nr);
}

/**
 * gunyah_parcel_drain_lru() - empty every CPU's LRU batches
 *
 * New folios wait in per-CPU LRU batches, each holding a reference, which
 * a lend's reference check would take for a user. Once per VM start, and
 * again only when a check finds a reference it does not expect.
 */
void gunyah_parcel_drain_lru(void)
{
	lru_add_drain_all();
	atomic64_inc(&gunyah_parcel_stats.lru_drains);
}

static u8 gunyah_acl_perms(u32 flags)
{
	return (flags & GH_MEM_ALLOW_READ ? GUNYAH_RM_ACL_R : 0) |
	       (flags & GH_MEM_ALLOW_WRITE ? GUNYAH_RM_ACL_W : 0) |
	       (flags & GH_MEM_ALLOW_EXEC ? GUNYAH_RM_ACL_X : 0);
}

/**
 * gunyah_acl_build() - the ACL of a parcel
 * @acl: room for two entries
 * @vmid: the guest
 * @host_vmid: the host
 * @flags: the binding's &enum gh_map_flags, for the guest's rights
 * @lend: lend (only the guest) rather than share (the guest and the host)
 *
 * Return: the number of entries written.
 */
VISIBLE_IF_KUNIT size_t gunyah_acl_build(struct gunyah_rm_mem_acl_entry *acl,
					 u16 vmid, u16 host_vmid, u32 flags,
					 bool lend)
{
	acl[0].vmid = cpu_to_le16(vmid);
	acl[0].perms = gunyah_acl_perms(flags);
	acl[0].reserved = 0;
	if (lend)
		return 1;
	/* The host keeps full access to what it shares. */
	acl[1].vmid = cpu_to_le16(host_vmid);
	acl[1].perms = GUNYAH_RM_ACL_RWX;
	acl[1].reserved = 0;
	return 2;
}

static int gunyah_parcel_acl(struct gunyah_parcel *p, struct gunyah_binding *b)
{
	p->rm.acl_entries = kcalloc(2, sizeof(*p->rm.acl_entries),
				    GFP_KERNEL_ACCOUNT);
	if (!p->rm.acl_entries)
		return -ENOMEM;
	p->meta += 2 * sizeof(*p->rm.acl_entries);
	p->rm.n_acl_entries = gunyah_acl_build(p->rm.acl_entries, b->vm->vmid,
					       b->vm->mgr->host_vmid, b->flags,
					       p->rm.lend);
	return 0;
}

/* Put the first @limit pages of a lent parcel back in the direct map. */
static void gunyah_parcel_restore(struct gunyah_parcel *p,
				  struct gunyah_binding *b, unsigned long limit)
{
	struct gunyah_parcel_walk w = { .p = p, .limit = limit };

	if (limit)
		gunyah_parcel_walk(b->gmem, &w, GUNYAH_WALK_RESTORE);
}

/*
 * Whether anything but the page cache and the parcel holds a folio of the
 * range: -EBUSY if so. The first check is the count's, @counted; later
 * ones (@counted 1) walk the folios again. Tests make it fail on demand,
 * as a reference that passes by would (the fail_function fault injection).
 */
static noinline int gunyah_parcel_check_refs(struct gunyah_parcel *p,
					     struct gunyah_binding *b,
					     int counted)
{
	struct gunyah_parcel_walk w = { .p = p };

	if (counted <= 0)
		return counted;
	return gunyah_parcel_walk(b->gmem, &w, GUNYAH_WALK_CHECK);
}
ALLOW_ERROR_INJECTION(gunyah_parcel_check_refs, ERRNO);

/*
 * Take lent pages away from the host, already unmapped from user page
 * tables and counted (@counted: what the count's reference check found):
 * make sure nothing else holds them, and remove them from the direct map
 * with a single TLB flush.
 */
static int gunyah_parcel_unmap_host(struct gunyah_parcel *p,
				    struct gunyah_binding *b, int counted)
{
	struct gunyah_parcel_walk w = { .p = p };
	struct gunyah_dm_removal dm;
	int ret, tries;

	for (tries = 1; ; tries++) {
		ret = gunyah_parcel_check_refs(p, b, tries == 1 ? counted : 1);
		if (!ret || tries == GUNYAH_LEND_CHECKS)
			break;
		/*
		 * Maybe only a CPU's LRU batch: drain them, once. Maybe a
		 * passing reference (a speculative page cache lookup, a
		 * compaction scan): let it pass, briefly.
		 */
		if (tries == 1)
			gunyah_parcel_drain_lru();
		else
			usleep_range(100, 200);
	}
	if (ret) {
		atomic64_inc(&gunyah_parcel_stats.lend_busy);
		return ret;
	}

	ret = gunyah_direct_map_remove_begin(&dm);
	if (ret)
		return ret;
	w.dm = &dm;
	ret = gunyah_parcel_walk(b->gmem, &w, GUNYAH_WALK_REMOVE);
	gunyah_direct_map_remove_end(&dm, ret);
	if (ret)
		gunyah_parcel_restore(p, b, dm.pages);
	return ret;
}

/*
 * A reply that came after its call gave up: record it for
 * gunyah_parcel_settle(). Runs where RM replies are received, atomically.
 */
static void gunyah_parcel_late_reply(struct gunyah_rm_late *late, int ret,
				     const void *payload, size_t size)
{
	struct gunyah_parcel *p = container_of(late, struct gunyah_parcel, late);

	if (late->msg_id != GUNYAH_RM_RPC_MEM_RECLAIM)
		ret = gunyah_rm_mem_share_reply(ret, payload, size,
						&p->late_handle);
	p->late_ret = ret;
	/* Pairs with gunyah_parcel_settle(): the reply before the flag. */
	smp_store_release(&p->late_heard, true);
	atomic64_inc(&gunyah_parcel_stats.late_replies);
}

/* After a call about @p: whether it gave up, so that a reply may come. */
static void gunyah_parcel_note_late(struct gunyah_parcel *p)
{
	if (p->late.gave_up) {
		p->late.gave_up = false;
		p->outcome = GUNYAH_PARCEL_WAITING;
	}
}

/*
 * Make @b's parcel, take lent memory from the host, and publish the parcel
 * as busy: until the RM has answered, punch hole and other reclaims leave
 * it alone and host faults on lent memory get SIGBUS. Called with the
 * file's bindings_lock held for write; the RM is not asked here.
 */
static int gunyah_parcel_make(struct gunyah_binding *b, u32 label)
{
	struct gunyah_parcel *p;
	int ret, busy;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->rm.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL;
	p->rm.label = label;
	p->rm.lend = gunyah_binding_lends(b);
	p->rm.mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
	p->rm.late = &p->late;
	p->late.fn = gunyah_parcel_late_reply;
	p->meta = sizeof(*p);

	/* Out of user page tables first, so that the count can check. */
	if (p->rm.lend)
		unmap_mapping_range(b->gmem->inode->i_mapping,
				    (loff_t)b->pgoff << PAGE_SHIFT,
				    (loff_t)b->nr << PAGE_SHIFT, 0);
	ret = gunyah_parcel_collect(p, b, &busy);
	if (ret)
		goto err_free;
	ret = gunyah_parcel_acl(p, b);
	if (ret)
		goto err_free;
	if (p->rm.lend) {
		ret = gunyah_parcel_unmap_host(p, b, busy);
		if (ret)
			goto err_free;
	}
	p->busy = true;
	b->parcel = p;
	return 0;

err_free:
	gunyah_parcel_free(p, b);
	return ret;
}

/* The RM refused @b's busy parcel: give everything back to the host. */
static void gunyah_parcel_unmake(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;

	if (p->rm.lend)
		gunyah_parcel_return(p, b);
	b->parcel = NULL;
	gunyah_parcel_free(p, b);
}

/*
 * A busy parcel's memory entries, for gunyah_rm_mem_share(): read from the
 * page cache one message at a time. Nothing changes the range meanwhile
 * (a busy parcel is not punched), and each folio holds our reference.
 */
struct gunyah_parcel_entries {
	struct gunyah_rm_mem_entry_src src;
	struct gunyah_parcel_walk w;
	struct gunyah_gmem *gmem;
	size_t left;
};

static int gunyah_parcel_entries_fill(struct gunyah_rm_mem_entry_src *src,
				      struct gunyah_rm_mem_entry *entries,
				      size_t n)
{
	struct gunyah_parcel_entries *e =
		container_of(src, struct gunyah_parcel_entries, src);
	int ret;

	e->w.out = entries;
	e->w.n_out = 0;
	e->w.max_out = n;
	ret = gunyah_parcel_walk(e->gmem, &e->w, GUNYAH_WALK_EMIT);
	if (ret < 0)
		return ret;
	/* Exactly the entries counted when the parcel was made. */
	if (e->w.n_out != n || n > e->left || (n == e->left && ret))
		return -EINVAL;
	e->left -= n;
	return 0;
}

static void gunyah_parcel_entries_init(struct gunyah_parcel_entries *e,
				       struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;

	e->src.fill = gunyah_parcel_entries_fill;
	e->w = (struct gunyah_parcel_walk){ .p = p, .next = p->start };
	e->gmem = b->gmem;
	e->left = p->rm.n_mem_entries;
	p->rm.mem_src = &e->src;
}

/**
 * gunyah_parcel_give() - give a binding's memory to its VM as one parcel
 * @b: the binding, its memory allocated by gunyah_parcel_prepare(); the
 *	VM's lock is held, the file's bindings_lock is not
 * @label: the parcel's label
 * @handle: set to the parcel's handle
 *
 * Lent memory is first taken from the host (see the top of this file),
 * under the file's bindings_lock; the RM's round trips are made without
 * it, so host faults elsewhere in the file do not wait for the RM. On
 * failure everything is undone, unless the RM kept the parcel (a failed
 * append whose reclaim also failed, or no usable reply): then the parcel
 * stays given, as @b->parcel, for teardown to reclaim.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_parcel_give(struct gunyah_binding *b, u32 label, u32 *handle)
{
	struct rw_semaphore *lock = &b->gmem->bindings_lock;
	struct gunyah_parcel_entries entries;
	struct gunyah_parcel *p;
	int ret;

	lockdep_assert_held(&b->vm->lock);
	down_write(lock);
	/*
	 * Once the lock is dropped a punch may reclaim and free a parcel
	 * that is not busy: read what we need of it before.
	 */
	if (b->parcel) {
		*handle = b->parcel->rm.mem_handle;
		up_write(lock);
		return 0;
	}
	ret = gunyah_parcel_make(b, label);
	p = b->parcel;
	up_write(lock);
	if (ret)
		return ret;

	/* Nothing else changes a busy parcel: no lock is needed for it. */
	gunyah_parcel_entries_init(&entries, b);
	ret = gunyah_rm_mem_share(b->vm->mgr->rm, &p->rm);
	p->rm.mem_src = NULL;

	down_write(lock);
	p->busy = false;
	gunyah_parcel_note_late(p);
	if (ret && p->rm.mem_handle == GUNYAH_RM_MEM_HANDLE_INVAL) {
		if (!gunyah_rm_outcome_unknown(ret)) {
			gunyah_parcel_unmake(b);
			up_write(lock);
			return ret;
		}
		/*
		 * The RM may hold the pages under a handle we have not
		 * learnt: they stay referenced, out of the direct map and of
		 * every host mapping, until a late reply tells (or for good).
		 */
		pr_err("%s of %lu pages: no usable reply (%d); the pages stay with the RM%s\n",
		       p->rm.lend ? "lend" : "share", p->nr, ret,
		       p->outcome == GUNYAH_PARCEL_WAITING ? " until it answers" : "");
		if (p->outcome != GUNYAH_PARCEL_WAITING)
			p->outcome = GUNYAH_PARCEL_LOST;
		atomic64_inc(&gunyah_parcel_stats.parcels_unknown);
	}
	atomic64_inc(&gunyah_parcel_stats.parcels);
	atomic64_add(p->meta, &gunyah_parcel_stats.meta_bytes);
	if (!p->rm.lend)
		atomic64_add(p->nr, &gunyah_parcel_stats.pages_shared);
	if (!ret)
		*handle = p->rm.mem_handle;
	up_write(lock);
	return ret;
}

/* Whether @b's parcel may be reclaimed now; counts a refusal. */
static int gunyah_parcel_reclaimable(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;

	/*
	 * Busy: being given or taken back. A call about it unanswered, or
	 * given with an unknown outcome: nothing we may name in a reclaim.
	 * Outliving its VM (see gunyah_vm_mem_free()): nobody to ask.
	 * Its VM telling the RM about it (a start, a MEM_NOTIFY; only ever
	 * seen by a punch, as the VM's own callers hold its lock): that call
	 * decides.
	 */
	if (p->busy || p->outcome != GUNYAH_PARCEL_KNOWN ||
	    p->rm.mem_handle == GUNYAH_RM_MEM_HANDLE_INVAL || !b->vm ||
	    READ_ONCE(b->vm->giving)) {
		atomic64_inc(&gunyah_parcel_stats.reclaim_refused);
		return -EBUSY;
	}
	return 0;
}

/*
 * Ask the RM for @b's parcel. Lent memory the guest may have used comes
 * back zeroed, so no guest data reaches the host. Before VM_START the
 * guest had none of it: the VMM's image is returned as it was, ready for
 * another start.
 */
static int gunyah_parcel_ask_back(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;
	int ret;

	ret = gunyah_rm_mem_reclaim(b->vm->mgr->rm, &p->rm,
				    p->rm.lend && READ_ONCE(b->vm->guest_ran));
	gunyah_parcel_note_late(p);
	if (ret)
		atomic64_inc(&gunyah_parcel_stats.reclaim_refused);
	return ret;
}

/* The RM gave @b's parcel back: the host has its memory again. */
static void gunyah_parcel_returned(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;

	if (!p->rm.lend)
		atomic64_sub(p->nr, &gunyah_parcel_stats.pages_shared);
	atomic64_dec(&gunyah_parcel_stats.parcels);
	atomic64_sub(p->meta, &gunyah_parcel_stats.meta_bytes);
	gunyah_parcel_unmake(b);
}

/*
 * Apply the late reply @b's parcel waited for, if it came: the parcel is
 * then known to be given (under the handle the reply gave), or not given
 * (the RM refused it, or gave it back), and @b->parcel is then NULL.
 * Called with the file's bindings_lock held for write.
 */
static void gunyah_parcel_settle(struct gunyah_binding *b)
{
	struct gunyah_parcel *p = b->parcel;
	bool reclaim;
	int ret;

	if (!p || p->busy || p->outcome != GUNYAH_PARCEL_WAITING)
		return;
	/* Pairs with gunyah_parcel_late_reply(): the flag, then the reply. */
	if (!smp_load_acquire(&p->late_heard))
		return;
	p->late_heard = false;
	ret = p->late_ret;
	reclaim = p->late.msg_id == GUNYAH_RM_RPC_MEM_RECLAIM;
	pr_info("late reply to the %s of %lu pages: %d\n",
		reclaim ? "reclaim" : p->rm.lend ? "lend" : "share", p->nr, ret);
	if (gunyah_rm_outcome_unknown(ret)) {
		p->outcome = GUNYAH_PARCEL_LOST;
		return;
	}
	p->outcome = GUNYAH_PARCEL_KNOWN;
	if (reclaim) {
		/* Refused: still given, and may be asked for again. */
		if (!ret)
			gunyah_parcel_returned(b);
		return;
	}
	atomic64_dec(&gunyah_parcel_stats.parcels_unknown);
	if (ret)
		gunyah_parcel_returned(b);
	else
		p->rm.mem_handle = p->late_handle;
}

/**
 * gunyah_parcel_reclaim() - take a binding's parcel back, for a punch
 * @b: the binding; the file's bindings_lock is held for write
 *
 * Lent memory comes back to the direct map only once the RM gave it back.
 *
 * Return: 0 (also if nothing was given), or the error of a reclaim the RM
 * refused, or -EBUSY for a parcel whose handle was never learnt, that is
 * being given or taken back, or whose VM is being told about it (a start,
 * or a MEM_NOTIFY): the parcel then stays given.
 */
int gunyah_parcel_reclaim(struct gunyah_binding *b)
{
	int ret;

	lockdep_assert_held_write(&b->gmem->bindings_lock);
	gunyah_parcel_settle(b);
	if (!b->parcel)
		return 0;
	ret = gunyah_parcel_reclaimable(b) ?: gunyah_parcel_ask_back(b);
	if (!ret)
		gunyah_parcel_returned(b);
	return ret;
}

/**
 * gunyah_parcel_take_back() - take a binding's parcel back, for its VM
 * @b: the binding; the VM's lock is held, the file's bindings_lock is not
 * @was_given: if not NULL, set to whether there was a parcel
 *
 * As gunyah_parcel_reclaim(), for unmap and VM teardown; the RM's round
 * trip is made without the file's lock, the parcel busy meanwhile.
 *
 * Return: as gunyah_parcel_reclaim().
 */
int gunyah_parcel_take_back(struct gunyah_binding *b, bool *was_given)
{
	struct rw_semaphore *lock = &b->gmem->bindings_lock;
	struct gunyah_parcel *p;
	int ret;

	lockdep_assert_held(&b->vm->lock);
	down_write(lock);
	p = b->parcel;
	if (was_given)
		*was_given = p;
	gunyah_parcel_settle(b);
	p = b->parcel;
	ret = p ? gunyah_parcel_reclaimable(b) : 0;
	if (p && !ret)
		p->busy = true;
	up_write(lock);
	if (!p || ret)
		return ret;

	ret = gunyah_parcel_ask_back(b);

	down_write(lock);
	p->busy = false;
	if (!ret)
		gunyah_parcel_returned(b);
	else
		gunyah_parcel_settle(b);
	up_write(lock);
	return ret;
}

/**
 * gunyah_parcels_fit() - whether the RM takes more parcels from us
 * @n: parcels about to be given
 *
 * Return: true if @n more parcels stay within the RM's limit per owner,
 * which counts the parcels of all our VMs.
 */
bool gunyah_parcels_fit(unsigned long n)
{
	return atomic64_read(&gunyah_parcel_stats.parcels) + n <=
	       GUNYAH_RM_MAX_PARCELS_PER_OWNER;
}

/**
 * gunyah_parcel_show() - describe a given parcel in debugfs
 * @p: the parcel
 * @s: where to print
 */
void gunyah_parcel_show(const struct gunyah_parcel *p, struct seq_file *s)
{
	/* The RM call in flight may be writing the rest. */
	if (p->busy) {
		seq_printf(s, " parcel busy pages %lu", p->nr);
		return;
	}
	seq_printf(s, " parcel %#x parcel_label %u entries %zu pages %lu acl_entries %zu guest_perms %#x",
		   p->rm.mem_handle, p->rm.label, p->rm.n_mem_entries,
		   p->nr, p->rm.n_acl_entries, p->rm.acl_entries[0].perms);
	seq_printf(s, " folios %lu huge_folios %lu rm_msgs %u rm_bytes %u meta_bytes %zu",
		   p->nr_folios, p->nr_huge, p->rm.tx_msgs, p->rm.tx_bytes,
		   p->meta);
	if (p->outcome != GUNYAH_PARCEL_KNOWN)
		seq_printf(s, " outcome %s", p->outcome == GUNYAH_PARCEL_WAITING ?
			   "waiting" : "lost");
}

/**
 * gunyah_mem_stats_show() - print the driver's memory totals
 * @s: where to print
 */
void gunyah_mem_stats_show(struct seq_file *s)
{
	seq_printf(s, "parcels %lld\npages_lent %lld\npages_shared %lld\n",
		   atomic64_read(&gunyah_parcel_stats.parcels),
		   gunyah_direct_map_pages_out(),
		   atomic64_read(&gunyah_parcel_stats.pages_shared));
	seq_printf(s, "reclaim_refused %lld\nlend_busy %lld\ntlb_flushes %lld\n",
		   atomic64_read(&gunyah_parcel_stats.reclaim_refused),
		   atomic64_read(&gunyah_parcel_stats.lend_busy),
		   gunyah_direct_map_flushes());
	gunyah_gmem_stats_show(s);
	seq_printf(s, "parcels_unknown %lld\nmeta_bytes %lld\nlru_drains %lld\n",
		   atomic64_read(&gunyah_parcel_stats.parcels_unknown),
		   atomic64_read(&gunyah_parcel_stats.meta_bytes),
		   atomic64_read(&gunyah_parcel_stats.lru_drains));
	seq_printf(s, "late_replies %lld\n",
		   atomic64_read(&gunyah_parcel_stats.late_replies));
}
