/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the Gunyah selftests: /dev/gunyah, guest memory, a
 * bootable VM configuration, and the driver's debugfs files.
 */
#ifndef __GH_UTIL_H
#define __GH_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "../kselftest.h"
#include "gh_fdt.h"

#define GH_DEV			"/dev/gunyah"
#define GH_DEBUGFS		"/sys/kernel/debug/gunyah"
#define SZ_4K			0x1000UL
#define SZ_64K			0x10000UL
#define SZ_256K			0x40000UL
#define SZ_1M			0x100000UL
#define SZ_2M			0x200000UL
#define GH_GUEST_BASE		0x80000000UL

/* Per thread: a SIGBUS is delivered to the thread whose access faulted. */
static __thread sigjmp_buf gh_sigbus_jmp;
static __thread int gh_sigbus_armed;

static inline void gh_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	if (__atomic_load_n(&gh_sigbus_armed, __ATOMIC_RELAXED))
		siglongjmp(gh_sigbus_jmp, 1);
	/* Not ours: say where, then die of it as without the handler. */
	n = snprintf(msg, sizeof(msg), "SIGBUS at %p (code %d) outside a guarded access\n",
		     si->si_addr, si->si_code);
	if (n > 0 && write(2, msg, n) < 0)
		n = 0;
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/*
 * The handler must see the flag set before the access and cleared only
 * after it: plain stores around an access the compiler thinks cannot
 * fault may be merged away.
 */
static inline void gh_sigbus_arm(int armed)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&gh_sigbus_armed, armed, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static inline void gh_catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = gh_on_sigbus,
				.sa_flags = SA_SIGINFO };

	sigaction(SIGBUS, &sa, NULL);
}

/*
 * The byte at p, read with SIGBUS caught: 0-255, or -1 if the read raised
 * SIGBUS (the page is lent, or past the end of the file). Safe to call from
 * several threads at once; the handler stays installed.
 */
static inline int gh_read_byte(const unsigned char *p)
{
	int v;

	gh_catch_sigbus();
	if (sigsetjmp(gh_sigbus_jmp, 1)) {
		v = -1;
	} else {
		gh_sigbus_arm(1);
		v = __atomic_load_n(p, __ATOMIC_RELAXED);
	}
	gh_sigbus_arm(0);
	return v;
}

/* memcpy() into a host mapping, with SIGBUS caught: 0, or -1 (EFAULT). */
static inline int gh_copy_to(void *dst, const void *src, size_t len)
{
	int ret = 0;

	gh_catch_sigbus();
	if (sigsetjmp(gh_sigbus_jmp, 1)) {
		errno = EFAULT;
		ret = -1;
	} else {
		gh_sigbus_arm(1);
		memcpy(dst, src, len);
	}
	gh_sigbus_arm(0);
	return ret;
}

static inline int gh_create_mem(int dev, __u64 size, __u64 flags)
{
	struct gh_create_mem_args args = { .flags = flags, .size = size };

	return ioctl(dev, GH_CREATE_GUEST_MEM, &args);
}

static inline int gh_map(int vm, int gmem, __u64 gpa, __u64 offset,
			 __u64 size, __u32 flags)
{
	struct gh_map_mem_args args = {
		.guest_addr = gpa,
		.flags = flags,
		.guest_mem_fd = gmem,
		.offset = offset,
		.size = size,
	};

	return ioctl(vm, GH_VM_MAP_MEM, &args);
}

/*
 * Write a valid guest devicetree at offset off of a guest memory file.
 * Fails (-1) rather than dying if that memory is lent meanwhile.
 */
static inline int gh_write_dtb(int gmem, __u64 off, __u64 size, __u64 base)
{
	void *buf = calloc(1, size), *p;
	int ret = -1;

	if (!buf)
		return -1;
	if (!gh_fdt_guest(buf, size, base, 1))
		goto out;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, gmem, off);
	if (p == MAP_FAILED)
		goto out;
	ret = gh_copy_to(p, buf, size);
	munmap(p, size);
out:
	free(buf);
	return ret;
}

/*
 * A VM ready to start: a 2 MiB guest memory file (made with @flags) lent
 * RWX at GH_GUEST_BASE with the devicetree in its second MiB. Returns the
 * guest memory fd.
 */
static inline int gh_setup_bootable_flags(int dev, int vm, __u64 flags)
{
	struct gh_vm_dtb_config dtb = {
		.guest_phys_addr = GH_GUEST_BASE + SZ_1M,
		.size = SZ_64K,
	};
	int gmem = gh_create_mem(dev, SZ_2M, flags);

	if (gmem < 0)
		return -1;
	if (gh_write_dtb(gmem, SZ_1M, SZ_64K, GH_GUEST_BASE) ||
	    gh_map(vm, gmem, GH_GUEST_BASE, 0, SZ_2M,
		   GH_MEM_FORCE_LEND | GH_MEM_ALLOW_RWX) ||
	    ioctl(vm, GH_VM_SET_DTB_CONFIG, &dtb)) {
		close(gmem);
		return -1;
	}
	return gmem;
}

static inline int gh_setup_bootable(int dev, int vm)
{
	return gh_setup_bootable_flags(dev, vm, 0);
}

/* For a post-mortem: the interrupt counts of the driver's interrupts. */
static inline void gh_print_gunyah_irqs(void)
{
	char line[512];
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "gunyah"))
			printf("# %s", line);
	fclose(f);
}

/* The debugfs directory number of a VM fd, from its fdinfo. */
static inline int gh_vm_debugfs_id(int vm)
{
	char path[64], line[128];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", vm);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "gh_vm_id: %d", &id) == 1)
			break;
	fclose(f);
	return id;
}

/* Read a whole debugfs file into buf; returns bytes read or -1. */
static inline ssize_t gh_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The value after "key " in a "key value" per line file, or -1. */
static inline long long gh_file_value(const char *path, const char *key)
{
	char buf[8192], *p;
	size_t klen = strlen(key);

	if (gh_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 0);
	return -1;
}

static inline long long gh_mem_total(const char *key)
{
	return gh_file_value(GH_DEBUGFS "/memory", key);
}

static inline int gh_vm_file(int vm, const char *file, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), GH_DEBUGFS "/vm%d/%s", gh_vm_debugfs_id(vm), file);
	return gh_read_file(path, buf, size) < 0 ? -1 : 0;
}

/*
 * The value after " key " in the line of a VM's debugfs memory file that
 * describes the binding at @gpa, or -1.
 */
static inline long long gh_vm_binding_value(int vm, __u64 gpa, const char *key)
{
	char buf[65536], pat[64], *line, *end, *v;

	if (gh_vm_file(vm, "memory", buf, sizeof(buf)))
		return -1;
	snprintf(pat, sizeof(pat), "binding gpa %#llx ", (unsigned long long)gpa);
	line = strstr(buf, pat);
	if (!line)
		return -1;
	end = strchr(line, '\n');
	snprintf(pat, sizeof(pat), " %s ", key);
	v = strstr(line, pat);
	if (!v || (end && v > end))
		return -1;
	return strtoll(v + strlen(pat), NULL, 0);
}

/* Close *fd if it is open, and mark it closed. */
static inline void gh_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

#define GH_SIM			GH_DEBUGFS "/rm_sim"

/* Send one command to the simulated RM's control file; 0 or -1 (errno). */
/* Write s to a (debugfs, sysfs, cgroup) file in one write: 0 or -1. */
static inline int gh_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static inline int __printf(1, 2) gh_sim_ctl(const char *fmt, ...)
{
	char cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return gh_write_file(GH_SIM "/control", cmd);
}

/* A counter of the simulated RM, or -1. */
static inline long long __printf(1, 2) gh_sim_counter(const char *fmt, ...)
{
	char key[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	return gh_file_value(GH_SIM "/counters", key);
}

/* The RM's vmid of a started VM, from its debugfs status; -1 if none. */
static inline long long gh_vm_vmid(int vm)
{
	char path[64];

	snprintf(path, sizeof(path), GH_DEBUGFS "/vm%d/status",
		 gh_vm_debugfs_id(vm));
	return gh_file_value(path, "vmid");
}

/* Milliseconds since *t0, a CLOCK_MONOTONIC time. */
static inline long gh_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A thread that, 3 s after it started, sends SIGUSR1 to @thread (a vCPU's,
 * in GH_VCPU_RUN) and sets @fired, unless @done was set first: a test that
 * waits for the kernel to let that run go fails rather than hangs.
 */
struct gh_watchdog {
	pthread_t thread;
	int done;
	int fired;
};

static inline void *gh_watchdog_thread(void *arg)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	struct gh_watchdog *w = arg;
	int i;

	for (i = 0; i < 300; i++) {
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			return NULL;
		nanosleep(&tick, NULL);
	}
	w->fired = 1;
	pthread_kill(w->thread, SIGUSR1);
	return NULL;
}

/*
 * GH_VM_REMOVE_FUNCTION of vCPU @id while @runner is in its GH_VCPU_RUN,
 * under a gh_watchdog: the ioctl's return value (errno kept), in *took_ms
 * how long it took, in *fired whether the watchdog had to signal the run.
 */
static inline int gh_remove_vcpu_watched(int vm, __u32 id, pthread_t runner,
					 long *took_ms, int *fired)
{
	struct gh_fn_vcpu_arg a = { .id = id };
	struct gh_fn_desc d = {
		.type = GH_FN_VCPU,
		.arg_size = sizeof(a),
		.arg = (__u64)(unsigned long)&a,
	};
	struct gh_watchdog w = { .thread = runner };
	struct timespec t0;
	pthread_t wd;
	int ret, err;

	*took_ms = 0;
	*fired = 0;
	err = pthread_create(&wd, NULL, gh_watchdog_thread, &w);
	if (err) {
		errno = err;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = ioctl(vm, GH_VM_REMOVE_FUNCTION, &d);
	err = errno;
	*took_ms = gh_ms_since(&t0);
	__atomic_store_n(&w.done, 1, __ATOMIC_RELEASE);
	pthread_join(wd, NULL);
	*fired = w.fired;
	errno = err;
	return ret;
}

#endif /* __GH_UTIL_H */
