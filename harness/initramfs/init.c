// SPDX-License-Identifier: GPL-2.0
/*
 * init for the harness's QEMU boots.
 *
 * The kernel has already run the built-in KUnit suites when this starts.
 * The job comes from the kernel command line ("ghjob=main" or "ghjob=test",
 * which the kernel hands to init as an environment variable):
 *
 *  test: run every kselftest listed in /kselftest/kselftest-list.txt and
 *        print their TAP nested inside one TAP document (each binary's own
 *        output indented by four spaces, as KTAP nests subtests), then ask
 *        kmemleak for a scan and print its report;
 *  main: show what the driver presents (/dev/gunyah), run the main-job
 *        program /kselftest/gunyah/gh_main_job if the tree has one, then
 *        the example VMM, /gunyah/gh_vmm /gunyah/guest.bin, its output
 *        prefixed "GHVMM: ", then, if the initramfs carries a Linux guest
 *        (/gunyah/linux: only for a boot on a Gunyah image), gh_linux
 *        booting it (2 vCPUs, 128 MiB), or one line saying why not;
 *  bench: run the guest-memory benchmark /kselftest/gunyah/gh_bench;
 *  real: the boot on a real Gunyah hypervisor: the main job, then the
 *        kselftests and the kmemleak scan, as "main" and "test" do;
 *  fuzz: the long run of the ioctl fuzzer (gunyah_fuzz_test with
 *        GH_FUZZ_OPS, default 1000000; GH_FUZZ_SEED=<n> on the kernel
 *        command line replays a seed), then the kmemleak scan.
 *
 * Lines the harness parses start with "GHTEST:"; everything else init
 * prints is TAP or plain text without a printk timestamp, so the parser can
 * tell it from kernel messages on the same console.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KSFT_DIR	"/kselftest"
#define KSFT_LIST	KSFT_DIR "/kselftest-list.txt"
#define TEST_TIMEOUT_S	600
#define VMM_DIR		"/gunyah"	/* the example VMM and its guest */

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void do_mount(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		say("GHTEST: mount %s on %s failed: %s\n", type, dst,
		    strerror(errno));
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		say("GHTEST: writing %s failed: %s\n", path, strerror(errno));
	close(fd);
}

static void cat_file(const char *path, const char *indent)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		say("%s%s", indent, line);
	fclose(f);
}

/*
 * Run a program (argv[0], from dir) with its output piped back and
 * indented; returns the wait status, or -1 if it could not be started. A
 * program that runs past TEST_TIMEOUT_S is killed.
 */
static int run_argv(const char *dir, char *const argv[], const char *indent)
{
	int pipefd[2], status = -1;
	char line[4096];
	pid_t pid;
	FILE *in;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		if (chdir(dir))
			_exit(127);
		alarm(TEST_TIMEOUT_S);	/* SIGALRM survives exec and kills it */
		execv(argv[0], argv);
		printf("exec %s/%s: %s\n", dir, argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	while (in && fgets(line, sizeof(line), in))
		say("%s%s%s", indent, line,
		    line[strlen(line) - 1] == '\n' ? "" : "\n");
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	return status;
}

/* run_argv() of one program with at most one argument. */
static int run_indented(const char *dir, const char *prog, const char *arg,
			const char *indent)
{
	char *argv[] = { (char *)prog, (char *)arg, NULL };

	return run_argv(dir, argv, indent);
}

/*
 * gh_linux boots the Linux guest (its console lines come prefixed
 * "guest: ", its verdict is a "GHLINUX:" line). Only a real hypervisor
 * runs guest code: on the simulator, or without the guest's files, say so.
 */
static void linux_guest(void)
{
	char *argv[] = { "./gh_linux", "--kernel", "linux/Image",
			 "--initrd", "linux/initramfs.cpio.gz", "--mem", "128",
			 "--cpus", "2", NULL };
	int s;

	if (access("/sys/kernel/debug/gunyah/rm_sim/control", F_OK) == 0 ||
	    access(VMM_DIR "/linux/Image", R_OK)) {
		say("GHMAIN: Linux guest: not run: a Linux guest needs a Gunyah hypervisor image (GH_HYP_IMAGE=/path/to/hypvm.elf); the simulator runs no guest code\n");
		return;
	}
	say("GHMAIN: Linux guest: gh_linux --kernel linux/Image --initrd linux/initramfs.cpio.gz --mem 128 --cpus 2\n");
	s = run_argv(VMM_DIR, argv, "");
	say("GHMAIN: Linux guest exited with status %d\n",
	    WIFEXITED(s) ? WEXITSTATUS(s) : -1);
}

static void run_kselftests(void)
{
	const char *only = getenv("GH_KSFT");
	int repeat = getenv("GH_KSFT_REPEAT") ? atoi(getenv("GH_KSFT_REPEAT")) : 1;
	char line[512], *names[256];
	int n = 0, i;
	FILE *f;

	f = fopen(KSFT_LIST, "r");
	if (!f) {
		say("GHTEST: no %s: %s\n", KSFT_LIST, strerror(errno));
		return;
	}
	/* Each line is "collection:test"; GH_KSFT keeps one test only. */
	while (n < 256 && fgets(line, sizeof(line), f)) {
		char *test = strchr(line, ':');

		line[strcspn(line, "\n")] = '\0';
		if (test && (!only || !strcmp(test + 1, only)))
			names[n++] = strdup(line);
	}
	fclose(f);
	/* GH_KSFT_REPEAT runs the list that many times, for a flaky case. */
	for (i = n; repeat > 1 && i < n * repeat && i < 256; i++)
		names[i] = strdup(names[i % n]);
	n = i;

	say("GHTEST: kselftest begin\n");
	say("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		char *test = strchr(names[i], ':');
		char dir[512];
		int st;

		*test++ = '\0';
		snprintf(dir, sizeof(dir), KSFT_DIR "/%s", names[i]);
		say("# selftests: %s: %s\n", names[i], test);
		st = run_indented(dir, test, NULL, "    ");
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			say("ok %d selftests: %s: %s\n", i + 1, names[i], test);
		else if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 4)
			say("ok %d selftests: %s: %s # SKIP\n", i + 1,
			    names[i], test);
		else if (st != -1 && WIFSIGNALED(st))
			say("not ok %d selftests: %s: %s # killed by signal %d\n",
			    i + 1, names[i], test, WTERMSIG(st));
		else
			say("not ok %d selftests: %s: %s # exit=%d\n", i + 1,
			    names[i], test, st == -1 ? -1 : WEXITSTATUS(st));
	}
	say("GHTEST: kselftest end\n");
}

static void kmemleak_report(void)
{
	const char *km = "/sys/kernel/debug/kmemleak";
	struct timespec ts = { .tv_sec = 6 };

	if (access(km, W_OK)) {
		say("GHTEST: kmemleak not available\n");
		return;
	}
	/* Objects younger than 5 s are never reported: let them age first. */
	nanosleep(&ts, NULL);
	write_file(km, "scan");
	write_file(km, "scan");
	say("GHTEST: kmemleak begin\n");
	cat_file(km, "");
	say("GHTEST: kmemleak end\n");
}

static void main_job(void)
{
	struct stat st;

	say("GHMAIN: kernel: ");
	cat_file("/proc/version", "");
	if (stat("/dev/gunyah", &st) == 0 && S_ISCHR(st.st_mode)) {
		say("GHMAIN: /dev/gunyah is a character device %u:%u\n",
		    major(st.st_rdev), minor(st.st_rdev));
	} else {
		say("GHMAIN: /dev/gunyah is missing: the driver did not register it.\n");
		say("GHMAIN: its kernel messages (prefixed \"gunyah\") say why; /proc/misc has:\n");
		cat_file("/proc/misc", "GHMAIN:   ");
	}
	if (access(KSFT_DIR "/gunyah/gh_main_job", X_OK) == 0) {
		int s = run_indented(KSFT_DIR "/gunyah", "./gh_main_job", NULL, "");

		say("GHMAIN: main job exited with status %d\n",
		    WIFEXITED(s) ? WEXITSTATUS(s) : -1);
	}
	if (access(VMM_DIR "/gh_vmm", X_OK) == 0) {
		int s;

		say("GHMAIN: example VMM: gh_vmm guest.bin\n");
		s = run_indented(VMM_DIR, "./gh_vmm", "guest.bin", "GHVMM: ");
		say("GHMAIN: example VMM exited with status %d\n",
		    WIFEXITED(s) ? WEXITSTATUS(s) : -1);
	}
	linux_guest();
}

int main(void)
{
	const char *job = getenv("ghjob");

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tmpfs", "/tmp", "tmpfs");
	setenv("PATH", "/kselftest/gunyah:/bin", 1);

	say("GHTEST: init starts job '%s'\n", job ? job : "(none)");
	if (job && !strcmp(job, "test")) {
		run_kselftests();
		kmemleak_report();
	} else if (job && !strcmp(job, "real")) {
		main_job();
		run_kselftests();
		kmemleak_report();
	} else if (job && !strcmp(job, "fuzz")) {
		int st;

		setenv("GH_FUZZ_OPS", "1000000", 0);
		say("GHTEST: kselftest begin\n");
		say("TAP version 13\n1..1\n");
		st = run_indented(KSFT_DIR "/gunyah", "./gunyah_fuzz_test", NULL,
				  "    ");
		say("%s 1 selftests: gunyah: gunyah_fuzz_test\n",
		    WIFEXITED(st) && !WEXITSTATUS(st) ? "ok" : "not ok");
		say("GHTEST: kselftest end\n");
		kmemleak_report();
	} else if (job && !strcmp(job, "bench")) {
		int st = run_indented(KSFT_DIR "/gunyah", "./gh_bench", NULL, "");

		say("GHTEST: gh_bench ended with status %#x\n", st);
	} else {
		main_job();
	}
	say("GHTEST: done\n");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
