/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Userspace interface of the Gunyah hypervisor VM manager (/dev/gunyah).
 *
 * Ioctl numbers, structure layouts and flag values are those of the last
 * Gunyah VM manager interface posted upstream, so VMMs written against it
 * run unchanged; only the names differ (GH_ instead of GUNYAH_). Reserved
 * fields must be zero and unknown flags are refused with EINVAL.
 * Documentation/virt/gunyah/vm-manager.rst describes the whole interface.
 */
#ifndef _UAPI_LINUX_GUNYAH_H
#define _UAPI_LINUX_GUNYAH_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl type of /dev/gunyah and of the fds it returns */
#define GH_IOCTL_TYPE			'G'

/*
 * ioctls for /dev/gunyah
 */

/**
 * enum gh_vm_type - the kinds of VM GH_CREATE_VM can create
 * @GH_VM_TYPE_DEFAULT: an unauthenticated VM whose vCPUs the host schedules
 */
enum gh_vm_type {
	GH_VM_TYPE_DEFAULT = 0,
};

/*
 * GH_CREATE_VM - create a VM; the argument is an &enum gh_vm_type.
 * Returns a new VM fd (close-on-exec).
 */
#define GH_CREATE_VM			_IO(GH_IOCTL_TYPE, 0x0)

/**
 * enum gh_extension - what GH_CHECK_EXTENSION can be asked about
 * @GH_CAP_VM_TYPES: a bit mask of the &enum gh_vm_type values GH_CREATE_VM
 *	accepts (bit N set: type N is supported)
 * @GH_CAP_MEM_LEND: 1 if guest memory can be lent (the host loses access);
 *	0 if the kernel cannot remove pages from its direct map (booted
 *	without rodata=full)
 * @GH_CAP_MEM_SHARE: 1 if guest memory can be shared with the host
 * @GH_CAP_HUGEPAGES: 1 if guest memory files honour GHMF_ALLOW_HUGEPAGE
 * @GH_CAP_BOOT_CONTEXT: 1 if the Resource Manager implements
 *	GH_VM_SET_BOOT_CONTEXT (probed when the driver starts)
 * @GH_CAP_DEMAND_PAGING: 1 if guest memory can be provided on demand as
 *	the guest faults on it; this driver always gives all memory before
 *	the VM starts and answers 0
 */
enum gh_extension {
	GH_CAP_VM_TYPES		= 0,
	GH_CAP_MEM_LEND		= 1,
	GH_CAP_MEM_SHARE	= 2,
	GH_CAP_HUGEPAGES	= 3,
	GH_CAP_BOOT_CONTEXT	= 4,
	GH_CAP_DEMAND_PAGING	= 5,
};

/*
 * GH_CHECK_EXTENSION - ask whether a feature is available; the argument is
 * an &enum gh_extension. Works on /dev/gunyah and on a VM fd. Returns the
 * value the extension documents; 0 (not available) for extensions this
 * kernel does not know.
 */
#define GH_CHECK_EXTENSION		_IO(GH_IOCTL_TYPE, 0xb)

/**
 * enum gh_mem_flags - flags of &struct gh_create_mem_args
 * @GHMF_CLOEXEC: the new fd is close-on-exec
 * @GHMF_ALLOW_HUGEPAGE: back the file with 2 MiB folios (see
 *	%GH_CAP_HUGEPAGES): every 2 MiB-aligned 2 MiB range inside the file
 *	is one 2 MiB folio, however it is allocated, unless the kernel has
 *	no free 2 MiB block then. Bindings of such a file must be 2 MiB
 *	aligned (&struct gh_map_mem_args).
 */
enum gh_mem_flags {
	GHMF_CLOEXEC		= 1UL << 0,
	GHMF_ALLOW_HUGEPAGE	= 1UL << 1,
};

/**
 * struct gh_create_mem_args - create a guest memory file
 * @flags: &enum gh_mem_flags
 * @size: size of the file in bytes; page-aligned, not zero
 * @reserved: must be zero
 *
 * The file holds guest memory: its pages can be bound to VMs with
 * GH_VM_MAP_MEM, mapped MAP_SHARED by the host while they are not lent,
 * allocated and freed with fallocate() and resized with ftruncate(). It
 * cannot be read or written with read() and write(). A hole punched past
 * the end of the file (FALLOC_FL_PUNCH_HOLE) punches nothing there and
 * succeeds, as on shmem.
 */
struct gh_create_mem_args {
	__u64 flags;
	__u64 size;
	__u64 reserved[6];
};

/*
 * GH_CREATE_GUEST_MEM - create a guest memory file. Returns its fd.
 */
#define GH_CREATE_GUEST_MEM		_IOW(GH_IOCTL_TYPE, 0x8, struct gh_create_mem_args)

/*
 * ioctls for a VM fd
 */

/**
 * struct gh_vm_dtb_config - where the VM's devicetree is
 * @guest_phys_addr: guest address of the devicetree; page-aligned
 * @size: bytes reserved for it, including room for the Resource Manager's
 *	overlay (it patches the devicetree in place); page-aligned, not zero
 *
 * At GH_VM_START the range must lie inside one memory binding; that
 * binding is lent to the VM as its image.
 */
struct gh_vm_dtb_config {
	__u64 guest_phys_addr;
	__u64 size;
};

#define GH_VM_SET_DTB_CONFIG		_IOW(GH_IOCTL_TYPE, 0x2, struct gh_vm_dtb_config)

/*
 * GH_VM_START - give the VM its memory and start it. Idempotent: 0 if the
 * VM already runs; -ESRCH once its guest has exited (powered off, reset or
 * crashed): a VM is started once, a new guest needs a new VM.
 */
#define GH_VM_START			_IO(GH_IOCTL_TYPE, 0x3)

/**
 * enum gh_fn_type - functions that can be added to a VM
 * @GH_FN_VCPU: a virtual CPU; &struct gh_fn_vcpu_arg
 * @GH_FN_IRQFD: an eventfd that interrupts the guest
 * @GH_FN_IOEVENTFD: an eventfd signalled by guest MMIO writes
 */
enum gh_fn_type {
	GH_FN_VCPU = 1,
	GH_FN_IRQFD,
	GH_FN_IOEVENTFD,
};

#define GH_FN_MAX_ARG_SIZE		256

/**
 * struct gh_fn_desc - a function to add to or remove from a VM
 * @type: an &enum gh_fn_type
 * @arg_size: bytes at @arg; at most %GH_FN_MAX_ARG_SIZE
 * @arg: address of the function's argument structure
 */
struct gh_fn_desc {
	__u32 type;
	__u32 arg_size;
	__u64 arg;
};

#define GH_VM_ADD_FUNCTION		_IOW(GH_IOCTL_TYPE, 0x4, struct gh_fn_desc)
#define GH_VM_REMOVE_FUNCTION		_IOW(GH_IOCTL_TYPE, 0x7, struct gh_fn_desc)

/**
 * struct gh_fn_vcpu_arg - argument of a %GH_FN_VCPU function
 * @id: the vCPU's index, as the guest devicetree's cpu nodes count them
 *
 * Adding it returns a vCPU fd; removing needs the same id. A VM has at
 * most 256 vCPUs (-ENOSPC).
 */
struct gh_fn_vcpu_arg {
	__u32 id;
};

/* The irqfd's interrupt is level triggered: it stays asserted until the
 * guest acknowledges it.
 */
#define GH_IRQFD_FLAGS_LEVEL		(1UL << 0)

/**
 * struct gh_fn_irqfd_arg - argument of a %GH_FN_IRQFD function
 * @fd: an eventfd; signalling it interrupts the guest
 * @label: the label of the doorbell in the guest devicetree
 * @flags: %GH_IRQFD_FLAGS_LEVEL
 * @padding: must be zero
 *
 * One irqfd per label; a VM has at most 1024 (-ENOSPC). A signal before
 * the VM starts rings the doorbell once it has started.
 */
struct gh_fn_irqfd_arg {
	__u32 fd;
	__u32 label;
	__u32 flags;
	__u32 padding;
};

/* Signal the eventfd only when the written value equals datamatch. */
#define GH_IOEVENTFD_FLAGS_DATAMATCH	(1UL << 0)

/**
 * struct gh_fn_ioeventfd_arg - argument of a %GH_FN_IOEVENTFD function
 * @datamatch: with %GH_IOEVENTFD_FLAGS_DATAMATCH, the value to match
 * @addr: guest address of the MMIO write
 * @len: its length: 1, 2, 4 or 8, or 0 for any
 * @fd: an eventfd signalled by matching writes, without an exit to
 *	userspace
 * @flags: %GH_IOEVENTFD_FLAGS_DATAMATCH
 * @padding: must be zero
 *
 * A write matches only an ioeventfd at exactly its address: the one
 * without datamatch, else the one whose @datamatch is the value, if the
 * length is @len (or @len is 0). Ranges overlapping at other addresses may
 * coexist; at one address, either one ioeventfd without datamatch or any
 * number with different values (anything else is -EEXIST). A VM has at
 * most 1024 (-ENOSPC).
 */
struct gh_fn_ioeventfd_arg {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u32 padding;
};

/**
 * enum gh_map_flags - flags of &struct gh_map_mem_args
 * @GH_MEM_DEFAULT_ACCESS: lend if the kernel can take the pages out of its
 *	direct map (%GH_CAP_MEM_LEND), share otherwise
 * @GH_MEM_FORCE_LEND: lend: only the guest can access the memory while the
 *	VM has it
 * @GH_MEM_FORCE_SHARE: share: the host keeps access
 * @GH_MEM_ALLOW_READ: the guest may read
 * @GH_MEM_ALLOW_WRITE: the guest may write
 * @GH_MEM_ALLOW_EXEC: the guest may execute
 * @GH_MEM_UNMAP: remove (part of) a binding instead of adding one
 */
enum gh_map_flags {
	GH_MEM_DEFAULT_ACCESS	= 0x0,
	GH_MEM_FORCE_LEND	= 0x1,
	GH_MEM_FORCE_SHARE	= 0x2,
	GH_MEM_ALLOW_READ	= 1UL << 4,
	GH_MEM_ALLOW_WRITE	= 1UL << 5,
	GH_MEM_ALLOW_EXEC	= 1UL << 6,
	GH_MEM_UNMAP		= 1UL << 8,
};

#define GH_MEM_ACCESS_MASK	0x7
#define GH_MEM_ALLOW_RWX	(GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC)

/**
 * struct gh_map_mem_args - bind guest memory to guest addresses
 * @guest_addr: first guest address; page-aligned
 * @flags: &enum gh_map_flags: one access value, at least one of R/W/X, and
 *	%GH_MEM_UNMAP to remove rather than add
 * @guest_mem_fd: a file from GH_CREATE_GUEST_MEM
 * @offset: offset in the file; page-aligned
 * @size: bytes; page-aligned, not zero, inside the file, and no more than
 *	the host's memory (-E2BIG: all of it is allocated when it is given)
 *
 * For a file made with %GHMF_ALLOW_HUGEPAGE (when %GH_CAP_HUGEPAGES is 1),
 * @guest_addr, @offset and @size must be 2 MiB-aligned, also to remove a
 * binding: -EINVAL otherwise. No 2 MiB folio is then ever part lent, part
 * not.
 *
 * A binding may not overlap another of the VM in guest addresses, nor any
 * binding of any VM in file offsets. Removing needs the same flags, file
 * and address-to-offset relation; it may take the whole binding, its front,
 * its back or a piece in the middle (which splits it in two).
 */
struct gh_map_mem_args {
	__u64 guest_addr;
	__u32 flags;
	__u32 guest_mem_fd;
	__u64 offset;
	__u64 size;
};

#define GH_VM_MAP_MEM			_IOW(GH_IOCTL_TYPE, 0x9, struct gh_map_mem_args)

/**
 * struct gh_mem_label - the label of a binding's memory parcel
 * @guest_addr: first guest address of the binding
 * @label: the label; never 0, which names the VM's image (the binding
 *	that holds the devicetree)
 * @reserved: must be zero
 *
 * The guest devicetree names shared memory by the label of the parcel that
 * carries it. Each binding is given as one parcel. Unless set, the Nth
 * binding the VM gets has label N: failed GH_VM_MAP_MEM calls take no
 * number, the piece after a hole an unmap cut takes the next one, numbers
 * set by GH_VM_SET_MEM_LABEL are skipped, and the count never wraps
 * (-ENOSPC). The binding holding the devicetree is given with label 0, and
 * GH_VM_GET_MEM_LABEL reads 0 for it. Setting a label another binding has
 * is -EEXIST.
 */
struct gh_mem_label {
	__u64 guest_addr;
	__u32 label;
	__u32 reserved;
};

/* GH_VM_SET_MEM_LABEL - choose a binding's label before the VM starts */
#define GH_VM_SET_MEM_LABEL		_IOW(GH_IOCTL_TYPE, 0xc, struct gh_mem_label)
/* GH_VM_GET_MEM_LABEL - read a binding's label */
#define GH_VM_GET_MEM_LABEL		_IOWR(GH_IOCTL_TYPE, 0xd, struct gh_mem_label)

/*
 * ioctls for a vCPU fd
 */

/**
 * enum gh_vm_status - why a VM stopped, in a %GH_VCPU_EXIT_STATUS exit
 * @GH_VM_STATUS_LOAD_FAILED: the VM could not be loaded
 * @GH_VM_STATUS_EXITED: the VM exited (the guest powered off or reset)
 * @GH_VM_STATUS_CRASHED: the VM crashed
 */
enum gh_vm_status {
	GH_VM_STATUS_LOAD_FAILED	= 1,
	GH_VM_STATUS_EXITED		= 2,
	GH_VM_STATUS_CRASHED		= 3,
};

#define GH_VM_MAX_EXIT_REASON_SIZE	8u

/**
 * struct gh_vm_exit_info - how a VM exited
 * @type: the Resource Manager's exit type
 * @padding: zero
 * @reason_size: bytes of @reason the Resource Manager gave
 * @reason: the exit reason, not interpreted by the kernel
 */
struct gh_vm_exit_info {
	__u16 type;
	__u16 padding;
	__u32 reason_size;
	__u8 reason[GH_VM_MAX_EXIT_REASON_SIZE];
};

/**
 * enum gh_vcpu_exit - why GH_VCPU_RUN returned to userspace
 * @GH_VCPU_EXIT_UNKNOWN: nothing for userspace to do; run again
 * @GH_VCPU_EXIT_MMIO: the guest accessed an address no one emulates in the
 *	kernel; see &gh_vcpu_run.mmio
 * @GH_VCPU_EXIT_STATUS: the VM stopped; see &gh_vcpu_run.status
 * @GH_VCPU_EXIT_PAGE_FAULT: the guest faulted on memory; see
 *	&gh_vcpu_run.page_fault. Kept for binary compatibility: never
 *	produced on a hypervisor without demand paging (the public one), as
 *	the driver gives all guest memory before the guest runs.
 */
enum gh_vcpu_exit {
	GH_VCPU_EXIT_UNKNOWN,
	GH_VCPU_EXIT_MMIO,
	GH_VCPU_EXIT_STATUS,
	GH_VCPU_EXIT_PAGE_FAULT,
};

/**
 * enum gh_vcpu_resume_action - what userspace did with an exit
 * @GH_VCPU_RESUME_HANDLED: emulated (for an MMIO read, the data is in
 *	&gh_vcpu_run.mmio.data)
 * @GH_VCPU_RESUME_FAULT: inject a fault into the guest instead
 * @GH_VCPU_RESUME_RETRY: retry the access
 */
enum gh_vcpu_resume_action {
	GH_VCPU_RESUME_HANDLED = 0,
	GH_VCPU_RESUME_FAULT,
	GH_VCPU_RESUME_RETRY,
};

/**
 * struct gh_vcpu_run - the vCPU's run structure, shared by mmap of the vCPU
 *	fd (%GH_VCPU_MMAP_SIZE bytes)
 * @immediate_exit: set by userspace: GH_VCPU_RUN returns EINTR at once
 * @padding: unused
 * @exit_reason: an &enum gh_vcpu_exit, set by the kernel
 * @padding2: unused
 * @mmio: for %GH_VCPU_EXIT_MMIO
 * @mmio.phys_addr: guest address accessed
 * @mmio.data: the value written, or for a read the value to return
 * @mmio.len: bytes accessed, 1 to 8
 * @mmio.is_write: the access was a write
 * @mmio.resume_action: an &enum gh_vcpu_resume_action, set by userspace
 * @status: for %GH_VCPU_EXIT_STATUS
 * @status.status: an &enum gh_vm_status
 * @status.exit_info: how the VM exited
 * @page_fault: for %GH_VCPU_EXIT_PAGE_FAULT
 * @page_fault.phys_addr: guest address of the fault
 * @page_fault.attempt: the kernel's errno trying to resolve it
 * @page_fault.resume_action: an &enum gh_vcpu_resume_action
 */
struct gh_vcpu_run {
	__u8 immediate_exit;
	__u8 padding[7];

	__u32 exit_reason;
	__u32 padding2;

	union {
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;
			__u8  is_write;
			__u8  resume_action;
			__u8  padding[2];
		} mmio;

		struct {
			__u32 status;
			struct gh_vm_exit_info exit_info;
		} status;

		struct {
			__u64 phys_addr;
			__s32 attempt;
			__u8  resume_action;
			__u8  padding[3];
		} page_fault;
	};
};

#define GH_VCPU_RUN			_IO(GH_IOCTL_TYPE, 0x5)
#define GH_VCPU_MMAP_SIZE		_IO(GH_IOCTL_TYPE, 0x6)

/**
 * enum gh_vm_boot_context_reg - register sets GH_VM_SET_BOOT_CONTEXT sets
 * @GH_VM_BOOT_REG_SET_X: general purpose registers X0..X31 (index 0 to 31)
 * @GH_VM_BOOT_REG_SET_PC: the program counter (index 0)
 * @GH_VM_BOOT_REG_SET_SP: the stack pointers SP_EL0 and SP_EL1 (index 0, 1)
 */
enum gh_vm_boot_context_reg {
	GH_VM_BOOT_REG_SET_X = 0,
	GH_VM_BOOT_REG_SET_PC = 1,
	GH_VM_BOOT_REG_SET_SP = 2,
};

#define GH_VM_BOOT_CONTEXT_REG_SHIFT	8
#define GH_VM_BOOT_CONTEXT_REG(reg, idx) \
	(((reg) << GH_VM_BOOT_CONTEXT_REG_SHIFT) | (idx))

/**
 * struct gh_vm_boot_context - the initial value of a boot vCPU register
 * @reg: GH_VM_BOOT_CONTEXT_REG() of an &enum gh_vm_boot_context_reg and the
 *	register's index
 * @reserved: must be zero
 * @value: the value
 *
 * Kept until GH_VM_START and applied there. If the Resource Manager does
 * not implement boot contexts (see %GH_CAP_BOOT_CONTEXT), GH_VM_START fails
 * with EOPNOTSUPP rather than ignoring it.
 */
struct gh_vm_boot_context {
	__u32 reg;
	__u32 reserved;
	__u64 value;
};

#define GH_VM_SET_BOOT_CONTEXT		_IOW(GH_IOCTL_TYPE, 0xa, struct gh_vm_boot_context)

#endif /* _UAPI_LINUX_GUNYAH_H */
