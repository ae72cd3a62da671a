// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory files (GH_CREATE_GUEST_MEM): the life of the file.
 *
 * Created with a size and flags, a guest memory file is a page-cache file
 * of its own inode; its folios (gmem_folio.c) are unmovable, unevictable,
 * zeroed when new and charged to the memcg of the task that created it.
 * The host may map it MAP_SHARED; a host fault on a page that is lent to a
 * guest gets SIGBUS, and so does one on a page whose 2 MiB folio has a
 * lent page. fallocate() allocates, or punches a hole: a hole in,
 * or a truncation of, a range bound to a VM goes through the bindings'
 * reclaim path (mem_binding.c) first. The file goes away with its last
 * reference; bindings hold one.
 *
 * Locking: @bindings_lock (per file) protects the file-offset tree of
 * bindings and each binding's given/lent state. The fault handler, punch
 * hole and truncate take it, inside the mapping's invalidate_lock (shared
 * for the fault, which fallocate's allocation also takes shared, so no
 * folio is added past a truncation); the bindings take it after the VM's
 * lock.
 */

#define pr_fmt(fmt) "gunyah: " fmt

#include <linux/anon_inodes.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "gmem.h"
#include "mem_binding.h"

static const struct inode_operations gunyah_gmem_iops;

static struct gunyah_gmem *gunyah_gmem_of(struct inode *inode)
{
	return inode->i_private;
}

static vm_fault_t gunyah_gmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	struct gunyah_gmem *gmem = gunyah_gmem_of(inode);
	struct folio *folio;
	vm_fault_t ret;

	/* As filemap_fault(): no truncate or punch while we add folios. */
	filemap_invalidate_lock_shared(inode->i_mapping);
	if (vmf->pgoff >= DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE)) {
		ret = VM_FAULT_SIGBUS;
		goto out_unlock;
	}

	/* Keep the range from being lent while we map it. */
	down_read(&gmem->bindings_lock);
	if (gunyah_gmem_range_lent(gmem, vmf->pgoff, 1)) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}

	folio = gunyah_gmem_grab_folio(gmem, vmf->pgoff);
	if (IS_ERR(folio)) {
		ret = vmf_error(PTR_ERR(folio));
		goto out;
	}
	/*
	 * The fault may map the whole folio (a PMD for 2 MiB): none of it
	 * may be lent. Bindings of huge-page files are aligned to 2 MiB, so
	 * this only refuses what the check above refused already.
	 */
	if (folio_test_large(folio) &&
	    gunyah_gmem_range_lent(gmem, folio->index, folio_nr_pages(folio))) {
		folio_unlock(folio);
		folio_put(folio);
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	vmf->page = folio_file_page(folio, vmf->pgoff);
	ret = VM_FAULT_LOCKED;
out:
	up_read(&gmem->bindings_lock);
out_unlock:
	filemap_invalidate_unlock_shared(inode->i_mapping);
	return ret;
}

static const struct vm_operations_struct gunyah_gmem_vm_ops = {
	.fault = gunyah_gmem_fault,
};

static int gunyah_gmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* A private mapping would copy guest memory on write. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	file_accessed(file);
	vm_flags_set(vma, VM_DONTDUMP);
	vma->vm_ops = &gunyah_gmem_vm_ops;
	return 0;
}

static long gunyah_gmem_allocate(struct gunyah_gmem *gmem, pgoff_t start,
				 pgoff_t end)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	long ret = -EINVAL;

	filemap_invalidate_lock_shared(mapping);
	if (end <= i_size_read(gmem->inode) >> PAGE_SHIFT)
		ret = gunyah_gmem_populate(gmem, start, end);
	filemap_invalidate_unlock_shared(mapping);
	return ret;
}

static long gunyah_gmem_punch_hole(struct gunyah_gmem *gmem, loff_t offset,
				   loff_t len)
{
	struct address_space *mapping = gmem->inode->i_mapping;
	long ret;

	filemap_invalidate_lock(mapping);
	down_write(&gmem->bindings_lock);
	ret = gunyah_gmem_punch_locked(gmem, offset >> PAGE_SHIFT,
				       (offset + len) >> PAGE_SHIFT);
	up_write(&gmem->bindings_lock);
	filemap_invalidate_unlock(mapping);
	return ret;
}

static long gunyah_gmem_fallocate(struct file *file, int mode, loff_t offset,
				  loff_t len)
{
	struct gunyah_gmem *gmem = gunyah_gmem_of(file_inode(file));
	loff_t end;

	if (!(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len) || !len)
		return -EINVAL;
	if (check_add_overflow(offset, len, &end))
		return -EINVAL;

	if (mode & FALLOC_FL_PUNCH_HOLE) {
		/* As on shmem and KVM's guest_memfd: past the end, nothing. */
		end = min(end, i_size_read(file_inode(file)));
		if (offset >= end)
			return 0;
		return gunyah_gmem_punch_hole(gmem, offset, end - offset);
	}
	if (end > i_size_read(file_inode(file)))
		return -EINVAL;
	return gunyah_gmem_allocate(gmem, offset >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

static int gunyah_gmem_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
			       struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct gunyah_gmem *gmem = gunyah_gmem_of(inode);
	loff_t old = i_size_read(inode);
	int ret;

	if (attr->ia_valid & ~(ATTR_SIZE | ATTR_MTIME | ATTR_CTIME | ATTR_FILE))
		return -EINVAL;
	if (!(attr->ia_valid & ATTR_SIZE))
		return 0;
	if (!attr->ia_size || !PAGE_ALIGNED(attr->ia_size))
		return -EINVAL;

	filemap_invalidate_lock(inode->i_mapping);
	down_write(&gmem->bindings_lock);
	/* A binding refers to its file range: that range cannot go away. */
	if (attr->ia_size < old &&
	    gunyah_gmem_range_bound(gmem, attr->ia_size >> PAGE_SHIFT,
				    old >> PAGE_SHIFT)) {
		ret = -EBUSY;
	} else {
		truncate_setsize(inode, attr->ia_size);
		ret = 0;
	}
	up_write(&gmem->bindings_lock);
	filemap_invalidate_unlock(inode->i_mapping);
	return ret;
}

static int gunyah_gmem_release(struct inode *inode, struct file *file)
{
	struct gunyah_gmem *gmem = gunyah_gmem_of(inode);

	/* Bindings and mappings hold the file: none is left now. */
	WARN_ON(!RB_EMPTY_ROOT(&gmem->bindings.rb_root));
	mem_cgroup_put(gmem->memcg);
	kfree(gmem);
	return 0;
}

static const struct file_operations gunyah_gmem_fops = {
	.owner		= THIS_MODULE,
	.mmap		= gunyah_gmem_mmap,
	.fallocate	= gunyah_gmem_fallocate,
	.release	= gunyah_gmem_release,
	.llseek		= noop_llseek,
};

static const struct inode_operations gunyah_gmem_iops = {
	.getattr	= simple_getattr,
	.setattr	= gunyah_gmem_setattr,
};

/**
 * gunyah_gmem_create() - GH_CREATE_GUEST_MEM
 * @args: the request, copied from userspace
 *
 * Return: a new fd or a negative errno: -EINVAL for unknown flags, non-zero
 * reserved fields, or a size that is zero, not page-aligned or too large.
 */
long gunyah_gmem_create(const struct gh_create_mem_args *args)
{
	struct gunyah_gmem *gmem;
	struct inode *inode;
	struct file *file;
	int fd, ret, i;

	if (args->flags & ~(u64)(GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(args->reserved); i++)
		if (args->reserved[i])
			return -EINVAL;
	if (!args->size || !PAGE_ALIGNED(args->size) || args->size > MAX_LFS_FILESIZE)
		return -EINVAL;

	gmem = kzalloc(sizeof(*gmem), GFP_KERNEL_ACCOUNT);
	if (!gmem)
		return -ENOMEM;
	gmem->flags = args->flags;
	gmem->memcg = get_mem_cgroup_from_mm(current->mm);
	init_rwsem(&gmem->bindings_lock);
	gmem->bindings = RB_ROOT_CACHED;

	fd = get_unused_fd_flags(args->flags & GHMF_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0) {
		ret = fd;
		goto err_free;
	}

	file = anon_inode_create_getfile("[gh-gmem]", &gunyah_gmem_fops, gmem,
					 O_RDWR, NULL);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	inode = file_inode(file);
	gmem->inode = inode;
	inode->i_private = gmem;
	inode->i_op = &gunyah_gmem_iops;
	inode->i_mode |= S_IFREG;
	inode->i_size = args->size;
	inode->i_mapping->a_ops = &gunyah_gmem_aops;
	/*
	 * Not movable (no __GFP_MOVABLE). Adding a folio to the page cache
	 * charges it to the active memcg: the creator's, see
	 * gunyah_gmem_populate().
	 */
	mapping_set_gfp_mask(inode->i_mapping, GFP_HIGHUSER);
	mapping_set_unevictable(inode->i_mapping);
	if (args->flags & GHMF_ALLOW_HUGEPAGE)
		mapping_set_large_folios(inode->i_mapping);
	file->f_flags |= O_LARGEFILE;

	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_free:
	mem_cgroup_put(gmem->memcg);
	kfree(gmem);
	return ret;
}
