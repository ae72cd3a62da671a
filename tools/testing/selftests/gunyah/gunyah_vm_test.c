// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM fd: creation, capability queries, configuration ioctls with their
 * bad inputs, and the lifecycle against the Resource Manager.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

FIXTURE(vm) {
	int dev;
	int vm;
};

FIXTURE_SETUP(vm)
{
	self->vm = -1;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	self->vm = ioctl(self->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	ASSERT_GE(self->vm, 0) TH_LOG("GH_CREATE_VM: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vm)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(vm, create_vm_types)
{
	int fd;

	EXPECT_EQ(-1, ioctl(self->dev, GH_CREATE_VM, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->dev, GH_CREATE_VM, ~0UL));
	EXPECT_EQ(EINVAL, errno);
	/* The VM fd is close-on-exec. */
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->vm, F_GETFD) & FD_CLOEXEC);
	/* Many VMs can exist at once. */
	fd = ioctl(self->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	ASSERT_GE(fd, 0);
	EXPECT_NE(gh_vm_debugfs_id(fd), gh_vm_debugfs_id(self->vm));
	close(fd);
}

TEST_F(vm, ioctls_on_the_wrong_fd)
{
	/* VM ioctls on /dev/gunyah, and /dev/gunyah's on a VM fd. */
	EXPECT_EQ(-1, ioctl(self->dev, GH_VM_START, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, GH_CREATE_VM, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, GH_CREATE_GUEST_MEM, NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vm, _IO(GH_IOCTL_TYPE, 0xf), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(vm, check_extension)
{
	int fd;

	for (fd = self->dev; ; fd = self->vm) {
		EXPECT_EQ(1 << GH_VM_TYPE_DEFAULT,
			  ioctl(fd, GH_CHECK_EXTENSION, GH_CAP_VM_TYPES));
		EXPECT_EQ(1, ioctl(fd, GH_CHECK_EXTENSION, GH_CAP_MEM_SHARE));
		/* The test kernel boots with rodata=full. */
		EXPECT_EQ(1, ioctl(fd, GH_CHECK_EXTENSION, GH_CAP_MEM_LEND));
		/* The simulated RM, like the public one, has no boot context. */
		EXPECT_EQ(0, ioctl(fd, GH_CHECK_EXTENSION, GH_CAP_BOOT_CONTEXT));
		EXPECT_EQ(0, ioctl(fd, GH_CHECK_EXTENSION, GH_CAP_DEMAND_PAGING));
		EXPECT_EQ(0, ioctl(fd, GH_CHECK_EXTENSION, 12345));
		if (fd == self->vm)
			break;
	}
}

TEST_F(vm, dtb_config)
{
	struct gh_vm_dtb_config c = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };

	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, NULL));
	EXPECT_EQ(EFAULT, errno);
	c.size = 0;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &c));
	EXPECT_EQ(EINVAL, errno);
	c.size = 100;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &c));
	EXPECT_EQ(EINVAL, errno);
	c.size = SZ_64K;
	c.guest_phys_addr = GH_GUEST_BASE + 8;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &c));
	EXPECT_EQ(EINVAL, errno);
	c.guest_phys_addr = ~0ULL & ~(SZ_4K - 1);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &c));
	EXPECT_EQ(EOVERFLOW, errno);
	c.guest_phys_addr = GH_GUEST_BASE;
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &c));
}

TEST_F(vm, boot_context)
{
	struct gh_vm_boot_context c = {
		.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 0),
		.value = 0x1234,
	};
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };

	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, NULL));
	EXPECT_EQ(EFAULT, errno);
	c.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.reserved = 0;
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 31);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_PC, 1);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_SP, 2);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.reg = GH_VM_BOOT_CONTEXT_REG(3, 0);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	EXPECT_EQ(EINVAL, errno);

	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 30);
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_PC, 0);
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_SP, 1);
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));

	/* Not silently dropped: start says the RM cannot do it. */
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_F(vm, functions)
{
	struct gh_fn_desc d = { .type = GH_FN_VCPU, .arg_size = 4 };
	__u32 id = 0;

	d.arg = (__u64)(unsigned long)&id;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_ADD_FUNCTION, NULL));
	EXPECT_EQ(EFAULT, errno);
	d.arg_size = GH_FN_MAX_ARG_SIZE + 1;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_ADD_FUNCTION, &d));
	EXPECT_EQ(EINVAL, errno);
	d.arg_size = 4;
	d.type = 0x1000;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_ADD_FUNCTION, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &d));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(vm, start_needs_a_devicetree_binding)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	int gmem;

	/* No devicetree configured. */
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Configured, but no binding holds it. */
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Held by a shared binding: the image must be lent. */
	gmem = gh_create_mem(self->dev, SZ_2M, 0);
	ASSERT_GE(gmem, 0);
	ASSERT_EQ(0, gh_map(self->vm, gmem, GH_GUEST_BASE, 0, SZ_2M,
			    GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_RWX));
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, gh_mem_total("parcels"));
	close(gmem);
}

TEST_F(vm, lifecycle)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE,
				      .size = SZ_64K };
	char status[4096];
	int gmem;

	gmem = gh_setup_bootable(self->dev, self->vm);
	ASSERT_GE(gmem, 0);
	ASSERT_EQ(0, gh_vm_file(self->vm, "status", status, sizeof(status)));
	EXPECT_NE(NULL, strstr(status, "state new"));

	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0)) TH_LOG("start: %s",
							     strerror(errno));
	EXPECT_EQ(1, gh_mem_total("parcels"));
	EXPECT_EQ(SZ_2M / SZ_4K, gh_mem_total("pages_lent"));
	ASSERT_EQ(0, gh_vm_file(self->vm, "status", status, sizeof(status)));
	EXPECT_NE(NULL, strstr(status, "state running"));
	EXPECT_NE(NULL, strstr(status, "rm_status 3"));
	/* The RM's vCPU for the one cpu of the devicetree. */
	EXPECT_NE(NULL, strstr(status, "resources 1"));

	/* Idempotent. */
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	/* Configuration is fixed now. */
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	EXPECT_EQ(EBUSY, errno);

	/* The last close tears it down and takes the memory back. */
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("parcels"));
	EXPECT_EQ(0, gh_mem_total("pages_lent"));
	close(gmem);
}

TEST_F(vm, close_in_any_order)
{
	int gmem, vm2;

	gmem = gh_setup_bootable(self->dev, self->vm);
	ASSERT_GE(gmem, 0);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0));

	/* The guest memory fd and /dev/gunyah go first; the VM still runs. */
	close(gmem);
	close(self->dev);
	self->dev = -1;
	vm2 = dup(self->vm);
	close(self->vm);
	self->vm = vm2;
	EXPECT_EQ(1, gh_mem_total("parcels"));
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("parcels"));
}

struct racer {
	int vm;
	int gmem;
	int which;
	int unexpected;
};

/* Each thread hammers one kind of ioctl; any errno but the allowed ones counts. */
static void *race(void *arg)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	struct gh_mem_label l = { .guest_addr = 0xc0000000UL };
	struct racer *r = arg;
	int i, ret;

	for (i = 0; i < 200; i++) {
		switch (r->which) {
		case 0:
			ret = ioctl(r->vm, GH_VM_SET_DTB_CONFIG, &d);
			break;
		case 1:
			ret = gh_map(r->vm, r->gmem, 0xc0000000UL, SZ_2M, SZ_64K,
				     GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ);
			if (!ret || errno == EEXIST)
				ret = gh_map(r->vm, r->gmem, 0xc0000000UL, SZ_2M,
					     SZ_64K, GH_MEM_FORCE_SHARE |
					     GH_MEM_ALLOW_READ | GH_MEM_UNMAP);
			break;
		case 2:
			ret = ioctl(r->vm, GH_VM_GET_MEM_LABEL, &l);
			break;
		default:
			ret = ioctl(r->vm, GH_VM_START, 0);
			break;
		}
		/*
		 * EBUSY: started meanwhile; ENOENT/EEXIST: the other racer's
		 * binding; EOPNOTSUPP: a binding made after the start, which
		 * this guest (no RM link) could not accept.
		 */
		if (ret && errno != EBUSY && errno != ENOENT && errno != EEXIST &&
		    errno != EOPNOTSUPP)
			r->unexpected++;
	}
	return NULL;
}

TEST_F(vm, concurrent_ioctls)
{
	struct racer r[4];
	pthread_t t[4];
	int gmem, i;

	gmem = gh_setup_bootable(self->dev, self->vm);
	ASSERT_GE(gmem, 0);
	ASSERT_EQ(0, ftruncate(gmem, 4 * SZ_1M));
	for (i = 0; i < 4; i++) {
		r[i] = (struct racer){ .vm = self->vm, .gmem = gmem, .which = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race, &r[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, r[i].unexpected) TH_LOG("racer %d", i);
	}
	/* It started exactly once and comes apart cleanly. */
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_START, 0));
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(0, gh_mem_total("parcels"));
	close(gmem);
}

TEST_HARNESS_MAIN
