/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bare-metal arm64 guest of gunyah_guest_test: a small interpreter of
 * a command table the test writes into the image before the VM starts, so
 * one guest serves every case.
 *
 * The code is assembled into the test itself (a read-only section of its
 * own, between gh_guest_prog_start and gh_guest_prog_end) and copied to
 * offset 0 of the guest image, where the boot vCPU starts with the MMU off
 * and x0 = the devicetree. It is position-independent: only PC-relative
 * addresses, no literal pools, no relocations. With the MMU off every data
 * access is Device-nGnRnE: aligned accesses, each one in program order.
 * Accesses that trap (emulated MMIO, the virtual GIC) use no writeback
 * addressing: the hypervisor can emulate only an access whose syndrome it
 * gets, and a load or store with writeback has none.
 *
 * The boot vCPU runs the table at image offset GH_PROG_CMDS (0x10000);
 * the ops are numbered in guest_prog.h.
 * A vCPU started with the CPU_ON command runs the table whose address it
 * gets as its context id. An entry is four 64-bit words: op, a, b, c.
 *
 *   0 OFF       PSCI SYSTEM_OFF
 *   1 WRITE     store the low b bytes (1, 2, 4 or 8) of c at address a
 *   2 ECHO      load 32 bits from a, store them at b
 *   3 CPU_ON    PSCI CPU_ON(target MPIDR a, entry: the interpreter, context
 *               id: image base + b); its return value is stored (32 bits)
 *               at c unless c is 0
 *   4 CPU_OFF   PSCI CPU_OFF; if it returns, its value is stored at a
 *               unless a is 0, and the vCPU halts
 *   5 RESET     PSCI SYSTEM_RESET
 *   6 WAIT      spin until the 32-bit word at a equals b
 *   7 WFI_IRQ   GICv3 at a (distributor) and b (this vCPU's
 *               redistributor): every SPI enabled, group 1, routed to
 *               vCPU 0; then WFI until an interrupt is acknowledged, and
 *               its INTID stored (32 bits) at c
 *   8 NOT       c words: store ~(32-bit word i of a) as word i of b
 *   9 WRITE_ID  store (MPIDR Aff0 | c), 32 bits, at a + Aff0 * b
 * Anything else is taken as OFF.
 */
#include "guest_prog.h"

	.equ	OP_OFF, GH_PROG_OP_OFF
	.equ	OP_WRITE, GH_PROG_OP_WRITE
	.equ	OP_ECHO, GH_PROG_OP_ECHO
	.equ	OP_CPU_ON, GH_PROG_OP_CPU_ON
	.equ	OP_CPU_OFF, GH_PROG_OP_CPU_OFF
	.equ	OP_RESET, GH_PROG_OP_RESET
	.equ	OP_WAIT, GH_PROG_OP_WAIT
	.equ	OP_WFI_IRQ, GH_PROG_OP_WFI_IRQ
	.equ	OP_NOT, GH_PROG_OP_NOT
	.equ	OP_WRITE_ID, GH_PROG_OP_WRITE_ID

	.equ	PSCI_CPU_OFF, 0x84000002
	.equ	PSCI_CPU_ON_64, 0xc4000003
	.equ	PSCI_SYSTEM_OFF, 0x84000008
	.equ	PSCI_SYSTEM_RESET, 0x84000009

	.equ	GICD_CTLR, 0x0
	.equ	GICD_TYPER, 0x4
	.equ	GICD_IGROUPR, 0x80
	.equ	GICD_ISENABLER, 0x100
	.equ	GICD_IPRIORITYR, 0x400
	.equ	GICD_IROUTER, 0x6000
	.equ	GICD_CTLR_RWP, 31
	.equ	GICD_CTLR_ARE, 0x10
	.equ	GICD_CTLR_ENABLE, 0x13		/* ARE, both group enables */
	.equ	GICR_WAKER, 0x14
	.equ	GICR_WAKER_SLEEP, 1		/* bit ProcessorSleep */
	.equ	GICR_WAKER_ASLEEP, 2		/* bit ChildrenAsleep */
	.equ	INTID_SPURIOUS, 1020

	/* The GIC CPU interface, by encoding. */
#define ICC_PMR_EL1	S3_0_C4_C6_0
#define ICC_IAR1_EL1	S3_0_C12_C12_0
#define ICC_EOIR1_EL1	S3_0_C12_C12_1
#define ICC_SRE_EL1	S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1	S3_0_C12_C12_7

	.macro	mov32, reg, val
	movz	\reg, #((\val) >> 16), lsl #16
	movk	\reg, #((\val) & 0xffff)
	.endm

	.pushsection .rodata.gh_guest_prog, "a"
	.balign	16
	.globl	gh_guest_prog_start
gh_guest_prog_start:
.Lbase:
	adr	x19, .Lbase			/* the image base */
	add	x20, x19, #(GH_PROG_CMDS >> 12), lsl #12
	b	next

/* A secondary's entry from CPU_ON: x0 = its table. */
secondary:
	adr	x19, .Lbase
	mov	x20, x0

next:
	ldp	x0, x1, [x20], #16		/* op, a */
	ldp	x2, x3, [x20], #16		/* b, c */
	cmp	x0, #OP_WRITE
	b.eq	op_write
	cmp	x0, #OP_ECHO
	b.eq	op_echo
	cmp	x0, #OP_CPU_ON
	b.eq	op_cpu_on
	cmp	x0, #OP_CPU_OFF
	b.eq	op_cpu_off
	cmp	x0, #OP_RESET
	b.eq	op_reset
	cmp	x0, #OP_WAIT
	b.eq	op_wait
	cmp	x0, #OP_WFI_IRQ
	b.eq	op_wfi_irq
	cmp	x0, #OP_NOT
	b.eq	op_not
	cmp	x0, #OP_WRITE_ID
	b.eq	op_write_id
	/* OFF, or unknown. */
	mov32	w0, PSCI_SYSTEM_OFF
	hvc	#0
halt:
	wfi
	b	halt

op_write:
	cmp	x2, #1
	b.ne	2f
	strb	w3, [x1]
	b	next
2:	cmp	x2, #2
	b.ne	4f
	strh	w3, [x1]
	b	next
4:	cmp	x2, #4
	b.ne	8f
	str	w3, [x1]
	b	next
8:	str	x3, [x1]
	b	next

op_echo:
	ldr	w4, [x1]
	str	w4, [x2]
	b	next

op_cpu_on:
	add	x2, x19, x2			/* its table: the context id */
	mov	x5, x3
	adr	x4, secondary
	mov	x3, x2
	mov	x2, x4
	mov32	w0, PSCI_CPU_ON_64
	hvc	#0
	cbz	x5, next
	str	w0, [x5]
	b	next

op_cpu_off:
	mov	x5, x1
	mov32	w0, PSCI_CPU_OFF
	hvc	#0
	cbz	x5, halt
	str	w0, [x5]
	b	halt

op_reset:
	mov32	w0, PSCI_SYSTEM_RESET
	hvc	#0
	b	halt

op_wait:
	ldr	w4, [x1]
	cmp	w4, w2
	b.ne	op_wait
	b	next

op_not:
	cbz	x3, next
	ldr	w4, [x1], #4
	mvn	w4, w4
	str	w4, [x2], #4
	sub	x3, x3, #1
	b	op_not

op_write_id:
	mrs	x4, mpidr_el1
	and	x4, x4, #0xff
	madd	x1, x4, x2, x1
	orr	w4, w4, w3
	str	w4, [x1]
	b	next

/* x1 = GICD, x2 = this vCPU's GICR, x3 = where the INTID goes. */
op_wfi_irq:
	/* Affinity routing first, then the SPIs, then the groups on. */
	mov	w4, #GICD_CTLR_ARE
	str	w4, [x1, #GICD_CTLR]
	bl	gicd_wait
	ldr	w4, [x1, #GICD_TYPER]
	and	w4, w4, #0x1f			/* ITLinesNumber: SPI blocks of 32 */
	mov	w5, #1				/* block 0 holds SGIs and PPIs */
	mov	w6, #-1
	mov32	w7, 0xa0a0a0a0
spi_block:
	cmp	w5, w4
	b.hi	spis_done
	add	x8, x1, #GICD_IGROUPR
	str	w6, [x8, x5, lsl #2]
	lsl	x8, x5, #5			/* the block's first INTID */
	add	x10, x1, #GICD_IPRIORITYR	/* a byte per INTID */
	add	x10, x10, x8
	mov	x9, #0
1:	str	w7, [x10, x9]
	add	x9, x9, #4
	cmp	x9, #32
	b.lo	1b
	add	x10, x1, #GICD_IROUTER		/* 64 bits per INTID */
	add	x10, x10, x8, lsl #3
	mov	x9, #0
1:	str	xzr, [x10, x9, lsl #3]		/* to Aff 0.0.0.0: vCPU 0 */
	add	x9, x9, #1
	cmp	x9, #32
	b.lo	1b
	add	x8, x1, #GICD_ISENABLER
	str	w6, [x8, x5, lsl #2]
	add	w5, w5, #1
	b	spi_block
spis_done:
	mov	w4, #GICD_CTLR_ENABLE
	str	w4, [x1, #GICD_CTLR]
	bl	gicd_wait

	/* Wake the redistributor. */
	ldr	w4, [x2, #GICR_WAKER]
	bic	w4, w4, #(1 << GICR_WAKER_SLEEP)
	str	w4, [x2, #GICR_WAKER]
1:	ldr	w4, [x2, #GICR_WAKER]
	tbnz	w4, #GICR_WAKER_ASLEEP, 1b

	/* The CPU interface: system registers, every priority, group 1. */
	mrs	x4, ICC_SRE_EL1
	orr	x4, x4, #1
	msr	ICC_SRE_EL1, x4
	isb
	mov	x4, #0xff
	msr	ICC_PMR_EL1, x4
	mov	x4, #1
	msr	ICC_IGRPEN1_EL1, x4
	isb

	/* Interrupts stay masked in PSTATE: WFI wakes up anyway. */
wfi_loop:
	wfi
	mrs	x4, ICC_IAR1_EL1
	and	x4, x4, #0xffffff
	cmp	x4, #INTID_SPURIOUS
	b.hs	wfi_loop
	msr	ICC_EOIR1_EL1, x4
	isb
	str	w4, [x3]
	b	next

gicd_wait:
	ldr	w4, [x1, #GICD_CTLR]
	tbnz	w4, #GICD_CTLR_RWP, gicd_wait
	ret

	.balign	16
	.globl	gh_guest_prog_end
gh_guest_prog_end:
	.popsection
