// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory bindings: guest page ranges bound to ranges of guest memory
 * files (GH_VM_MAP_MEM).
 *
 * A binding is kept in two trees, the VM's (by guest page) and its file's
 * (by file page), and is given to the VM as one parcel (mem_parcel.c):
 * all bindings before the VM starts, the binding holding the devicetree
 * first as the image; later ones at once, announced to the running guest.
 * Unmapping part of a binding takes its parcel back, trims the binding or
 * splits it in two, and gives what remains again. Punch hole and truncate
 * on the file ask here which of its pages are bound or lent, and reclaim
 * them through the same path.
 *
 * Locking: the VM's lock serialises binding changes of that VM; a guest
 * memory file's bindings_lock (taken after it) protects that file's tree
 * and its bindings' given state, so punch hole and truncate on the file
 * see consistent state without the VM's lock.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "gmem.h"
#include "mem_binding.h"
#include "mem_direct_map.h"
#include "mem_parcel.h"
#include "vm.h"

static u64 gunyah_binding_end(const struct gunyah_binding *b)
{
	return b->gfn + b->nr;
}

/**
 * gunyah_binding_lends() - whether a binding's memory is lent or shared
 * @b: the binding
 *
 * Decided by the flags it was made with, alone: a forced lend or share,
 * or by default a lend where the kernel can lend.
 *
 * Return: true for a lend.
 */
bool gunyah_binding_lends(const struct gunyah_binding *b)
{
	switch (b->flags & GH_MEM_ACCESS_MASK) {
	case GH_MEM_FORCE_LEND:
		return true;
	case GH_MEM_FORCE_SHARE:
		return false;
	default:
		return gunyah_can_lend();
	}
}

/*
 * Give @b as a parcel, and say which (@handle). Read under the lock: once
 * it is dropped a punch of the file may reclaim and free the parcel.
 */
static int gunyah_binding_give_locked(struct gunyah_binding *b, u32 label,
				      u32 *handle)
{
	int ret;

	down_write(&b->gmem->bindings_lock);
	ret = gunyah_parcel_give(b, label);
	if (!ret)
		*handle = b->parcel->rm.mem_handle;
	up_write(&b->gmem->bindings_lock);
	return ret;
}

static int gunyah_binding_reclaim_locked(struct gunyah_binding *b)
{
	int ret;

	down_write(&b->gmem->bindings_lock);
	ret = gunyah_parcel_reclaim(b);
	up_write(&b->gmem->bindings_lock);
	return ret;
}

/* A binding given to a VM that already runs must be announced to it. */
static int gunyah_binding_give_running(struct gunyah_binding *b)
{
	struct gunyah_vm *vm = b->vm;
	u16 vmid = vm->vmid;
	u32 handle;
	int ret;

	ret = gunyah_binding_give_locked(b, b->label, &handle);
	if (ret)
		return ret;
	ret = gunyah_rm_mem_notify(vm->mgr->rm, handle,
				   GUNYAH_RM_MEM_NOTIFY_SHARED, b->label, 1,
				   &vmid);
	if (ret)
		gunyah_binding_reclaim_locked(b);
	return ret;
}

/**
 * gunyah_vm_mem_init() - set up a VM's memory state
 * @mem: the VM's memory
 */
void gunyah_vm_mem_init(struct gunyah_vm_mem *mem)
{
	mt_init(&mem->bindings);
	mem->next_label = 1;
}

/* Whether a binding of the VM has @label (O(bindings), under the VM's lock). */
static bool gunyah_vm_label_used(struct gunyah_vm *vm, u32 label)
{
	struct gunyah_binding *b;
	unsigned long index = 0;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX)
		if (b->label == label)
			return true;
	return false;
}

/* Whether @b holds the VM's devicetree, and so is given as its image. */
static bool gunyah_binding_holds_dtb(struct gunyah_vm *vm,
				     const struct gunyah_binding *b)
{
	u64 first = vm->dtb.guest_phys_addr >> PAGE_SHIFT;

	return vm->dtb_set && first >= b->gfn && first < gunyah_binding_end(b);
}

/*
 * The label a new binding gets: the VM's next one, past any a VMM chose
 * with GH_VM_SET_MEM_LABEL. Taken only once the binding exists, so a
 * GH_VM_MAP_MEM that fails takes none. Labels never wrap to 0 (the image's).
 */
static int gunyah_vm_pick_label(struct gunyah_vm *vm, u32 *label)
{
	u32 l = vm->mem.next_label;

	while (l && gunyah_vm_label_used(vm, l))
		l++;
	if (!l)
		return -ENOSPC;
	*label = l;
	return 0;
}

static void gunyah_binding_free(struct gunyah_binding *b)
{
	fput(b->file);
	kfree(b);
}

static int gunyah_vm_bind(struct gunyah_vm *vm, struct file *file,
			  struct gunyah_gmem *gmem, u64 gfn, pgoff_t pgoff,
			  u64 nr, u32 flags)
{
	unsigned long index = gfn;
	struct gunyah_binding *b;
	u32 label;
	int ret;

	if (mt_find(&vm->mem.bindings, &index, gfn + nr - 1))
		return -EEXIST;
	/*
	 * Memory given to a running guest must be announced to it (MEM_NOTIFY)
	 * and accepted by it over its own RM link. A guest without one cannot
	 * take it, and the public RM stops answering altogether when asked to
	 * tell such a guest.
	 */
	if (vm->state == GUNYAH_VM_RUNNING && !vm->guest_rm_link)
		return -EOPNOTSUPP;
	ret = gunyah_vm_pick_label(vm, &label);
	if (ret)
		return ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	b->vm = vm;
	b->file = get_file(file);
	b->gmem = gmem;
	b->gfn = gfn;
	b->pgoff = pgoff;
	b->nr = nr;
	b->flags = flags;
	b->label = label;

	down_write(&gmem->bindings_lock);
	index = pgoff;
	if (mt_find(&gmem->bindings, &index, pgoff + nr - 1))
		ret = -EEXIST;
	else
		ret = mtree_insert_range(&gmem->bindings, pgoff, pgoff + nr - 1,
					 b, GFP_KERNEL_ACCOUNT);
	up_write(&gmem->bindings_lock);
	if (ret)
		goto err_free;

	ret = mtree_insert_range(&vm->mem.bindings, gfn, gfn + nr - 1, b,
				 GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_erase_file;

	if (vm->state == GUNYAH_VM_RUNNING) {
		ret = gunyah_binding_give_running(b);
		/*
		 * A parcel the RM kept (its reclaim failed too, or the outcome
		 * is unknown) keeps its binding: freeing the binding would
		 * leak the parcel's pages outside the direct map. Teardown, or
		 * the VMM's unmap, takes it back.
		 */
		if (ret && !b->parcel)
			goto err_erase_vm;
	}
	vm->mem.next_label = label + 1;
	return ret;

err_erase_vm:
	mtree_erase(&vm->mem.bindings, gfn);
err_erase_file:
	down_write(&gmem->bindings_lock);
	mtree_erase(&gmem->bindings, pgoff);
	up_write(&gmem->bindings_lock);
err_free:
	gunyah_binding_free(b);
	return ret;
}

/* Make the trees map [first, last] of the binding to nothing. */
static int gunyah_binding_cut(struct gunyah_binding *b, u64 first, u64 last)
{
	pgoff_t off = b->pgoff - b->gfn;
	int ret;

	ret = mtree_store_range(&b->vm->mem.bindings, first, last, NULL,
				GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	down_write(&b->gmem->bindings_lock);
	ret = mtree_store_range(&b->gmem->bindings, first + off, last + off,
				NULL, GFP_KERNEL_ACCOUNT);
	up_write(&b->gmem->bindings_lock);
	return ret;
}

/*
 * @b loses [@gfn, @end), in its middle: @back, a copy of it, becomes the
 * binding of what follows, in both trees.
 */
static int gunyah_binding_split(struct gunyah_binding *b,
				struct gunyah_binding *back, u64 gfn, u64 end)
{
	u64 b_end = gunyah_binding_end(b);
	int ret;

	back->gfn = end;
	back->pgoff = b->pgoff + (end - b->gfn);
	back->nr = b_end - end;
	get_file(back->file);
	ret = mtree_store_range(&b->vm->mem.bindings, back->gfn, b_end - 1,
				back, GFP_KERNEL_ACCOUNT);
	if (!ret) {
		down_write(&b->gmem->bindings_lock);
		ret = mtree_store_range(&b->gmem->bindings, back->pgoff,
					back->pgoff + back->nr - 1, back,
					GFP_KERNEL_ACCOUNT);
		up_write(&b->gmem->bindings_lock);
	}
	if (!ret) {
		b->nr = gfn - b->gfn;
		b->vm->mem.next_label = back->label + 1;
	}
	return ret;
}

static int gunyah_vm_unbind(struct gunyah_vm *vm, struct file *file,
			    u64 gfn, pgoff_t pgoff, u64 nr, u32 flags)
{
	u64 end = gfn + nr, b_end;
	struct gunyah_binding *b, *back = NULL;
	bool was_given;
	int ret;

	b = mtree_load(&vm->mem.bindings, gfn);
	if (!b || b->file != file || b->flags != flags ||
	    b->pgoff - b->gfn != pgoff - gfn || end > gunyah_binding_end(b))
		return -ENOENT;
	b_end = gunyah_binding_end(b);

	/* A piece in the middle leaves two bindings behind. */
	if (gfn > b->gfn && end < b_end) {
		back = kmemdup(b, sizeof(*b), GFP_KERNEL_ACCOUNT);
		if (!back)
			return -ENOMEM;
		back->parcel = NULL;
		/* The piece after the hole is a new binding, with a new label. */
		ret = gunyah_vm_pick_label(vm, &back->label);
		if (ret) {
			kfree(back);
			return ret;
		}
	}

	/*
	 * The whole parcel comes back; what remains is given again below.
	 * Punch hole may reclaim it meanwhile, under the file's lock only:
	 * look and reclaim under that lock.
	 */
	down_write(&b->gmem->bindings_lock);
	was_given = b->parcel;
	ret = gunyah_parcel_reclaim(b);
	up_write(&b->gmem->bindings_lock);
	if (ret)
		goto err_free_back;

	if (gfn == b->gfn && end == b_end) {
		mtree_erase(&vm->mem.bindings, b->gfn);
		down_write(&b->gmem->bindings_lock);
		mtree_erase(&b->gmem->bindings, b->pgoff);
		up_write(&b->gmem->bindings_lock);
		gunyah_binding_free(b);
		return 0;
	}

	ret = gunyah_binding_cut(b, gfn, end - 1);
	if (ret)
		goto err_free_back;

	if (back) {
		ret = gunyah_binding_split(b, back, gfn, end);
		if (WARN_ON(ret))
			return ret;
	} else if (gfn == b->gfn) {
		b->pgoff += nr;
		b->gfn = end;
		b->nr -= nr;
	} else {
		b->nr -= nr;
	}

	if (was_given) {
		ret = gunyah_binding_give_running(b);
		if (!ret && back)
			ret = gunyah_binding_give_running(back);
	}
	return ret;

err_free_back:
	kfree(back);
	return ret;
}

/**
 * gunyah_vm_map_mem() - GH_VM_MAP_MEM
 * @vm: the VM, with its lock held
 * @args: the request
 *
 * Return: 0 or a negative errno: -EINVAL for bad flags, alignment (2 MiB
 * for a file with huge folios, also to unmap), or a fd that is not guest
 * memory; -EBADF for a bad fd; -EOVERFLOW for ranges
 * that wrap; -EEXIST for an overlap; -ENOENT for an unmap that matches no
 * binding; -EOPNOTSUPP for a lend the kernel cannot do; -EBUSY when the
 * memory a VM has cannot be taken back.
 */
int gunyah_vm_map_mem(struct gunyah_vm *vm, const struct gh_map_mem_args *args)
{
	u32 access = args->flags & GH_MEM_ACCESS_MASK;
	struct gunyah_gmem *gmem;
	u64 end, file_end;
	struct file *file;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (args->flags & ~(GH_MEM_ACCESS_MASK | GH_MEM_ALLOW_RWX | GH_MEM_UNMAP))
		return -EINVAL;
	if (!(args->flags & GH_MEM_ALLOW_RWX) || access > GH_MEM_FORCE_SHARE)
		return -EINVAL;
	if (!args->size || !PAGE_ALIGNED(args->guest_addr) ||
	    !PAGE_ALIGNED(args->offset) || !PAGE_ALIGNED(args->size))
		return -EINVAL;
	if (check_add_overflow(args->guest_addr, args->size, &end) ||
	    check_add_overflow(args->offset, args->size, &file_end))
		return -EOVERFLOW;

	file = fget(args->guest_mem_fd);
	if (!file)
		return -EBADF;
	gmem = gunyah_gmem_from_file(file);
	if (!gmem || file_end > i_size_read(gmem->inode)) {
		ret = -EINVAL;
		goto out;
	}
	/* No 2 MiB folio may be part in a binding (or lent), part not. */
	if (gunyah_gmem_huge(gmem) &&
	    !IS_ALIGNED(args->guest_addr | args->offset | args->size, SZ_2M)) {
		ret = -EINVAL;
		goto out;
	}

	if (args->flags & GH_MEM_UNMAP) {
		ret = gunyah_vm_unbind(vm, file, args->guest_addr >> PAGE_SHIFT,
				       args->offset >> PAGE_SHIFT,
				       args->size >> PAGE_SHIFT,
				       args->flags & ~GH_MEM_UNMAP);
		goto out;
	}

	if (access == GH_MEM_FORCE_LEND && !gunyah_can_lend()) {
		pr_warn_once("cannot lend guest memory: boot with rodata=full\n");
		ret = -EOPNOTSUPP;
		goto out;
	}

	ret = gunyah_vm_bind(vm, file, gmem, args->guest_addr >> PAGE_SHIFT,
			     args->offset >> PAGE_SHIFT, args->size >> PAGE_SHIFT,
			     args->flags);
out:
	fput(file);
	return ret;
}

/**
 * gunyah_vm_mem_label() - GH_VM_SET_MEM_LABEL and GH_VM_GET_MEM_LABEL
 * @vm: the VM, with its lock held
 * @arg: the binding's first guest address, and the label to set or read
 * @set: set the label rather than read it
 *
 * Reading gives the label the binding's parcel carries (or will): 0 for
 * the binding that holds the devicetree, its own label for the others.
 *
 * Return: 0, -ENOENT if no binding starts at the address, -EEXIST if
 * another binding has the label, or -EINVAL for label 0 or non-zero
 * reserved bits.
 */
int gunyah_vm_mem_label(struct gunyah_vm *vm, struct gh_mem_label *arg,
			bool set)
{
	struct gunyah_binding *b;

	lockdep_assert_held(&vm->lock);
	if (arg->reserved || !PAGE_ALIGNED(arg->guest_addr) || (set && !arg->label))
		return -EINVAL;
	b = mtree_load(&vm->mem.bindings, arg->guest_addr >> PAGE_SHIFT);
	if (!b || b->gfn != arg->guest_addr >> PAGE_SHIFT)
		return -ENOENT;
	if (!set) {
		/* The image's parcel is given with label 0 whatever it was. */
		arg->label = gunyah_binding_holds_dtb(vm, b) ? 0 : b->label;
		return 0;
	}
	if (b->label != arg->label && gunyah_vm_label_used(vm, arg->label))
		return -EEXIST;
	b->label = arg->label;
	return 0;
}

/**
 * gunyah_vm_mem_give() - give all of a VM's bindings to it, before start
 * @vm: the VM, with its lock held and a vmid
 * @image_handle: set to the image parcel's handle
 * @image_gpa: set to the guest address the image parcel starts at
 *
 * The binding holding the devicetree goes first, lent with label 0; the
 * others follow in guest address order with their own labels. On failure
 * the caller's teardown takes back what was given.
 *
 * Return: 0 or a negative errno: -EINVAL if no lent RWX binding holds the
 * whole devicetree; -ENOSPC if the RM's 64 parcels would not suffice.
 */
int gunyah_vm_mem_give(struct gunyah_vm *vm, u32 *image_handle, u64 *image_gpa)
{
	u64 dtb_gfn = vm->dtb.guest_phys_addr >> PAGE_SHIFT;
	u64 dtb_end = (vm->dtb.guest_phys_addr + vm->dtb.size) >> PAGE_SHIFT;
	struct gunyah_binding *image, *b;
	unsigned long index = 0, n = 0;
	u32 handle;
	int ret;

	lockdep_assert_held(&vm->lock);
	image = mtree_load(&vm->mem.bindings, dtb_gfn);
	if (!image || dtb_end > gunyah_binding_end(image)) {
		dev_dbg(vm->mgr->dev, "no binding holds the devicetree\n");
		return -EINVAL;
	}
	/* The RM takes the image only lent, with full rights. */
	if (!gunyah_binding_lends(image) ||
	    (image->flags & GH_MEM_ALLOW_RWX) != GH_MEM_ALLOW_RWX)
		return -EINVAL;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX)
		n++;
	if (!gunyah_parcels_fit(n))
		return -ENOSPC;

	/* All the memory first, so that one LRU drain serves every lend. */
	index = 0;
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		ret = gunyah_parcel_prepare(b);
		if (ret)
			return ret;
	}
	gunyah_parcel_drain_lru();

	ret = gunyah_binding_give_locked(image, 0, image_handle);
	if (ret)
		return ret;
	*image_gpa = image->gfn << PAGE_SHIFT;

	index = 0;
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		ret = gunyah_binding_give_locked(b, b->label, &handle);
		if (ret) {
			dev_info_ratelimited(vm->mgr->dev,
					     "VM %u: parcel of %llu pages at %#llx refused: %d\n",
					     vm->vmid, b->nr, b->gfn << PAGE_SHIFT,
					     ret);
			return ret == -EPERM ? -ENOSPC : ret;
		}
	}
	return 0;
}

/**
 * gunyah_vm_mem_given_pages() - how much memory a VM has been given
 * @vm: the VM, with its lock held
 *
 * Return: the pages of all its parcels, lent or shared.
 */
unsigned long gunyah_vm_mem_given_pages(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0, pages = 0;

	lockdep_assert_held(&vm->lock);
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		down_read(&b->gmem->bindings_lock);
		if (b->parcel)
			pages += b->parcel->nr;
		up_read(&b->gmem->bindings_lock);
	}
	return pages;
}

/**
 * gunyah_vm_mem_read() - copy bound memory the host still owns
 * @vm: the VM, with its lock held
 * @gpa: the first guest address
 * @buf: where the bytes go
 * @len: how many; [@gpa, @gpa + @len) must lie in one binding
 *
 * Reads through the file's page cache; pages never allocated read as
 * zeros, and nothing is allocated.
 *
 * Return: 0, -ENOENT if no binding holds the range, -EBUSY if its memory is
 * given to the VM.
 */
int gunyah_vm_mem_read(struct gunyah_vm *vm, u64 gpa, void *buf, size_t len)
{
	struct gunyah_binding *b;
	struct folio *folio;
	size_t off, chunk;
	pgoff_t idx;
	u64 end;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	b = mtree_load(&vm->mem.bindings, gpa >> PAGE_SHIFT);
	if (!b || check_add_overflow(gpa, (u64)len, &end) ||
	    PFN_UP(end) > gunyah_binding_end(b))
		return -ENOENT;

	down_read(&b->gmem->bindings_lock);
	if (b->parcel) {
		ret = -EBUSY;
		goto out;
	}
	while (len) {
		idx = b->pgoff + (gpa >> PAGE_SHIFT) - b->gfn;
		off = offset_in_page(gpa);
		chunk = min_t(size_t, len, PAGE_SIZE - off);
		folio = filemap_get_folio(b->file->f_mapping, idx);
		if (IS_ERR(folio)) {
			memset(buf, 0, chunk);
		} else {
			memcpy_from_folio(buf, folio,
					  ((idx - folio->index) << PAGE_SHIFT) + off,
					  chunk);
			folio_put(folio);
		}
		buf += chunk;
		gpa += chunk;
		len -= chunk;
	}
out:
	up_read(&b->gmem->bindings_lock);
	return ret;
}

/**
 * gunyah_vm_mem_reclaim_all() - take back everything given to a VM
 * @vm: the VM, with its lock held, after it was reset (or never started)
 *
 * Return: 0, or the error of the first parcel the RM kept; those stay given.
 */
int gunyah_vm_mem_reclaim_all(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0;
	int ret = 0, err;

	lockdep_assert_held(&vm->lock);
	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		err = gunyah_binding_reclaim_locked(b);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/**
 * gunyah_vm_mem_free() - drop a VM's bindings
 * @vm: the VM, being freed, with nothing given any more
 */
void gunyah_vm_mem_free(struct gunyah_vm *vm)
{
	struct gunyah_binding *b;
	unsigned long index = 0;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		if (WARN_ON(b->parcel))
			continue;
		down_write(&b->gmem->bindings_lock);
		mtree_erase(&b->gmem->bindings, b->pgoff);
		up_write(&b->gmem->bindings_lock);
		gunyah_binding_free(b);
	}
	mtree_destroy(&vm->mem.bindings);
}

/* ---- What the guest memory file asks (bindings_lock held) ------------------ */

/**
 * gunyah_gmem_range_lent() - whether a file range is lent to a VM now
 * @gmem: the guest memory, with its bindings_lock held
 * @start: first page
 * @nr: pages
 *
 * Return: true if any page of the range is in a lent parcel.
 */
bool gunyah_gmem_range_lent(struct gunyah_gmem *gmem, pgoff_t start,
			    unsigned long nr)
{
	struct gunyah_binding *b;
	unsigned long index = start;

	mt_for_each(&gmem->bindings, b, index, start + nr - 1)
		if (b->parcel && b->parcel->rm.lend)
			return true;
	return false;
}

/**
 * gunyah_gmem_range_bound() - whether a file range is bound to a VM
 * @gmem: the guest memory, with its bindings_lock held
 * @start: first page
 * @end: first page after the range
 *
 * Return: true if any page of the range is bound.
 */
bool gunyah_gmem_range_bound(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end)
{
	unsigned long index = start;

	return end > start && mt_find(&gmem->bindings, &index, end - 1);
}

static void gunyah_gmem_zero_in_place(struct gunyah_gmem *gmem, pgoff_t start,
				      pgoff_t end)
{
	struct folio *folio;
	pgoff_t idx, last;

	for (idx = start; idx < end; idx = last) {
		folio = filemap_lock_folio(gmem->inode->i_mapping, idx);
		if (IS_ERR(folio)) {
			last = idx + 1;
			continue;
		}
		last = min(end, folio_next_index(folio));
		folio_zero_range(folio, (idx - folio->index) << PAGE_SHIFT,
				 (last - idx) << PAGE_SHIFT);
		folio_unlock(folio);
		folio_put(folio);
	}
}

/**
 * gunyah_gmem_punch_locked() - punch a hole into a guest memory file
 * @gmem: the guest memory, with its bindings_lock held for write
 * @start: first page
 * @end: first page after the hole
 *
 * Memory lent to a VM is reclaimed first (refused while the guest holds
 * it); memory shared with a running VM cannot be taken from it, so it is
 * zeroed in place and freed once reclaimed; everything else is freed.
 *
 * Return: 0, or -EBUSY (nothing is freed) if lent memory could not be
 * reclaimed.
 */
int gunyah_gmem_punch_locked(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	struct gunyah_binding *b;
	unsigned long index = start;
	pgoff_t idx = start, seg_start, seg_end;
	int ret;

	mt_for_each(&gmem->bindings, b, index, end - 1) {
		if (b->parcel && b->parcel->rm.lend) {
			ret = gunyah_parcel_reclaim(b);
			if (ret)
				return ret;
		}
	}

	index = start;
	mt_for_each(&gmem->bindings, b, index, end - 1) {
		if (!b->parcel)
			continue;
		seg_start = max(start, b->pgoff);
		seg_end = min(end, b->pgoff + (pgoff_t)b->nr);
		if (seg_start > idx)
			truncate_inode_pages_range(mapping, (loff_t)idx << PAGE_SHIFT,
						   ((loff_t)seg_start << PAGE_SHIFT) - 1);
		gunyah_gmem_zero_in_place(gmem, seg_start, seg_end);
		idx = seg_end;
	}
	if (end > idx)
		truncate_inode_pages_range(mapping, (loff_t)idx << PAGE_SHIFT,
					   ((loff_t)end << PAGE_SHIFT) - 1);
	return 0;
}

/* ---- debugfs ---------------------------------------------------------- */

/**
 * gunyah_vm_mem_show() - list a VM's bindings and parcels
 * @vm: the VM, with its lock held
 * @s: where to print
 */
void gunyah_vm_mem_show(struct gunyah_vm *vm, struct seq_file *s)
{
	struct gunyah_binding *b;
	unsigned long index = 0;

	mt_for_each(&vm->mem.bindings, b, index, ULONG_MAX) {
		seq_printf(s, "binding gpa %#llx pages %llu offset %#llx %s flags %#x label %u",
			   b->gfn << PAGE_SHIFT, b->nr,
			   (u64)b->pgoff << PAGE_SHIFT,
			   gunyah_binding_lends(b) ? "lend" : "share",
			   b->flags, b->label);
		down_read(&b->gmem->bindings_lock);
		if (b->parcel)
			gunyah_parcel_show(b->parcel, s);
		up_read(&b->gmem->bindings_lock);
		seq_putc(s, '\n');
	}
}
