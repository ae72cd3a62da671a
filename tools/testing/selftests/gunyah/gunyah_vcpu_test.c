// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM functions against the simulated Resource Manager, which plays the
 * guest from a script: vCPU fds and their run structure, every exit kind,
 * immediate_exit and signals, ioeventfd and irqfd round trips, vCPUs in
 * parallel threads, closing fds while vCPUs run, and removing a vCPU whose
 * run spins.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define UART		0x9000000UL
#define BELL_LABEL	7
#define NCPUS		4

static int add_vcpu(int vm, __u32 id)
{
	struct gh_fn_vcpu_arg arg = { .id = id };
	struct gh_fn_desc d = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(arg),
		.arg = (__u64)(unsigned long)&arg,
	};

	return ioctl(vm, GH_VM_ADD_FUNCTION, &d);
}

static int fn(int vm, unsigned long cmd, __u32 type, void *arg, __u32 size)
{
	struct gh_fn_desc d = {
		.type = type,
		.arg_size = size,
		.arg = (__u64)(unsigned long)arg,
	};

	return ioctl(vm, cmd, &d);
}

FIXTURE(vcpu) {
	int dev;
	int vm;
	int gmem;
	int vcpu[NCPUS];
	struct gh_vcpu_run *run[NCPUS];
	int vmid;
};

static void start_vm(struct __test_metadata *_metadata, int vm, int *vmid)
{
	ASSERT_EQ(0, ioctl(vm, GH_VM_START, 0)) TH_LOG("start: %s", strerror(errno));
	*vmid = gh_vm_vmid(vm);
	ASSERT_LT(0, *vmid);
}

FIXTURE_SETUP(vcpu)
{
	struct gh_vm_dtb_config d = { .guest_phys_addr = GH_GUEST_BASE + SZ_1M,
				      .size = SZ_64K };
	void *p;
	int i;

	self->vm = -1;
	self->gmem = -1;
	for (i = 0; i < NCPUS; i++) {
		self->vcpu[i] = -1;
		self->run[i] = MAP_FAILED;
	}
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	if (access(GH_SIM "/control", W_OK))
		SKIP(return, "scripts the simulated guest; %s",
		     "on a real hypervisor, gunyah_guest_test runs guest code");
	ASSERT_EQ(0, gh_sim_ctl("clear"));
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_create_mem(self->dev, SZ_2M, 0);
	ASSERT_GE(self->gmem, 0);
	p = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, self->gmem, SZ_1M);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_NE(0, gh_fdt_guest_bell(p, SZ_64K, GH_GUEST_BASE, NCPUS, BELL_LABEL));
	munmap(p, SZ_64K);
	ASSERT_EQ(0, gh_map(self->vm, self->gmem, GH_GUEST_BASE, 0, SZ_2M,
			    GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX));
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_SET_DTB_CONFIG, &d));
	for (i = 0; i < NCPUS; i++) {
		self->vcpu[i] = add_vcpu(self->vm, i);
		ASSERT_GE(self->vcpu[i], 0) TH_LOG("vcpu %d: %s", i, strerror(errno));
		self->run[i] = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
				    self->vcpu[i], 0);
		ASSERT_NE(MAP_FAILED, self->run[i]);
	}
	/* A case named *_before_start starts the VM itself. */
	if (!strstr(_metadata->name, "before_start"))
		start_vm(_metadata, self->vm, &self->vmid);
}

FIXTURE_TEARDOWN(vcpu)
{
	int i;

	for (i = 0; i < NCPUS; i++) {
		if (self->run[i] != MAP_FAILED)
			munmap(self->run[i], SZ_4K);
		if (self->vcpu[i] >= 0)
			close(self->vcpu[i]);
	}
	if (self->vm >= 0)
		close(self->vm);
	if (self->gmem >= 0)
		close(self->gmem);
	if (self->dev >= 0) {
		EXPECT_EQ(0, gh_sim_counter("vms"));
		EXPECT_EQ(0, gh_mem_total("parcels"));
		close(self->dev);
	}
}

TEST_F(vcpu, fd_and_run_structure)
{
	struct gh_fn_vcpu_arg a = { .id = 0 };

	EXPECT_EQ(FD_CLOEXEC, fcntl(self->vcpu[0], F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(SZ_4K, ioctl(self->vcpu[0], GH_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * SZ_4K, PROT_READ, MAP_SHARED,
				   self->vcpu[0], 0));
	EXPECT_EQ(EINVAL, errno);
	/* The same id twice; an argument of the wrong size. */
	EXPECT_EQ(-1, add_vcpu(self->vm, 0));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_VCPU, &a, 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_VCPU, NULL, 4));
	EXPECT_EQ(EFAULT, errno);
	/* A vCPU the devicetree does not have cannot bind to the running VM. */
	EXPECT_EQ(-1, add_vcpu(self->vm, NCPUS));
	EXPECT_EQ(ENODEV, errno);
	a.id = 99;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_VCPU, &a, 4));
	EXPECT_EQ(ENOENT, errno);
	/* Removed, its fd can no longer run it. */
	a.id = 3;
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_VCPU, &a, 4));
	EXPECT_EQ(-1, ioctl(self->vcpu[3], GH_VCPU_RUN, 0));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu[0], GH_VM_START, 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(vcpu, every_exit_kind)
{
	struct gh_vcpu_run *run = self->run[0];
	int v = self->vcpu[0];

	/* MMIO write. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x41", self->vmid, UART));
	ASSERT_EQ(0, ioctl(v, GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(UART, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0x41, run->mmio.data[0]);

	/* MMIO read: the value userspace leaves reaches the guest. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_read %#lx 4", self->vmid, UART + 0x18));
	ASSERT_EQ(0, ioctl(v, GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(0, run->mmio.is_write);
	EXPECT_EQ(4, run->mmio.len);
	run->mmio.data[0] = 0x34;
	run->mmio.data[1] = 0x12;
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 poweroff", self->vmid));
	ASSERT_EQ(0, ioctl(v, GH_VCPU_RUN, 0));
	EXPECT_EQ(0x1234, gh_sim_counter("vm.%d.vcpu0.last_read", self->vmid));

	/* Power off: the VM's exit, with the RM's exit type. */
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, run->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ(1, run->status.exit_info.type);
	/* Every vCPU of an exited VM reports it at once. */
	ASSERT_EQ(0, ioctl(self->vcpu[2], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[2]->exit_reason);
}

TEST_F(vcpu, bad_resume_action_refused)
{
	struct gh_vcpu_run *run = self->run[0];

	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_read %#lx 1", self->vmid, UART));
	ASSERT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	run->mmio.resume_action = 9;
	EXPECT_EQ(-1, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Scribbling on other fields changes nothing the kernel trusts. */
	run->mmio.len = 200;
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 poweroff", self->vmid));
	EXPECT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, run->exit_reason);
	/* Running still, it would be 0; its guest has exited. */
	EXPECT_EQ(-1, ioctl(self->vm, GH_VM_START, 0));
	EXPECT_EQ(ESRCH, errno);
}

static void on_usr1(int sig)
{
}

static void on_alarm(int sig)
{
}

/*
 * The answer to a read is kept until the hypervisor takes it: a run that a
 * signal interrupts before it reaches the hypervisor, or one the hypervisor
 * asks to retry, does not lose it.
 */
TEST_F(vcpu, read_answer_survives_signals_and_retries)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval storm = { { 0, 50 }, { 0, 50 } }, off = { };
	struct gh_vcpu_run *run = self->run[0];
	int v = self->vcpu[0], ret, eintr = 0;

	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_read %#lx 4", self->vmid, UART + 0x20));
	ASSERT_EQ(0, ioctl(v, GH_VCPU_RUN, 0));
	ASSERT_EQ(GH_VCPU_EXIT_MMIO, run->exit_reason);
	memcpy(run->mmio.data, "\xef\xbe\xad\xde", 4);
	run->mmio.resume_action = GH_VCPU_RESUME_HANDLED;
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 retry", self->vmid));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 retry", self->vmid));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x43", self->vmid, UART));

	/* A signal every 50 us: most runs end with EINTR before the call. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &storm, NULL));
	while ((ret = ioctl(v, GH_VCPU_RUN, 0)) == -1 && errno == EINTR)
		eintr++;
	setitimer(ITIMER_REAL, &off, NULL);
	ASSERT_EQ(0, ret) TH_LOG("run: %s", strerror(errno));
	TH_LOG("%d runs interrupted before the hypervisor took the answer", eintr);
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, run->exit_reason);
	EXPECT_EQ(0x43, run->mmio.data[0]);
	EXPECT_EQ(0xdeadbeef, gh_sim_counter("vm.%d.vcpu0.last_read", self->vmid));
}

struct runner {
	int fd;
	int ret;
	int err;
	pthread_t thread;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = ioctl(r->fd, GH_VCPU_RUN, 0);
	r->err = errno;
	return NULL;
}

/* Join r's thread within secs seconds, else signal it out of its run: 0/-1. */
static int join_within(struct runner *r, int secs)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += secs;
	if (!pthread_timedjoin_np(r->thread, NULL, &limit))
		return 0;
	pthread_kill(r->thread, SIGUSR1);
	pthread_join(r->thread, NULL);
	return -1;
}

/*
 * The public RM can sleep through a guest's SYSTEM_OFF until a request
 * wakes it: the vCPU that is left off must still see the exit, soon.
 */
TEST_F(vcpu, exit_seen_when_the_rm_sleeps_through_it)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct runner r = { .fd = self->vcpu[0] };

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, gh_sim_ctl("sleepy"));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 poweroff", self->vmid));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	ASSERT_EQ(0, join_within(&r, 3))
		TH_LOG("no exit within 3 s of the guest's SYSTEM_OFF");
	EXPECT_EQ(0, r.ret) TH_LOG("run: %s", strerror(r.err));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[0]->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_EXITED, self->run[0]->status.status);
	EXPECT_EQ(1, self->run[0]->status.exit_info.type);
}

/* Wait up to 2 s until vCPU i has had more than n runs; its runs then. */
static long long runs_beyond(int vmid, int i, long long n)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	long long runs = -1;
	int tries;

	for (tries = 0; tries < 200; tries++) {
		runs = gh_sim_counter("vm.%d.vcpu%d.runs", vmid, i);
		if (runs > n)
			break;
		nanosleep(&ts, NULL);
	}
	return runs;
}

/*
 * A run that spins in the kernel (every vcpu_run says RETRY) gives up as
 * soon as its vCPU is removed: the removal, which holds the VM's lock
 * until the run has left, must not wait for a signal to the vCPU's thread.
 */
TEST_F(vcpu, removing_a_spinning_vcpu_is_prompt)
{
	struct gh_fn_ioeventfd_arg io = { .addr = UART + 0x100, .len = 4 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct runner r = { .fd = self->vcpu[1] };
	long long runs;
	int ret, fired;
	long took;

	io.fd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(io.fd, 0);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 retry_forever", self->vmid));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	runs = runs_beyond(self->vmid, 1, 0);
	/* Still spinning: more runs, no return; the VM's ioctls work. */
	EXPECT_LT(runs, runs_beyond(self->vmid, 1, runs));
	EXPECT_EQ(EBUSY, pthread_tryjoin_np(r.thread, NULL));
	EXPECT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &io,
			sizeof(io)));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x46", self->vmid, UART));
	EXPECT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(0x46, self->run[0]->mmio.data[0]);

	ret = gh_remove_vcpu_watched(self->vm, 1, r.thread, &took, &fired);
	EXPECT_EQ(0, ret) TH_LOG("remove: %s", strerror(errno));
	EXPECT_EQ(0, fired) TH_LOG("the removal waited for a signal to the run");
	EXPECT_GT(2000, took) TH_LOG("the removal took %ld ms", took);
	ASSERT_EQ(0, join_within(&r, 2))
		TH_LOG("the run did not return after its removal");
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(ENODEV, r.err) TH_LOG("run: %s", strerror(r.err));
	/* The VM goes on without it. */
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IOEVENTFD, &io,
			sizeof(io)));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 retry_stop", self->vmid));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x47", self->vmid, UART));
	EXPECT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(0x47, self->run[0]->mmio.data[0]);
	close(io.fd);
}

TEST_F(vcpu, immediate_exit_and_signals)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct runner r = { .fd = self->vcpu[1] };
	struct timespec ts = { .tv_nsec = 200 * 1000 * 1000 };

	self->run[1]->immediate_exit = 1;
	EXPECT_EQ(-1, ioctl(self->vcpu[1], GH_VCPU_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	self->run[1]->immediate_exit = 0;

	/* Idle guest: the run sleeps until a signal ends it, resumably. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	nanosleep(&ts, NULL);
	pthread_kill(r.thread, SIGUSR1);
	pthread_join(r.thread, NULL);
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);

	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 mmio_write %#lx 1 0x42", self->vmid, UART));
	ASSERT_EQ(0, ioctl(self->vcpu[1], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[1]->exit_reason);
	EXPECT_EQ(0x42, self->run[1]->mmio.data[0]);
}

/*
 * A vCPU that is off while its VM runs (before PSCI CPU_ON, after CPU_OFF)
 * is no VM exit: its run sleeps until CPU_ON wakes it.
 */
TEST_F(vcpu, powered_off_vcpu_sleeps_until_cpu_on)
{
	struct runner r = { .fd = self->vcpu[1] };
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };

	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 cpu_off", self->vmid));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 mmio_write %#lx 1 0x31", self->vmid, UART));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	nanosleep(&ts, NULL);
	/* Still asleep: no exit came out. */
	EXPECT_EQ(1, gh_sim_counter("vm.%d.vcpu1.asleep", self->vmid));
	EXPECT_EQ(0, pthread_tryjoin_np(r.thread, NULL) == 0);
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 wake", self->vmid));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.ret) TH_LOG("run: %s", strerror(r.err));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[1]->exit_reason);
	EXPECT_EQ(0x31, self->run[1]->mmio.data[0]);
}

TEST_F(vcpu, ioeventfd_round_trip)
{
	struct gh_fn_ioeventfd_arg io = { .addr = UART + 0x100, .len = 4 };
	eventfd_t value = 0;
	int efd = eventfd(0, EFD_NONBLOCK);

	ASSERT_GE(efd, 0);
	io.fd = efd;
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &io,
			sizeof(io)));
	/* The same address again, a bad length, padding: refused. */
	io.len = 2;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &io,
			 sizeof(io)));
	EXPECT_EQ(EEXIST, errno);
	io.addr = UART + 0x200;
	io.len = 3;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &io,
			 sizeof(io)));
	EXPECT_EQ(EINVAL, errno);
	io.len = 4;
	io.padding = 1;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &io,
			 sizeof(io)));
	EXPECT_EQ(EINVAL, errno);

	/* The matching write is taken in the kernel; the next one exits. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 4 7", self->vmid,
				UART + 0x100));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x43", self->vmid, UART));
	ASSERT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[0]->exit_reason);
	EXPECT_EQ(UART, self->run[0]->mmio.phys_addr);
	EXPECT_EQ(0, eventfd_read(efd, &value));
	EXPECT_EQ(1, value);

	io.addr = UART + 0x100;
	io.padding = 0;
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IOEVENTFD, &io,
			sizeof(io)));
	close(efd);
}

static long long efd_count(int efd)
{
	eventfd_t v = 0;

	return eventfd_read(efd, &v) ? 0 : (long long)v;
}

/*
 * Which ioeventfd a write matches: the one registered at exactly its
 * address (overlapping ranges at other addresses may coexist), without
 * datamatch or with the written value, of its length or of any length.
 */
TEST_F(vcpu, ioeventfd_matching_rules)
{
	const __u64 x = UART + 0x100, y = UART + 0x200;
	struct gh_fn_ioeventfd_arg a = { .addr = x, .len = 4 };
	struct gh_fn_ioeventfd_arg b = { .addr = x + 2, .len = 2 };
	struct gh_fn_ioeventfd_arg d = { .addr = y, .len = 4, .datamatch = 1,
					 .flags = GH_IOEVENTFD_FLAGS_DATAMATCH };
	struct gh_fn_ioeventfd_arg e = d, bad;
	int efd[4], i;

	for (i = 0; i < 4; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK);
		ASSERT_GE(efd[i], 0);
	}
	a.fd = efd[0];
	b.fd = efd[1];
	d.fd = efd[2];
	e.fd = efd[3];
	e.datamatch = 2;
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &a, sizeof(a)));
	/* Overlaps a, at another address: allowed. */
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &b, sizeof(b)));
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &d, sizeof(d)));
	/* The same address, datamatch with another value: allowed. */
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &e, sizeof(e)));

	/* Conflicts at one address: a second without datamatch, or with one. */
	bad = a;
	bad.len = 8;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &bad, sizeof(bad)));
	EXPECT_EQ(EEXIST, errno);
	bad.flags = GH_IOEVENTFD_FLAGS_DATAMATCH;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &bad, sizeof(bad)));
	EXPECT_EQ(EEXIST, errno);
	bad = d;
	bad.len = 8;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &bad, sizeof(bad)));
	EXPECT_EQ(EEXIST, errno);
	bad.flags = 0;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IOEVENTFD, &bad, sizeof(bad)));
	EXPECT_EQ(EEXIST, errno);

	/* Taken in the kernel: a, b, e; the write of 3 at y exits. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#llx 4 7", self->vmid, x));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#llx 2 7", self->vmid, x + 2));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#llx 4 2", self->vmid, y));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#llx 4 3", self->vmid, y));
	ASSERT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[0]->exit_reason);
	EXPECT_EQ(y, self->run[0]->mmio.phys_addr);
	EXPECT_EQ(3, self->run[0]->mmio.data[0]);
	EXPECT_EQ(1, efd_count(efd[0]));
	EXPECT_EQ(1, efd_count(efd[1]));
	EXPECT_EQ(0, efd_count(efd[2]));
	EXPECT_EQ(1, efd_count(efd[3]));

	/* At a's address but not of its length: an exit. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#llx 2 5", self->vmid, x));
	ASSERT_EQ(0, ioctl(self->vcpu[0], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[0]->exit_reason);
	EXPECT_EQ(x, self->run[0]->mmio.phys_addr);
	EXPECT_EQ(2, self->run[0]->mmio.len);
	EXPECT_EQ(0, efd_count(efd[0]));

	/* Removed by everything that named it: another length is not it. */
	bad = a;
	bad.len = 0;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IOEVENTFD, &bad, sizeof(bad)));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IOEVENTFD, &a, sizeof(a)));
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IOEVENTFD, &e, sizeof(e)));
	for (i = 0; i < 4; i++)
		close(efd[i]);
}

/* The doorbell's rings, once there is one or after a second. */
static long long bell_rings(int vmid)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	long long rings = 0;
	int i;

	for (i = 0; i < 100 && rings < 1; i++) {
		nanosleep(&ts, NULL);
		rings = gh_sim_counter("vm.%d.bell%d.rings", vmid, BELL_LABEL);
	}
	return rings;
}

TEST_F(vcpu, irqfd_round_trip)
{
	struct gh_fn_irqfd_arg irq = { .label = BELL_LABEL };
	int efd = eventfd(0, 0);

	ASSERT_GE(efd, 0);
	irq.fd = efd;
	irq.padding = 1;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			 sizeof(irq)));
	EXPECT_EQ(EINVAL, errno);
	irq.padding = 0;
	irq.fd = 1000;
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			 sizeof(irq)));
	EXPECT_EQ(EBADF, errno);
	irq.fd = efd;
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			sizeof(irq)));
	EXPECT_EQ(-1, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			 sizeof(irq)));
	EXPECT_EQ(EEXIST, errno);

	ASSERT_EQ(0, eventfd_write(efd, 1));
	EXPECT_EQ(1, bell_rings(self->vmid));
	EXPECT_EQ(0, fn(self->vm, GH_VM_REMOVE_FUNCTION, GH_FN_IRQFD, &irq,
			sizeof(irq)));
	close(efd);
}

/* An event on an irqfd of a VM not started yet rings once it starts. */
TEST_F(vcpu, irqfd_event_before_start)
{
	struct gh_fn_irqfd_arg irq = { .label = BELL_LABEL };
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	int efd = eventfd(0, 0);

	ASSERT_GE(efd, 0);
	irq.fd = efd;
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			sizeof(irq)));
	ASSERT_EQ(0, eventfd_write(efd, 1));
	/* Let the ring work run while the irqfd has no doorbell yet. */
	nanosleep(&ts, NULL);
	start_vm(_metadata, self->vm, &self->vmid);
	EXPECT_EQ(1, bell_rings(self->vmid))
		TH_LOG("the event before the start was not rung");
	close(efd);
}

TEST_F(vcpu, vcpus_in_parallel_threads)
{
	struct runner r[NCPUS];
	int i;

	for (i = 0; i < NCPUS; i++)
		ASSERT_EQ(0, gh_sim_ctl("vcpu %d %d mmio_write %#lx 1 %d",
					self->vmid, i, UART + 8 * i, '0' + i));
	for (i = 0; i < NCPUS; i++) {
		r[i].fd = self->vcpu[i];
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, run_thread, &r[i]));
	}
	for (i = 0; i < NCPUS; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(0, r[i].ret) TH_LOG("vcpu %d: %s", i, strerror(r[i].err));
		EXPECT_EQ(UART + 8 * i, self->run[i]->mmio.phys_addr);
		EXPECT_EQ('0' + i, self->run[i]->mmio.data[0]);
	}

	/* All run again, idle; one powers the VM off; all see the exit. */
	for (i = 0; i < NCPUS; i++)
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, run_thread, &r[i]));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 poweroff", self->vmid));
	for (i = 0; i < NCPUS; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(0, r[i].ret) TH_LOG("vcpu %d: %s", i, strerror(r[i].err));
		EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[i]->exit_reason);
	}
}

TEST_F(vcpu, closing_fds_while_vcpus_run)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts = { .tv_nsec = 200 * 1000 * 1000 };
	struct runner r = { .fd = self->vcpu[0] };
	int i;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	nanosleep(&ts, NULL);
	/* Everything but the running vCPU's fd goes; the VM lives on. */
	for (i = 1; i < NCPUS; i++) {
		munmap(self->run[i], SZ_4K);
		self->run[i] = MAP_FAILED;
		close(self->vcpu[i]);
		self->vcpu[i] = -1;
	}
	close(self->vm);
	self->vm = -1;
	close(self->gmem);
	self->gmem = -1;
	EXPECT_EQ(1, gh_sim_counter("vms"));
	/* The guest still runs for the vCPU left. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x44", self->vmid, UART));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(0x44, self->run[0]->mmio.data[0]);
	/* The last fd closes, the VM is torn down (checked at teardown). */
}

/* A vCPU fault is a crash; a PSCI system reset ends the VM as an exit. */
/* A vCPU's fault ends the VM, as a crash, for every vCPU. */
TEST_F(vcpu, fault_exits)
{
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 1 fault", self->vmid));
	ASSERT_EQ(0, ioctl(self->vcpu[1], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[1]->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_CRASHED, self->run[1]->status.status);
	EXPECT_EQ(5, self->run[1]->status.exit_info.type);

	ASSERT_EQ(0, ioctl(self->vcpu[2], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[2]->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_CRASHED, self->run[2]->status.status);
}

TEST_F(vcpu, reset_exits)
{
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 2 reset", self->vmid));
	ASSERT_EQ(0, ioctl(self->vcpu[2], GH_VCPU_RUN, 0));
	EXPECT_EQ(GH_VCPU_EXIT_STATUS, self->run[2]->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_EXITED, self->run[2]->status.status);
	EXPECT_EQ(2, self->run[2]->status.exit_info.type);
}

/* A vCPU blocked in the guest sleeps until an irqfd rings its doorbell. */
TEST_F(vcpu, irqfd_wakes_a_blocked_vcpu)
{
	struct gh_fn_irqfd_arg irq = { .label = BELL_LABEL };
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	struct runner r = { .fd = self->vcpu[0] };
	int efd = eventfd(0, 0), i;

	ASSERT_GE(efd, 0);
	irq.fd = efd;
	ASSERT_EQ(0, fn(self->vm, GH_VM_ADD_FUNCTION, GH_FN_IRQFD, &irq,
			sizeof(irq)));
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 block", self->vmid));
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, run_thread, &r));
	for (i = 0; i < 200 && gh_sim_counter("vm.%d.vcpu0.asleep", self->vmid) != 1; i++)
		nanosleep(&ts, NULL);
	ASSERT_EQ(1, gh_sim_counter("vm.%d.vcpu0.asleep", self->vmid));
	/* Queued work does not wake a blocked vCPU; the interrupt does. */
	ASSERT_EQ(0, gh_sim_ctl("vcpu %d 0 mmio_write %#lx 1 0x45", self->vmid, UART));
	nanosleep(&ts, NULL);
	EXPECT_EQ(1, gh_sim_counter("vm.%d.vcpu0.asleep", self->vmid));
	ASSERT_EQ(0, eventfd_write(efd, 1));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(GH_VCPU_EXIT_MMIO, self->run[0]->exit_reason);
	EXPECT_EQ(0x45, self->run[0]->mmio.data[0]);
	close(efd);
}

TEST_HARNESS_MAIN
