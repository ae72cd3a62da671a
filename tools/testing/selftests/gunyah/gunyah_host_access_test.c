// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host access to lent memory by every route (issue 11). A started VM has
 * its 2 MiB image lent, in 4 KiB folios or in one 2 MiB folio (a file made
 * with GHMF_ALLOW_HUGEPAGE). The host then tries to read or write that
 * memory through a mapping made and written before the lend and through
 * one made after it, from the owning process and from a forked one: a
 * touch, a fresh mapping, MADV_POPULATE, /proc/PID/mem, process_vm_readv,
 * ptrace, read/splice/sendfile/copy_file_range of the file and a second
 * open of it, a pipe, vmsplice, tmpfs and O_DIRECT block I/O, and io_uring
 * (a write from the mapping, a read into it, and a registration of it as a
 * fixed buffer, which pins with FOLL_LONGTERM). Each must be refused with
 * its errno (or SIGBUS for a touch) and return no byte of the guest's
 * image; afterwards the VM still holds all of it, and its teardown gives
 * every page back, zeroed. A fixed buffer registered before the lend makes
 * the lend fail (EBUSY) until it is unregistered.
 *
 * Every case runs on the simulated RM and on a real hypervisor alike: on
 * the real one an access that got through would also be a stage-2 fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/io_uring.h>

#include "gh_util.h"
#include "../kselftest_harness.h"

#define IMAGE_SIZE	SZ_2M
#define MARK		0xa5	/* the guest's bytes: the image's first 64 KiB */
#define PROBE		64	/* bytes a read route asks for */
#define RAMDISK		"/dev/ram0"
#define TMPFILE		"/tmp/gh-host-access"

/* What a route gave, beside an errno. */
#define R_SIGBUS	250	/* the access raised SIGBUS */
#define R_LEAK		251	/* it succeeded, or data came back */
#define R_SETUP		252	/* the route's own setup failed */
#define R_CRASH		253	/* the other process died of a signal */

struct route {
	unsigned char *addr;	/* lent memory, mapped at the same address in pid */
	pid_t pid;		/* the process the memory is read from */
	int gmem;
};

/* A route: fn(route, arg) returns an errno, or one of the R_ values. */
struct probe {
	const char *name;
	int (*fn)(const struct route *r, int arg);
	int arg;
	int want;
};

static bool all_zero(const unsigned char *buf, size_t len)
{
	while (len--)
		if (*buf++)
			return false;
	return true;
}

/* The result of a call that must fail and leave buf (if any) all zero. */
static int refusal(long ret, const unsigned char *buf, size_t len)
{
	int err = errno;

	if (ret >= 0 || (buf && !all_zero(buf, len)))
		return R_LEAK;
	return err;
}

/* As refusal(), for a call that must not have put anything in a pipe. */
static int pipe_refusal(long ret, int rfd)
{
	int err = errno;
	char c;

	if (ret >= 0 || read(rfd, &c, 1) >= 0)
		return R_LEAK;
	return err;
}

/* A non-blocking pipe: reading an empty one says EAGAIN, not a hang. */
static int open_pipe(int fds[2])
{
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static void close_pipe(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* A touch of the first and the last byte: a read, then a write. */
static int touch(unsigned char *p)
{
	if (gh_read_byte(p) != -1 || gh_read_byte(p + IMAGE_SIZE - 1) != -1)
		return R_LEAK;
	if (!gh_copy_to(p, "x", 1))
		return R_LEAK;
	return R_SIGBUS;
}

static int route_touch(const struct route *r, int unused)
{
	return touch(r->addr);
}

static int route_fresh_mapping(const struct route *r, int unused)
{
	unsigned char *p = mmap(NULL, IMAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, r->gmem, 0);
	int ret;

	if (p == MAP_FAILED)
		return errno;
	ret = touch(p);
	munmap(p, IMAGE_SIZE);
	return ret;
}

static int route_madvise(const struct route *r, int advice)
{
	return refusal(madvise(r->addr, IMAGE_SIZE, advice), NULL, 0);
}

static int route_proc_mem(const struct route *r, int write)
{
	unsigned char buf[PROBE] = { 0 };
	char path[64];
	long ret;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", r->pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return R_SETUP;
	if (write)
		ret = pwrite(fd, buf, sizeof(buf), (off_t)(unsigned long)r->addr);
	else
		ret = pread(fd, buf, sizeof(buf), (off_t)(unsigned long)r->addr);
	ret = refusal(ret, buf, sizeof(buf));
	close(fd);
	return ret;
}

static int route_process_vm(const struct route *r, int write)
{
	unsigned char buf[PROBE] = { 0 };
	struct iovec local = { buf, sizeof(buf) }, remote = { r->addr, PROBE };

	if (write)
		return refusal(process_vm_writev(r->pid, &local, 1, &remote, 1, 0),
			       NULL, 0);
	return refusal(process_vm_readv(r->pid, &local, 1, &remote, 1, 0),
		       buf, sizeof(buf));
}

/*
 * Stop a tracee with the memory mapped at r->addr: the owner traces a
 * child that shares its mappings (no process traces itself); another
 * process attaches to the owner (init's tests run as root: CAP_SYS_PTRACE).
 * Returns the tracee, or -1.
 */
static void ptrace_release(pid_t pid, bool own_child)
{
	if (own_child) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
	} else {
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
}

static pid_t ptrace_stop(const struct route *r, bool *own_child)
{
	pid_t pid = r->pid;
	int st;

	*own_child = pid == getpid();
	if (*own_child) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (!pid) {
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			raise(SIGSTOP);
			_exit(0);
		}
	} else if (ptrace(PTRACE_ATTACH, pid, NULL, NULL)) {
		return -1;
	}
	if (waitpid(pid, &st, __WALL) == pid && WIFSTOPPED(st))
		return pid;
	ptrace_release(pid, *own_child);
	return -1;
}

static int route_ptrace(const struct route *r, int poke)
{
	bool own_child;
	pid_t pid = ptrace_stop(r, &own_child);
	long word;
	int ret;

	if (pid < 0)
		return R_SETUP;
	errno = 0;
	if (poke) {
		ret = refusal(ptrace(PTRACE_POKEDATA, pid, r->addr, 0x5a5aL),
			      NULL, 0);
	} else {
		word = ptrace(PTRACE_PEEKDATA, pid, r->addr, NULL);
		/* PEEKDATA returns the word: only errno tells a failure. */
		ret = errno ? errno : R_LEAK;
		if (word != -1)
			ret = R_LEAK;
	}
	ptrace_release(pid, own_child);
	return ret;
}

/*
 * The guest memory file itself: it has no read or splice operation (EINVAL)
 * and cannot be read at an offset (ESPIPE: no FMODE_PREAD).
 */
enum { F_READ, F_PREAD, F_PREADV2, F_SPLICE, F_SENDFILE, F_SENDFILE_AT };

static int route_file(const struct route *r, int how)
{
	unsigned char buf[PROBE] = { 0 };
	struct iovec iov = { buf, sizeof(buf) };
	off_t off = 0;
	int p[2], ret;
	long n;

	if (open_pipe(p))
		return R_SETUP;
	if (how == F_READ)
		n = read(r->gmem, buf, sizeof(buf));
	else if (how == F_PREAD)
		n = pread(r->gmem, buf, sizeof(buf), 0);
	else if (how == F_PREADV2)	/* at the file position */
		n = preadv2(r->gmem, &iov, 1, -1, 0);
	else if (how == F_SPLICE)
		n = splice(r->gmem, NULL, p[1], NULL, PROBE, 0);
	else
		n = sendfile(p[1], r->gmem, how == F_SENDFILE ? NULL : &off, PROBE);
	ret = pipe_refusal(n, p[0]);
	close_pipe(p);
	return all_zero(buf, sizeof(buf)) ? ret : R_LEAK;
}

/*
 * No second open of the file, with O_DIRECT or without: its anonymous
 * inode has no open operation (ENXIO).
 */
static int route_reopen(const struct route *r, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", r->pid, r->gmem);
	fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd >= 0) {
		close(fd);
		return R_LEAK;
	}
	return errno;
}

/* Nothing copies the file to one of another filesystem (EXDEV). */
static int route_copy_range(const struct route *r, int unused)
{
	int fd = open(TMPFILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	loff_t off = 0;
	long ret;

	if (fd < 0)
		return R_SETUP;
	ret = copy_file_range(r->gmem, &off, fd, NULL, PROBE, 0);
	ret = refusal(ret, NULL, 0);
	/* Nothing may have reached the other file either. */
	if (lseek(fd, 0, SEEK_END) != 0)
		ret = R_LEAK;
	close(fd);
	unlink(TMPFILE);
	return ret;
}

/*
 * A pipe: a write from the mapping into it (which reads the mapping), a
 * read from it into the mapping, and a vmsplice of the mapping, which
 * would take references to the pages themselves.
 */
enum { P_WRITE_FROM, P_READ_INTO, P_VMSPLICE };

static int route_pipe(const struct route *r, int how)
{
	struct iovec iov = { r->addr, SZ_4K };
	unsigned char buf[PROBE];
	int p[2], ret;

	memset(buf, 0x5a, sizeof(buf));
	if (open_pipe(p))
		return R_SETUP;
	if (how == P_WRITE_FROM)
		ret = pipe_refusal(write(p[1], r->addr, PROBE), p[0]);
	else if (how == P_VMSPLICE)
		ret = pipe_refusal(vmsplice(p[1], &iov, 1, 0), p[0]);
	else if (write(p[1], buf, sizeof(buf)) != sizeof(buf))
		ret = R_SETUP;
	else
		ret = refusal(read(p[0], r->addr, PROBE), NULL, 0);
	close_pipe(p);
	return ret;
}

/*
 * A write from the mapping to a file, and a read from the file into it:
 * O_DIRECT on a block device pins the user pages (GUP) for the bio; on
 * tmpfs, which accepts O_DIRECT, the data is copied as for buffered I/O.
 */
static int file_io(const struct route *r, const char *path, bool from)
{
	int fd = open(path, O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
	unsigned char *buf;
	long ret;

	/* Aligned for O_DIRECT. */
	buf = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return R_SETUP;
	/* The file's first block holds something to read, and no MARK. */
	memset(buf, 0x5a, SZ_4K);
	if (fd < 0 || pwrite(fd, buf, SZ_4K, 0) != SZ_4K)
		ret = R_SETUP;
	else if (from)
		ret = refusal(pwrite(fd, r->addr, SZ_4K, 0), NULL, 0);
	else
		ret = refusal(pread(fd, r->addr, SZ_4K, 0), NULL, 0);
	/* What a write from the mapping left in the file: never the image. */
	if (ret != R_SETUP && (pread(fd, buf, SZ_4K, 0) != SZ_4K ||
			       memchr(buf, MARK, SZ_4K)))
		ret = R_LEAK;
	if (fd >= 0)
		close(fd);
	munmap(buf, SZ_4K);
	return ret;
}

static int route_odirect(const struct route *r, int from)
{
	return file_io(r, RAMDISK, from);
}

static int route_tmpfs(const struct route *r, int from)
{
	return file_io(r, TMPFILE, from);
}

/* An io_uring with raw system calls: one request at a time. */
struct ring {
	int fd;
	struct io_uring_params p;
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
	size_t sq_len, cq_len, sqes_len;
};

static void ring_close(struct ring *ring)
{
	if (ring->sqes && ring->sqes != MAP_FAILED)
		munmap(ring->sqes, ring->sqes_len);
	if (ring->cq && ring->cq != MAP_FAILED)
		munmap(ring->cq, ring->cq_len);
	if (ring->sq && ring->sq != MAP_FAILED)
		munmap(ring->sq, ring->sq_len);
	close(ring->fd);
}

static void *ring_map(int fd, size_t len, __u64 off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		    fd, off);
}

static int ring_open(struct ring *ring)
{
	memset(ring, 0, sizeof(*ring));
	ring->fd = syscall(__NR_io_uring_setup, 4, &ring->p);
	if (ring->fd < 0)
		return -1;
	ring->sq_len = ring->p.sq_off.array + ring->p.sq_entries * sizeof(__u32);
	ring->cq_len = ring->p.cq_off.cqes +
		       ring->p.cq_entries * sizeof(struct io_uring_cqe);
	ring->sqes_len = ring->p.sq_entries * sizeof(struct io_uring_sqe);
	ring->sq = ring_map(ring->fd, ring->sq_len, IORING_OFF_SQ_RING);
	ring->cq = ring_map(ring->fd, ring->cq_len, IORING_OFF_CQ_RING);
	ring->sqes = ring_map(ring->fd, ring->sqes_len, IORING_OFF_SQES);
	if (ring->sq == MAP_FAILED || ring->cq == MAP_FAILED ||
	    ring->sqes == MAP_FAILED) {
		ring_close(ring);
		return -1;
	}
	return 0;
}

/* Submit one request and wait for it: its result, or R_SETUP. */
static int ring_run(struct ring *ring, const struct io_uring_sqe *sqe)
{
	__u32 *tail = (__u32 *)(ring->sq + ring->p.sq_off.tail);
	__u32 mask = *(__u32 *)(ring->sq + ring->p.sq_off.ring_mask);
	__u32 *array = (__u32 *)(ring->sq + ring->p.sq_off.array);
	__u32 *head = (__u32 *)(ring->cq + ring->p.cq_off.head);
	__u32 cmask = *(__u32 *)(ring->cq + ring->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes;
	__u32 t = *tail, h;
	int res;

	ring->sqes[t & mask] = *sqe;
	array[t & mask] = t & mask;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring->fd, 1, 1,
		    IORING_ENTER_GETEVENTS, NULL, 0) != 1)
		return R_SETUP;
	h = __atomic_load_n(head, __ATOMIC_ACQUIRE);
	if (h == __atomic_load_n((__u32 *)(ring->cq + ring->p.cq_off.tail),
				 __ATOMIC_ACQUIRE))
		return R_SETUP;
	cqes = (struct io_uring_cqe *)(ring->cq + ring->p.cq_off.cqes);
	res = cqes[h & cmask].res;
	__atomic_store_n(head, h + 1, __ATOMIC_RELEASE);
	return res;
}

/* A completion's result: an errno, R_LEAK, or R_SETUP; rfd must be empty. */
static int uring_result(int res, int rfd)
{
	char c;

	if (res == R_SETUP)
		return R_SETUP;
	if (res >= 0 || (rfd >= 0 && read(rfd, &c, 1) >= 0))
		return R_LEAK;
	return -res;
}

/*
 * One request on a fresh ring with a pipe: IORING_OP_WRITE from the
 * mapping into the pipe, or IORING_OP_READV from it (holding data) into
 * the mapping. Its completion must be an error.
 */
static int route_uring_pipe(const struct route *r, int from)
{
	struct iovec iov = { r->addr, PROBE };
	struct io_uring_sqe sqe = { 0 };
	unsigned char buf[PROBE];
	struct ring ring;
	int p[2], res;

	memset(buf, 0x5a, sizeof(buf));
	if (open_pipe(p))
		return R_SETUP;
	if (ring_open(&ring)) {
		close_pipe(p);
		return R_SETUP;
	}
	if (from) {
		sqe.opcode = IORING_OP_WRITE;
		sqe.fd = p[1];
		sqe.addr = (unsigned long)r->addr;
		sqe.len = PROBE;
	} else {
		sqe.opcode = IORING_OP_READV;
		sqe.fd = p[0];
		sqe.addr = (unsigned long)&iov;
		sqe.len = 1;
	}
	if (!from && write(p[1], buf, sizeof(buf)) != sizeof(buf))
		res = R_SETUP;
	else
		res = uring_result(ring_run(&ring, &sqe), from ? p[0] : -1);
	ring_close(&ring);
	close_pipe(p);
	return res;
}

/* A fixed buffer: pinned with FOLL_LONGTERM for the ring's lifetime. */
static int route_uring_register(const struct route *r, int unused)
{
	struct iovec iov = { r->addr, SZ_4K };
	struct ring ring;
	long ret;

	if (ring_open(&ring))
		return R_SETUP;
	ret = syscall(__NR_io_uring_register, ring.fd, IORING_REGISTER_BUFFERS,
		      &iov, 1);
	ret = refusal(ret, NULL, 0);
	ring_close(&ring);
	return ret;
}

/* The read of the file itself, through io_uring. */
static int route_uring_file_read(const struct route *r, int unused)
{
	unsigned char buf[PROBE] = { 0 };
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_READ,
		.fd = r->gmem,
		.addr = (unsigned long)buf,
		.len = sizeof(buf),
	};
	struct ring ring;
	int res;

	if (ring_open(&ring))
		return R_SETUP;
	res = uring_result(ring_run(&ring, &sqe), -1);
	ring_close(&ring);
	return all_zero(buf, sizeof(buf)) ? res : R_LEAK;
}

FIXTURE(host) {
	int dev;
	int vm;
	int gmem;
	unsigned char *early;	/* mapped and written before the lend */
	unsigned char *late;	/* mapped after it */
	bool sim;
};

FIXTURE_VARIANT(host) {
	__u64 flags;
	long long huge_folios;
};

FIXTURE_VARIANT_ADD(host, folios_4k) {
	.flags = 0,
	.huge_folios = 0,
};

FIXTURE_VARIANT_ADD(host, folios_2m) {
	.flags = GHMF_ALLOW_HUGEPAGE,
	.huge_folios = 1,
};

static unsigned char *map_image(int gmem)
{
	return mmap(NULL, IMAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    gmem, 0);
}

FIXTURE_SETUP(host)
{
	self->vm = -1;
	self->gmem = -1;
	self->early = MAP_FAILED;
	self->late = MAP_FAILED;
	self->dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "no /dev/gunyah: no Gunyah and no simulated RM");
	ASSERT_GE(self->dev, 0);
	if (variant->huge_folios &&
	    ioctl(self->dev, GH_CHECK_EXTENSION, GH_CAP_HUGEPAGES) != 1)
		SKIP(return, "GH_CAP_HUGEPAGES is 0: no transparent huge pages");
	self->sim = !access(GH_SIM "/control", W_OK);
	self->vm = ioctl(self->dev, GH_CREATE_VM, 0);
	ASSERT_GE(self->vm, 0);
	self->gmem = gh_setup_bootable_flags(self->dev, self->vm, variant->flags);
	ASSERT_GE(self->gmem, 0);
	/* The guest's bytes, written through a mapping the lend must undo. */
	self->early = map_image(self->gmem);
	ASSERT_NE(MAP_FAILED, self->early);
	memset(self->early, MARK, SZ_64K);
	ASSERT_EQ(0, ioctl(self->vm, GH_VM_START, 0)) TH_LOG("start: %s",
							     strerror(errno));
	ASSERT_EQ(variant->huge_folios,
		  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "huge_folios"));
	self->late = map_image(self->gmem);
	ASSERT_NE(MAP_FAILED, self->late);
}

/*
 * After the routes: the VM still has its vmid and the whole image lent;
 * its teardown gives every page back, and the image comes back zeroed.
 */
FIXTURE_TEARDOWN(host)
{
	if (self->vm >= 0) {
		EXPECT_LT(0, gh_vm_vmid(self->vm));
		EXPECT_EQ(IMAGE_SIZE / SZ_4K, gh_mem_total("pages_lent"));
		EXPECT_EQ(IMAGE_SIZE / SZ_4K,
			  gh_vm_binding_value(self->vm, GH_GUEST_BASE, "pages"));
		close(self->vm);
		EXPECT_EQ(0, gh_mem_total("parcels"));
		EXPECT_EQ(0, gh_mem_total("pages_lent"));
		if (self->sim) {
			EXPECT_EQ(0, gh_sim_counter("vms"));
			EXPECT_EQ(0, gh_sim_counter("pages_lent"));
		}
		EXPECT_EQ(0, gh_read_byte(self->early));
		EXPECT_EQ(0, gh_read_byte(self->late + SZ_64K - 1));
	}
	if (self->late != MAP_FAILED)
		munmap(self->late, IMAGE_SIZE);
	if (self->early != MAP_FAILED)
		munmap(self->early, IMAGE_SIZE);
	gh_close(&self->gmem);
	gh_close(&self->dev);
}

/* The route from another process: a child, which reads the owner's memory. */
static int route_from_child(const struct probe *pr, const struct route *r)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return R_SETUP;
	if (!pid)
		_exit(pr->fn(r, pr->arg));
	if (waitpid(pid, &st, 0) != pid)
		return R_SETUP;
	return WIFEXITED(st) ? WEXITSTATUS(st) : R_CRASH;
}

static const char *result_name(int res)
{
	switch (res) {
	case R_SIGBUS:
		return "SIGBUS";
	case R_LEAK:
		return "succeeded: lent memory reached";
	case R_SETUP:
		return "the route's setup failed";
	case R_CRASH:
		return "the other process died of a signal";
	default:
		return strerror(res);
	}
}

/* Each probe on both mappings, by the owner and by another process. */
static void run_probes(struct __test_metadata *_metadata, unsigned char *early,
		       unsigned char *late, int gmem, const struct probe *probes,
		       size_t n)
{
	static const char * const map_names[] = { "existing", "new" };
	unsigned char *maps[] = { early, late };
	struct route r = { .pid = getpid(), .gmem = gmem };
	size_t i, m;
	int res;

	for (i = 0; i < n; i++) {
		for (m = 0; m < ARRAY_SIZE(maps); m++) {
			r.addr = maps[m];
			res = probes[i].fn(&r, probes[i].arg);
			EXPECT_EQ(probes[i].want, res)
				TH_LOG("%s by the owner, %s mapping: %s",
				       probes[i].name, map_names[m],
				       result_name(res));
			res = route_from_child(&probes[i], &r);
			EXPECT_EQ(probes[i].want, res)
				TH_LOG("%s by another process, %s mapping: %s",
				       probes[i].name, map_names[m],
				       result_name(res));
		}
	}
}

#define RUN(...) do {							\
	static const struct probe _p[] = { __VA_ARGS__ };		\
	run_probes(_metadata, self->early, self->late, self->gmem, _p,	\
		   ARRAY_SIZE(_p));					\
} while (0)

TEST_F(host, mappings)
{
	RUN({ "touch", route_touch, 0, R_SIGBUS },
	    { "fresh mapping", route_fresh_mapping, 0, R_SIGBUS },
	    { "MADV_POPULATE_READ", route_madvise, MADV_POPULATE_READ, EFAULT },
	    { "MADV_POPULATE_WRITE", route_madvise, MADV_POPULATE_WRITE, EFAULT });
}

TEST_F(host, proc_pid_mem)
{
	RUN({ "/proc/PID/mem read", route_proc_mem, 0, EIO },
	    { "/proc/PID/mem write", route_proc_mem, 1, EIO });
}

TEST_F(host, process_vm)
{
	RUN({ "process_vm_readv", route_process_vm, 0, EFAULT },
	    { "process_vm_writev", route_process_vm, 1, EFAULT });
}

TEST_F(host, ptrace)
{
	RUN({ "PTRACE_PEEKDATA", route_ptrace, 0, EIO },
	    { "PTRACE_POKEDATA", route_ptrace, 1, EIO });
}

TEST_F(host, file_reads)
{
	RUN({ "read", route_file, F_READ, EINVAL },
	    { "pread", route_file, F_PREAD, ESPIPE },
	    { "preadv2", route_file, F_PREADV2, EINVAL },
	    { "splice", route_file, F_SPLICE, EINVAL },
	    { "sendfile", route_file, F_SENDFILE, EINVAL },
	    { "sendfile at an offset", route_file, F_SENDFILE_AT, ESPIPE },
	    { "copy_file_range", route_copy_range, 0, EXDEV },
	    { "open of /proc/PID/fd/N", route_reopen, 0, ENXIO },
	    { "O_DIRECT open of /proc/PID/fd/N", route_reopen, O_DIRECT, ENXIO },
	    { "io_uring read", route_uring_file_read, 0, EINVAL });
}

TEST_F(host, pipes)
{
	RUN({ "write from", route_pipe, P_WRITE_FROM, EFAULT },
	    { "read into", route_pipe, P_READ_INTO, EFAULT },
	    { "vmsplice", route_pipe, P_VMSPLICE, EFAULT });
}

TEST_F(host, odirect_and_tmpfs)
{
	if (access(RAMDISK, R_OK | W_OK))
		SKIP(return, "no %s (CONFIG_BLK_DEV_RAM) for O_DIRECT", RAMDISK);
	RUN({ "O_DIRECT write from", route_odirect, 1, EFAULT },
	    { "O_DIRECT read into", route_odirect, 0, EFAULT },
	    { "tmpfs write from", route_tmpfs, 1, EFAULT },
	    { "tmpfs read into", route_tmpfs, 0, EFAULT });
}

TEST_F(host, io_uring)
{
	RUN({ "IORING_OP_WRITE from", route_uring_pipe, 1, EFAULT },
	    { "IORING_OP_READV into", route_uring_pipe, 0, EFAULT },
	    { "IORING_REGISTER_BUFFERS", route_uring_register, 0, EFAULT });
}

/*
 * A fixed buffer registered before the lend holds a long-term pin of the
 * pages: the lend is refused (EBUSY) and the memory stays the host's until
 * the buffer is unregistered; then the start lends it.
 */
TEST_F(host, io_uring_pin_taken_before_the_lend)
{
	int vm = ioctl(self->dev, GH_CREATE_VM, 0), gmem;
	struct iovec iov;
	struct ring ring;
	unsigned char *p;

	ASSERT_LE(0, vm);
	gmem = gh_setup_bootable_flags(self->dev, vm, variant->flags);
	ASSERT_LE(0, gmem);
	p = map_image(gmem);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, MARK, SZ_64K);
	ASSERT_EQ(0, ring_open(&ring));
	iov.iov_base = p;
	iov.iov_len = IMAGE_SIZE;
	ASSERT_EQ(0, syscall(__NR_io_uring_register, ring.fd,
			     IORING_REGISTER_BUFFERS, &iov, 1));
	EXPECT_EQ(-1, ioctl(vm, GH_VM_START, 0));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(IMAGE_SIZE / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(MARK, gh_read_byte(p + SZ_64K - 1));

	ASSERT_EQ(0, syscall(__NR_io_uring_register, ring.fd,
			     IORING_UNREGISTER_BUFFERS, NULL, 0));
	EXPECT_EQ(0, ioctl(vm, GH_VM_START, 0)) TH_LOG("start: %s",
						       strerror(errno));
	EXPECT_EQ(2 * IMAGE_SIZE / SZ_4K, gh_mem_total("pages_lent"));
	EXPECT_EQ(-1, gh_read_byte(p));
	ring_close(&ring);
	munmap(p, IMAGE_SIZE);
	close(vm);
	close(gmem);
}

TEST_HARNESS_MAIN
