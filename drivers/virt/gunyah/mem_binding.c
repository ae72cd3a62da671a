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
#include <linux/interval_tree_generic.h>
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

static u64 gunyah_binding_first_gfn(struct gunyah_binding *b)
{
	return b->gfn;
}

static u64 gunyah_binding_last_gfn(struct gunyah_binding *b)
{
	return b->gfn + b->nr - 1;
}

static pgoff_t gunyah_binding_first_pgoff(struct gunyah_binding *b)
{
	return b->pgoff;
}

static pgoff_t gunyah_binding_last_pgoff(struct gunyah_binding *b)
{
	return b->pgoff + (pgoff_t)b->nr - 1;
}

/* The VM's tree (gunyah_vm_tree_*) and the file's (gunyah_file_tree_*). */
INTERVAL_TREE_DEFINE(struct gunyah_binding, vm_node, u64, vm_last,
		     gunyah_binding_first_gfn, gunyah_binding_last_gfn,
		     static, gunyah_vm_tree)
INTERVAL_TREE_DEFINE(struct gunyah_binding, file_node, pgoff_t, file_last,
		     gunyah_binding_first_pgoff, gunyah_binding_last_pgoff,
		     static, gunyah_file_tree)

/* The VM's bindings in guest address order: the first, and the next. */
static struct gunyah_binding *gunyah_vm_first_binding(struct gunyah_vm *vm)
{
	return gunyah_vm_tree_iter_first(&vm->mem.bindings, 0, U64_MAX);
}

static struct gunyah_binding *gunyah_vm_next_binding(struct gunyah_binding *b)
{
	return gunyah_vm_tree_iter_next(b, 0, U64_MAX);
}

/* The VM's binding holding guest page @gfn, if any. */
static struct gunyah_binding *gunyah_vm_binding_at(struct gunyah_vm *vm,
						   u64 gfn)
{
	return gunyah_vm_tree_iter_first(&vm->mem.bindings, gfn, gfn);
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

/* A binding given to a VM that already runs must be announced to it. */
static int gunyah_binding_give_running(struct gunyah_binding *b)
{
	struct gunyah_vm *vm = b->vm;
	u16 vmid = vm->vmid;
	bool given;
	u32 handle;
	int ret;

	/* Its memory first, without the file's lock. */
	WRITE_ONCE(vm->giving, true);
	ret = gunyah_parcel_prepare(b) ?: gunyah_parcel_give(b, b->label, &handle);
	given = !ret;
	if (given)
		ret = gunyah_rm_mem_notify(vm->mgr->rm, handle,
					   GUNYAH_RM_MEM_NOTIFY_SHARED, b->label,
					   1, &vmid);
	WRITE_ONCE(vm->giving, false);
	if (ret && given)
		gunyah_parcel_take_back(b, NULL);
	return ret;
}

/**
 * gunyah_vm_mem_init() - set up a VM's memory state
 * @mem: the VM's memory
 */
void gunyah_vm_mem_init(struct gunyah_vm_mem *mem)
{
	mem->bindings = RB_ROOT_CACHED;
	mem->next_label = 1;
}

/* Whether a binding of the VM has @label (O(bindings), under the VM's lock). */
static bool gunyah_vm_label_used(struct gunyah_vm *vm, u32 label)
{
	struct gunyah_binding *b;

	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b))
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

/* Put a new binding in its file's tree, if its range is inside the file. */
static int gunyah_binding_link_file(struct gunyah_binding *b)
{
	struct gunyah_gmem *gmem = b->gmem;
	int ret = 0;

	/* Truncation changes the size under this lock: the check holds. */
	down_write(&gmem->bindings_lock);
	if (b->pgoff + b->nr > i_size_read(gmem->inode) >> PAGE_SHIFT)
		ret = -EINVAL;
	else if (gunyah_file_tree_iter_first(&gmem->bindings, b->pgoff,
					     gunyah_binding_last_pgoff(b)))
		ret = -EEXIST;
	else
		gunyah_file_tree_insert(b, &gmem->bindings);
	up_write(&gmem->bindings_lock);
	return ret;
}

/* Take a binding out of both trees; the VM's lock is held. */
static void gunyah_binding_unlink(struct gunyah_binding *b)
{
	gunyah_vm_tree_remove(b, &b->vm->mem.bindings);
	down_write(&b->gmem->bindings_lock);
	gunyah_file_tree_remove(b, &b->gmem->bindings);
	up_write(&b->gmem->bindings_lock);
}

/*
 * Whether @b has a parcel. A punch may take it back meanwhile (under the
 * file's lock, which is why it is read under it), but nothing gives one
 * to @b without the VM's lock.
 */
static bool gunyah_binding_given(struct gunyah_binding *b)
{
	bool given;

	down_read(&b->gmem->bindings_lock);
	given = b->parcel;
	up_read(&b->gmem->bindings_lock);
	return given;
}

static int gunyah_vm_bind(struct gunyah_vm *vm, struct file *file,
			  struct gunyah_gmem *gmem, u64 gfn, pgoff_t pgoff,
			  u64 nr, u32 flags)
{
	struct gunyah_binding *b;
	u32 label;
	int ret;

	if (gunyah_vm_tree_iter_first(&vm->mem.bindings, gfn, gfn + nr - 1))
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

	ret = gunyah_binding_link_file(b);
	if (ret)
		goto err_free;
	gunyah_vm_tree_insert(b, &vm->mem.bindings);

	if (vm->state == GUNYAH_VM_RUNNING) {
		ret = gunyah_binding_give_running(b);
		/*
		 * A parcel the RM kept (its reclaim failed too, or the outcome
		 * is unknown) keeps its binding: freeing the binding would
		 * leak the parcel's pages outside the direct map. Teardown, or
		 * the VMM's unmap, takes it back.
		 */
		if (ret && !gunyah_binding_given(b))
			goto err_unlink;
	}
	vm->mem.next_label = label + 1;
	return ret;

err_unlink:
	gunyah_binding_unlink(b);
err_free:
	gunyah_binding_free(b);
	return ret;
}

/*
 * @b loses [@gfn, @end): its front, its back, or its middle, when @back,
 * a copy of it, becomes the binding of what follows. Both trees change
 * (the file's under one hold of its lock, so that the file never sees
 * the range unbound); nothing here allocates, so nothing fails.
 */
static void gunyah_binding_cut(struct gunyah_binding *b,
			       struct gunyah_binding *back, u64 gfn, u64 end)
{
	struct rb_root_cached *file_tree = &b->gmem->bindings;
	u64 b_end = gunyah_binding_end(b);

	gunyah_vm_tree_remove(b, &b->vm->mem.bindings);
	down_write(&b->gmem->bindings_lock);
	gunyah_file_tree_remove(b, file_tree);
	if (back) {
		back->gfn = end;
		back->pgoff = b->pgoff + (end - b->gfn);
		back->nr = b_end - end;
		gunyah_file_tree_insert(back, file_tree);
		b->nr = gfn - b->gfn;
	} else if (gfn == b->gfn) {
		b->pgoff += end - gfn;
		b->gfn = end;
		b->nr = b_end - end;
	} else {
		b->nr = gfn - b->gfn;
	}
	gunyah_file_tree_insert(b, file_tree);
	up_write(&b->gmem->bindings_lock);
	gunyah_vm_tree_insert(b, &b->vm->mem.bindings);
	if (back)
		gunyah_vm_tree_insert(back, &b->vm->mem.bindings);
}

static int gunyah_vm_unbind(struct gunyah_vm *vm, struct file *file,
			    u64 gfn, pgoff_t pgoff, u64 nr, u32 flags)
{
	u64 end = gfn + nr, b_end;
	struct gunyah_binding *b, *back = NULL;
	bool was_given;
	int ret;

	b = gunyah_vm_binding_at(vm, gfn);
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
	 * (Punch hole may have reclaimed it already, under the file's lock.)
	 */
	ret = gunyah_parcel_take_back(b, &was_given);
	if (ret)
		goto err_free_back;

	if (gfn == b->gfn && end == b_end) {
		gunyah_binding_unlink(b);
		gunyah_binding_free(b);
		return 0;
	}

	if (back) {
		get_file(back->file);
		vm->mem.next_label = back->label + 1;
	}
	gunyah_binding_cut(b, back, gfn, end);

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
 * binding; -E2BIG for a binding larger than the host's memory;
 * -EOPNOTSUPP for a lend the kernel cannot do; -EBUSY when the memory a VM
 * has cannot be taken back.
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
	/* All of it is allocated when given: more than the host has never is. */
	if (!(args->flags & GH_MEM_UNMAP) && args->size >> PAGE_SHIFT > totalram_pages())
		return -E2BIG;

	file = fget(args->guest_mem_fd);
	if (!file)
		return -EBADF;
	gmem = gunyah_gmem_from_file(file);
	/* Nor may a 2 MiB folio be part in a binding (or lent), part not. */
	if (!gmem || file_end > i_size_read(gmem->inode) ||
	    (gunyah_gmem_huge(gmem) &&
	     !IS_ALIGNED(args->guest_addr | args->offset | args->size, SZ_2M))) {
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
	b = gunyah_vm_binding_at(vm, arg->guest_addr >> PAGE_SHIFT);
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
	unsigned long n = 0;
	u32 handle;
	int ret;

	lockdep_assert_held(&vm->lock);
	image = gunyah_vm_binding_at(vm, dtb_gfn);
	if (!image || dtb_end > gunyah_binding_end(image)) {
		dev_dbg(vm->mgr->dev, "no binding holds the devicetree\n");
		return -EINVAL;
	}
	/* The RM takes the image only lent, with full rights. */
	if (!gunyah_binding_lends(image) ||
	    (image->flags & GH_MEM_ALLOW_RWX) != GH_MEM_ALLOW_RWX)
		return -EINVAL;

	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b))
		n++;
	if (!gunyah_parcels_fit(n))
		return -ENOSPC;

	/* All the memory first, so that one LRU drain serves every lend. */
	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b)) {
		ret = gunyah_parcel_prepare(b);
		if (ret)
			return ret;
	}
	gunyah_parcel_drain_lru();

	ret = gunyah_parcel_give(image, 0, image_handle);
	if (ret)
		return ret;
	*image_gpa = image->gfn << PAGE_SHIFT;

	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b)) {
		ret = gunyah_parcel_give(b, b->label, &handle);
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
	unsigned long pages = 0;

	lockdep_assert_held(&vm->lock);
	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b)) {
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
	b = gunyah_vm_binding_at(vm, gpa >> PAGE_SHIFT);
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
	int ret = 0, err;

	lockdep_assert_held(&vm->lock);
	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b)) {
		err = gunyah_parcel_take_back(b, NULL);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/**
 * gunyah_vm_mem_free() - drop a VM's bindings
 * @vm: the VM, being freed, with nothing given any more
 *
 * A binding whose parcel is still given (a kernel bug: teardown keeps a
 * VM the RM did not give everything back to) is not freed but left in its
 * file without its VM, holding the file and the parcel's pages for good.
 */
void gunyah_vm_mem_free(struct gunyah_vm *vm)
{
	struct gunyah_binding *b, *next;

	for (b = gunyah_vm_first_binding(vm); b; b = next) {
		next = gunyah_vm_next_binding(b);
		gunyah_vm_tree_remove(b, &vm->mem.bindings);
		down_write(&b->gmem->bindings_lock);
		if (WARN_ON_ONCE(b->parcel)) {
			b->vm = NULL;
			up_write(&b->gmem->bindings_lock);
			continue;
		}
		gunyah_file_tree_remove(b, &b->gmem->bindings);
		up_write(&b->gmem->bindings_lock);
		gunyah_binding_free(b);
	}
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
	pgoff_t last = start + nr - 1;
	struct gunyah_binding *b;

	for (b = gunyah_file_tree_iter_first(&gmem->bindings, start, last); b;
	     b = gunyah_file_tree_iter_next(b, start, last))
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
	return end > start &&
	       gunyah_file_tree_iter_first(&gmem->bindings, start, end - 1);
}

/**
 * gunyah_gmem_punch_locked() - punch a hole into a guest memory file
 * @gmem: the guest memory, with its bindings_lock held for write
 * @start: first page
 * @end: first page after the hole
 *
 * Memory lent to a VM is reclaimed first, whole parcels (refused while
 * the guest holds it); what remains of those bindings stays with the host.
 * Memory shared with a VM cannot be taken from it, so it is zeroed in
 * place, and its pages stay. Everything else is freed.
 *
 * Return: 0, or -EBUSY (nothing is freed) if lent memory could not be
 * reclaimed, or memory in the range is being given or taken back.
 */
int gunyah_gmem_punch_locked(struct gunyah_gmem *gmem, pgoff_t start,
			     pgoff_t end)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	pgoff_t idx = start, last = end - 1, seg_start, seg_end;
	struct gunyah_binding *b;
	int ret;

	for (b = gunyah_file_tree_iter_first(&gmem->bindings, start, last); b;
	     b = gunyah_file_tree_iter_next(b, start, last)) {
		/* Being given or taken back: the RM's answer decides. */
		if (b->parcel && b->parcel->busy)
			return -EBUSY;
		if (b->parcel && b->parcel->rm.lend) {
			ret = gunyah_parcel_reclaim(b);
			if (ret)
				return ret;
		}
	}

	for (b = gunyah_file_tree_iter_first(&gmem->bindings, start, last); b;
	     b = gunyah_file_tree_iter_next(b, start, last)) {
		if (!b->parcel)
			continue;
		seg_start = max(start, b->pgoff);
		seg_end = min(end, b->pgoff + (pgoff_t)b->nr);
		if (seg_start > idx)
			truncate_inode_pages_range(mapping, (loff_t)idx << PAGE_SHIFT,
						   ((loff_t)seg_start << PAGE_SHIFT) - 1);
		gunyah_gmem_zero_range(gmem, seg_start, seg_end);
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

	for (b = gunyah_vm_first_binding(vm); b; b = gunyah_vm_next_binding(b)) {
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
