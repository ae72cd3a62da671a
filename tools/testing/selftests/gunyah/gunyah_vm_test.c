// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM fd: creation, capability queries, configuration ioctls with their
 * bad inputs, and the lifecycle against the Resource Manager.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
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
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 32);
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

	/* X0 to X31, as the posted header allows. */
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 30);
	EXPECT_EQ(0, ioctl(self->vm, GH_VM_SET_BOOT_CONTEXT, &c));
	c.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_REG_SET_X, 31);
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
	/* The same mistake, the same errno, on both ioctls. */
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &d));
	EXPECT_EQ(EINVAL, errno);
	d.type = GH_FN_VCPU;
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_REMOVE_FUNCTION, &d));
	EXPECT_EQ(ENOENT, errno);
}

static int add_fn(int vm, __u32 type, void *arg, __u32 size)
{
	struct gh_fn_desc d = { .type = type, .arg_size = size,
				.arg = (__u64)(unsigned long)arg };

	return ioctl(vm, GH_VM_ADD_FUNCTION, &d);
}

/* Each function type has a per-VM limit (vm-manager.rst); beyond: ENOSPC. */
TEST_F(vm, function_limits)
{
	enum { MAX_VCPUS = 256, MAX_IRQFDS = 1024, MAX_IOEVENTFDS = 1024 };
	struct gh_fn_ioeventfd_arg io = { .len = 4 };
	struct gh_fn_irqfd_arg irq = { 0 };
	struct gh_fn_vcpu_arg vcpu;
	int efd = eventfd(0, EFD_CLOEXEC), fd, i;

	ASSERT_GE(efd, 0);
	for (i = 0; i < MAX_VCPUS; i++) {
		vcpu.id = i;
		fd = add_fn(self->vm, GH_FN_VCPU, &vcpu, sizeof(vcpu));
		ASSERT_LE(0, fd) TH_LOG("vCPU %d: %s", i, strerror(errno));
		close(fd);
	}
	vcpu.id = MAX_VCPUS;
	EXPECT_EQ(-1, add_fn(self->vm, GH_FN_VCPU, &vcpu, sizeof(vcpu)));
	EXPECT_EQ(ENOSPC, errno);
	/* At the limit, a duplicate is still EEXIST. */
	vcpu.id = 3;
	EXPECT_EQ(-1, add_fn(self->vm, GH_FN_VCPU, &vcpu, sizeof(vcpu)));
	EXPECT_EQ(EEXIST, errno);

	irq.fd = efd;
	for (i = 0; i < MAX_IRQFDS; i++) {
		irq.label = i;
		ASSERT_EQ(0, add_fn(self->vm, GH_FN_IRQFD, &irq, sizeof(irq)))
			TH_LOG("irqfd %d: %s", i, strerror(errno));
	}
	irq.label = MAX_IRQFDS;
	EXPECT_EQ(-1, add_fn(self->vm, GH_FN_IRQFD, &irq, sizeof(irq)));
	EXPECT_EQ(ENOSPC, errno);

	io.fd = efd;
	for (i = 0; i < MAX_IOEVENTFDS; i++) {
		io.addr = 0x10000000 + 8 * i;
		ASSERT_EQ(0, add_fn(self->vm, GH_FN_IOEVENTFD, &io, sizeof(io)))
			TH_LOG("ioeventfd %d: %s", i, strerror(errno));
	}
	io.addr = 0x20000000;
	EXPECT_EQ(-1, add_fn(self->vm, GH_FN_IOEVENTFD, &io, sizeof(io)));
	EXPECT_EQ(ENOSPC, errno);
	/* A removal makes room. */
	io.addr = 0x10000000;
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_REMOVE_FUNCTION,
			   &(struct gh_fn_desc){ .type = GH_FN_IOEVENTFD,
						 .arg_size = sizeof(io),
						 .arg = (__u64)(unsigned long)&io }));
	io.addr = 0x20000000;
	EXPECT_EQ(0, add_fn(self->vm, GH_FN_IOEVENTFD, &io, sizeof(io)));
	close(efd);
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

/* The RM status the driver keeps for a VM, from its debugfs status. */
static int vm_rm_status(int vm)
{
	char buf[4096], *p;

	if (gh_vm_file(vm, "status", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "rm_status ");
	return p ? atoi(p + strlen("rm_status ")) : -1;
}

/*
 * Start @vm, whose guest exits at once (the simulator's @fault): the
 * exit must be kept, and the teardown must take everything back.
 */
static void start_exiting_guest(struct __test_metadata *_metadata, int dev,
				int vm, const char *fault)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	long long lent = gh_mem_total("pages_lent");
	int gmem, i;

	gmem = gh_setup_bootable(dev, vm);
	ASSERT_LE(0, gmem);
	ASSERT_EQ(0, gh_sim_ctl("%s", fault));
	ASSERT_EQ(0, ioctl(vm, GH_VM_START, 0)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < 100 && vm_rm_status(vm) != 9; i++)
		nanosleep(&tick, NULL);
	EXPECT_EQ(9, vm_rm_status(vm)) TH_LOG("%s: EXITED was overwritten", fault);
	EXPECT_EQ(-1, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(ESRCH, errno);

	/* Teardown takes everything back: no VM is left with the RM. */
	close(vm);
	close(gmem);
	EXPECT_EQ(0, gh_sim_counter("vms")) TH_LOG("%s: the RM kept the VM", fault);
	EXPECT_EQ(lent, gh_mem_total("pages_lent"));
}

/*
 * A guest that exits at once: its VM_EXITED may come before GH_VM_START's
 * caller has run again. The start must not overwrite it with RUNNING, or
 * teardown would send a VM_STOP the RM refuses and keep the VM for good.
 * First with the exit read before the reply (always that order), then
 * right behind it, as the RM sends it (either order).
 */
TEST_F(vm, exit_right_after_start_is_kept)
{
	int vm;

	if (access(GH_SIM "/control", W_OK))
		SKIP(return, "needs the simulated RM to exit a guest on cue; %s",
		     "a real RM cannot be made to");
	vm = self->vm;
	self->vm = -1;
	start_exiting_guest(_metadata, self->dev, vm, "exit_on_start_early");
	vm = ioctl(self->dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	ASSERT_LE(0, vm);
	start_exiting_guest(_metadata, self->dev, vm, "exit_on_start");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A process killed while its VM's teardown waits for the RM dies at once;
 * the teardown goes on without it and gives every page back.
 */
TEST_F(vm, teardown_wait_is_killable)
{
	const char *timeout = GH_DEBUGFS "/rm_reply_timeout_ms";
	struct timespec nap = { .tv_nsec = 300 * 1000 * 1000 };
	long long lent = gh_mem_total("pages_lent");
	double killed;
	int p[2], st, i;
	pid_t pid;
	char c;

	if (access(GH_SIM "/control", W_OK))
		SKIP(return, "needs the simulated RM to hold back a reply; %s",
		     "a real RM cannot be made to");
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, gh_write_file(timeout, "3000"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
		int vm = ioctl(dev, GH_CREATE_VM, 0);

		if (gh_setup_bootable(dev, vm) < 0 || ioctl(vm, GH_VM_START, 0) ||
		    gh_sim_ctl("drop 0x56000005 1"))	/* VM_STOP */
			_exit(1);
		/* The teardown's VM_STOP gets no reply for 3 s. */
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		close(vm);
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1)) TH_LOG("the child could not start its VM");
	nanosleep(&nap, NULL);
	killed = now_s();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_GT(1.0, now_s() - killed)
		TH_LOG("the killed VMM took %.1f s to die", now_s() - killed);
	EXPECT_TRUE(WIFSIGNALED(st));

	/* The teardown finishes in the background. */
	for (i = 0; i < 100 && gh_mem_total("pages_lent") != lent; i++)
		nanosleep(&nap, NULL);
	EXPECT_EQ(lent, gh_mem_total("pages_lent"));
	EXPECT_EQ(0, gh_write_file(timeout, "30000"));
	close(p[0]);
}

TEST_HARNESS_MAIN
