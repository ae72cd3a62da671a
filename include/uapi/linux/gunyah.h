/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Userspace interface of the Gunyah hypervisor VM manager (/dev/gunyah).
 */
#ifndef _UAPI_LINUX_GUNYAH_H
#define _UAPI_LINUX_GUNYAH_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl type of /dev/gunyah and the fds it returns */
#define GH_IOCTL_TYPE			'G'

#endif /* _UAPI_LINUX_GUNYAH_H */
