/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for a Gunyah image, for `GH_HYP_IMAGE=stub ghdev run`: linked
 * where the hypervisor loads itself, it enters the kernel the way the
 * image's boot code does (x0 = devicetree, x1..x3 = 0), but at EL2 and
 * without any hypervisor. It checks the harness's half of booting on
 * Gunyah -- load addresses, devicetree, initramfs, CPUs -- on a machine
 * that has no image.
 */
	.globl	_start
_start:
	ldr	x0, =0x40F00000		/* the devicetree */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ldr	x4, =0x41000000		/* the kernel Image */
	br	x4
