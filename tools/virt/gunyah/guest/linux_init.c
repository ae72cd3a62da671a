// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the Linux guest that gh_linux boots: a tiny static program
 * (built against the kernel's nolibc) that says it started, finds the
 * shared buffer its VMM gave (the reserved-memory node the Resource
 * Manager wrote for the parcel whose label is in "ghshm=" on the kernel
 * command line), answers the question the VMM left there, and powers the
 * VM off with PSCI SYSTEM_OFF.
 *
 * The buffer's first words (little-endian u32), see gh_linux.c:
 *   [0] GHL_Q_MAGIC, from the VMM   [1] the question, from the VMM
 *   [2] the answer                  [3] the CPUs this guest has online
 *   [4] GHL_A_MAGIC, written last   [5] how the buffer was found
 */
#include "linux_guest.h"

#define DT_RESMEM	"/sys/firmware/devicetree/base/reserved-memory"

static unsigned long parse_num(const char *s)
{
	unsigned long v = 0;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	return v;
}

/* Read up to size bytes of a file; returns the count or -1. */
static int read_file(const char *path, void *buf, int size)
{
	int fd = open(path, O_RDONLY);
	int n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

static unsigned int be32(const unsigned char *p)
{
	return (unsigned int)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Append s to the string in buf (size bytes), cutting it short if need be. */
static void append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf), n = strlen(s);

	if (len + n >= size)
		n = size - len - 1;
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
}

/* DT_RESMEM/node/prop into buf (nolibc has no snprintf). */
static void node_path(char *buf, size_t size, const char *node, const char *prop)
{
	buf[0] = '\0';
	append(buf, size, DT_RESMEM "/");
	append(buf, size, node);
	append(buf, size, "/");
	append(buf, size, prop);
}

/*
 * The guest address of the reserved-memory child whose qcom,label is
 * label, from the devicetree the RM patched; 0 if there is none.
 */
static unsigned long find_shm(unsigned int label)
{
	char dents[2048], path[256];
	unsigned char val[16];
	int fd, n, off;

	fd = open(DT_RESMEM, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	while ((n = getdents64(fd, (void *)dents, sizeof(dents))) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(dents + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			node_path(path, sizeof(path), d->d_name, "qcom,label");
			if (read_file(path, val, 4) != 4 || be32(val) != label)
				continue;
			node_path(path, sizeof(path), d->d_name, "reg");
			if (read_file(path, val, 16) != 16)
				continue;
			close(fd);
			printf("ghinit: the shared buffer is %s (label %u)\n",
			       d->d_name, label);
			return (unsigned long)be32(val) << 32 | be32(val + 4);
		}
	}
	close(fd);
	return 0;
}

/* CPUs online, from a list like "0-1" or "0,2-3". */
static unsigned int cpus_online(void)
{
	char buf[64];
	unsigned int n = 0, a, b;
	char *p = buf;
	int len = read_file("/sys/devices/system/cpu/online", buf, sizeof(buf) - 1);

	if (len <= 0)
		return 0;
	buf[len] = '\0';
	while (*p >= '0' && *p <= '9') {
		a = parse_num(p);
		while (*p >= '0' && *p <= '9')
			p++;
		b = a;
		if (*p == '-') {
			b = parse_num(++p);
			while (*p >= '0' && *p <= '9')
				p++;
		}
		n += b - a + 1;
		if (*p == ',')
			p++;
	}
	return n;
}

/* PSCI SYSTEM_OFF, through the kernel's power-off path. */
static void power_off(void)
{
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	for (;;)
		sleep(1);
}

int main(int argc, char **argv)
{
	const char *label_s = getenv("ghshm");
	const char *addr_s = getenv("ghshm_addr");
	unsigned int *shm;	/* its words, read and written with __atomic */
	unsigned long addr = 0;
	unsigned int label, question, cpus, how = GHL_FOUND_DT;
	char uptime[32] = "?";
	int fd, n;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	n = read_file("/proc/uptime", uptime, sizeof(uptime) - 1);
	if (n > 0) {
		uptime[n] = '\0';
		if (strchr(uptime, ' '))
			*strchr(uptime, ' ') = '\0';
	}
	printf("ghinit: %s, the guest's init, started %s s after boot\n",
	       argv[0], uptime);

	label = label_s ? parse_num(label_s) : 0;
	if (label)
		addr = find_shm(label);
	if (!addr && addr_s) {
		addr = parse_num(addr_s);
		how = GHL_FOUND_CMDLINE;
		printf("ghinit: no reserved-memory node has label %u; using ghshm_addr\n",
		       label);
	}
	if (!addr) {
		printf("ghinit: FAIL: no shared buffer (ghshm=%s)\n",
		       label_s ? label_s : "(unset)");
		power_off();
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("ghinit: FAIL: open /dev/mem: errno %d\n", errno);
		power_off();
	}
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, addr);
	if (shm == MAP_FAILED) {
		printf("ghinit: FAIL: mmap of the shared buffer at 0x%lx: errno %d\n",
		       addr, errno);
		power_off();
	}
	if (__atomic_load_n(&shm[GHL_W_QMAGIC], __ATOMIC_ACQUIRE) != GHL_Q_MAGIC) {
		printf("ghinit: FAIL: no question at 0x%lx (word 0 is 0x%x)\n",
		       addr, shm[GHL_W_QMAGIC]);
		power_off();
	}
	question = __atomic_load_n(&shm[GHL_W_QUESTION], __ATOMIC_RELAXED);
	cpus = cpus_online();
	__atomic_store_n(&shm[GHL_W_ANSWER], GHL_ANSWER(question), __ATOMIC_RELAXED);
	__atomic_store_n(&shm[GHL_W_CPUS], cpus, __ATOMIC_RELAXED);
	__atomic_store_n(&shm[GHL_W_HOW], how, __ATOMIC_RELAXED);
	/* The magic last: the VMM trusts the words before it once it is there. */
	__atomic_store_n(&shm[GHL_W_AMAGIC], GHL_A_MAGIC, __ATOMIC_RELEASE);
	printf("ghinit: read 0x%x at 0x%lx, answered 0x%x; %u CPUs online; powering off\n",
	       question, addr, GHL_ANSWER(question), cpus);
	munmap(shm, 4096);
	close(fd);
	power_off();
	return 0;
}
