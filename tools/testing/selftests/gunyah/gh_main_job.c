// SPDX-License-Identifier: GPL-2.0-only
/*
 * The main job "ghdev run" boots: a VMM's steps, narrated. Creates a VM
 * with a lent image holding its devicetree and a shared buffer, starts it,
 * shows what the driver and the Resource Manager report, and tears it down.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gh_util.h"

#define SHM_GPA		0xc0000000UL

static int fail(const char *what)
{
	printf("gunyah: %s failed: %s\n", what, strerror(errno));
	return 1;
}

static void show(int vm, const char *file)
{
	char buf[4096], *line;

	if (gh_vm_file(vm, file, buf, sizeof(buf)))
		return;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		printf("gunyah:   %s: %s\n", file, line);
}

int main(void)
{
	struct gh_mem_label label = { .guest_addr = SHM_GPA };
	int dev, vm, gmem, shm;

	dev = open(GH_DEV, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return fail("open " GH_DEV);
	printf("gunyah: lend %d, share %d, huge pages %d, boot context %d\n",
	       ioctl(dev, GH_CHECK_EXTENSION, GH_CAP_MEM_LEND),
	       ioctl(dev, GH_CHECK_EXTENSION, GH_CAP_MEM_SHARE),
	       ioctl(dev, GH_CHECK_EXTENSION, GH_CAP_HUGEPAGES),
	       ioctl(dev, GH_CHECK_EXTENSION, GH_CAP_BOOT_CONTEXT));

	vm = ioctl(dev, GH_CREATE_VM, GH_VM_TYPE_DEFAULT);
	if (vm < 0)
		return fail("GH_CREATE_VM");
	gmem = gh_setup_bootable_flags(dev, vm,
				       GHMF_CLOEXEC | GHMF_ALLOW_HUGEPAGE);
	if (gmem < 0)
		return fail("image and devicetree");
	shm = gh_create_mem(dev, SZ_1M, GHMF_CLOEXEC);
	if (shm < 0 || gh_map(vm, shm, SHM_GPA, 0, SZ_1M,
			      GH_MEM_FORCE_SHARE | GH_MEM_ALLOW_READ |
			      GH_MEM_ALLOW_WRITE))
		return fail("shared buffer");
	if (ioctl(vm, GH_VM_GET_MEM_LABEL, &label))
		return fail("GH_VM_GET_MEM_LABEL");
	printf("gunyah: VM created: 2 MiB image lent at %#lx, 1 MiB shared at %#lx (label %u)\n",
	       GH_GUEST_BASE, SHM_GPA, label.label);

	if (ioctl(vm, GH_VM_START, 0))
		return fail("GH_VM_START");
	printf("gunyah: VM started\n");
	show(vm, "status");
	show(vm, "memory");

	close(vm);
	printf("gunyah: VM torn down: parcels %lld, pages lent %lld, shared %lld\n",
	       gh_mem_total("parcels"), gh_mem_total("pages_lent"),
	       gh_mem_total("pages_shared"));
	close(shm);
	close(gmem);
	close(dev);
	return gh_mem_total("parcels") == 0 ? 0 : 1;
}
