/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bare-metal arm64 guest for the Gunyah example VMM (tools/virt/gunyah).
 *
 * The Resource Manager starts the boot vCPU at the first byte of the image
 * with the MMU off and x0 holding the devicetree's address. The code only
 * uses PC-relative addressing, so it runs wherever the image is placed.
 * With the MMU off every data access is Device-nGnRnE: aligned accesses
 * only, and each one reaches memory (or the VMM) in program order.
 *
 * What it does, each step something the VMM checks:
 *  1. writes a greeting to a PL011-style UART the VMM emulates;
 *  2. reads the VMM's magic register and writes what it read to the echo
 *     register;
 *  3. stores a pattern into the shared buffer at 0xc0000000, which the VMM
 *     reads through its own mapping after the VM stops;
 *  4. starts vCPU 1 with PSCI CPU_ON (entry "secondary", a context id);
 *     vCPU 1 writes its MPIDR Aff0 to the vCPU-id register, leaves a mark
 *     and the context id in the shared buffer, and calls PSCI CPU_OFF;
 *     the boot vCPU waits for the mark;
 *  5. powers the VM off with PSCI SYSTEM_OFF.
 * An unexpected PSCI answer or a wait that times out is reported through
 * the error registers.
 */
	.equ	UART_BASE, 0x09000000
	.equ	UART_DR, 0x00			/* data register */
	.equ	UART_FR, 0x18			/* flag register */
	.equ	UART_FR_TXFF, 5			/* bit: transmit FIFO full */

	/* The VMM's check device (gh_vmm.c), a page after the UART. */
	.equ	CHK_BASE, 0x09001000
	.equ	CHK_MAGIC, 0x00			/* read: the VMM's magic value */
	.equ	CHK_ECHO, 0x04			/* write: what was read */
	.equ	CHK_CPU_ID, 0x08		/* write: a vCPU's MPIDR Aff0 */
	.equ	CHK_ERROR, 0x0c			/* write: an error code */
	.equ	CHK_ERROR_DATA, 0x10		/* write: its detail, first */

	.equ	ERR_CPU_ON, 1			/* data: CPU_ON's return value */
	.equ	ERR_TIMEOUT, 2			/* data: the word last seen */
	.equ	ERR_CPU_OFF, 3			/* data: CPU_OFF's return value */

	.equ	SHM_BASE, 0xc0000000
	.equ	SHM_PATTERN_WORDS, 16		/* words 0-15: PATTERN + index */
	.equ	SHM_PATTERN, 0x600d0000
	.equ	SHM_MARK, 0x100			/* vCPU 1: MARK | its Aff0 */
	.equ	SHM_CONTEXT, 0x104		/* vCPU 1: its context id */
	.equ	MARK, 0x5ec0d000
	.equ	CONTEXT_ID, 0xc0ffee01
	.equ	WAIT_LOOPS, 0x2000000

	.equ	PSCI_CPU_OFF, 0x84000002
	.equ	PSCI_CPU_ON_64, 0xc4000003
	.equ	PSCI_SYSTEM_OFF, 0x84000008

	/* Load a 32-bit constant into a register. */
	.macro	mov32, reg, val
	movz	\reg, #((\val) >> 16), lsl #16
	movk	\reg, #((\val) & 0xffff)
	.endm

	.section .text.boot, "ax"
	.globl	_start
_start:
	mov	x19, x0				/* the devicetree, kept for a debugger */
	mov32	x20, UART_BASE
	mov32	x21, CHK_BASE
	mov32	x22, SHM_BASE

	/* 1. The greeting. */
	adr	x2, message
next_char:
	ldrb	w3, [x2], #1
	cbz	w3, mmio_read
wait_tx:
	ldr	w4, [x20, #UART_FR]
	tbnz	w4, #UART_FR_TXFF, wait_tx
	strb	w3, [x20, #UART_DR]
	b	next_char

	/* 2. Read the VMM's value, give it back. */
mmio_read:
	ldr	w3, [x21, #CHK_MAGIC]
	str	w3, [x21, #CHK_ECHO]

	/* 3. A pattern in the shared buffer. */
	mov	x4, #0
	mov32	w5, SHM_PATTERN
fill:
	orr	w6, w5, w4
	str	w6, [x22, x4, lsl #2]
	add	x4, x4, #1
	cmp	x4, #SHM_PATTERN_WORDS
	b.lo	fill

	/* 4. vCPU 1: PSCI CPU_ON(target MPIDR 1, entry, context id). */
	mov32	w0, PSCI_CPU_ON_64
	mov	x1, #1
	adr	x2, secondary
	mov32	x3, CONTEXT_ID
	hvc	#0
	cbz	x0, wait_secondary
	str	w0, [x21, #CHK_ERROR_DATA]
	mov	w1, #ERR_CPU_ON
	str	w1, [x21, #CHK_ERROR]
	b	power_off

wait_secondary:
	mov32	w5, (MARK | 1)
	mov32	x7, WAIT_LOOPS
1:	ldr	w6, [x22, #SHM_MARK]
	cmp	w6, w5
	b.eq	power_off
	subs	x7, x7, #1
	b.ne	1b
	str	w6, [x21, #CHK_ERROR_DATA]
	mov	w1, #ERR_TIMEOUT
	str	w1, [x21, #CHK_ERROR]

	/* 5. The end. */
power_off:
	mov32	w0, PSCI_SYSTEM_OFF
	hvc	#0
halt:
	wfi
	b	halt

/*
 * vCPU 1's entry from CPU_ON: MMU off, x0 = the context id. It tells the
 * VMM who it is, leaves its mark for the boot vCPU, and turns itself off.
 */
secondary:
	mov	x9, x0
	mov32	x21, CHK_BASE
	mov32	x22, SHM_BASE
	mrs	x10, mpidr_el1
	and	x10, x10, #0xff
	str	w10, [x21, #CHK_CPU_ID]
	str	w9, [x22, #SHM_CONTEXT]
	mov32	w11, MARK
	orr	w11, w11, w10
	dsb	sy
	str	w11, [x22, #SHM_MARK]
	dsb	sy
	mov32	w0, PSCI_CPU_OFF
	hvc	#0
	/* CPU_OFF does not return; if it does, say so and stay here. */
	str	w0, [x21, #CHK_ERROR_DATA]
	mov	w1, #ERR_CPU_OFF
	str	w1, [x21, #CHK_ERROR]
	b	halt

	.section .rodata, "a"
message:
	.asciz	"Hello from a Gunyah guest\n"
