/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bare-metal arm64 guest for the Gunyah example VMM (tools/virt/gunyah).
 *
 * The Resource Manager starts the boot vCPU at the first byte of the image
 * with the MMU off and x0 holding the devicetree's address. The code only
 * uses PC-relative addressing, so it runs wherever the image is placed.
 *
 * It writes a greeting to a PL011-style UART that the VMM emulates through
 * MMIO exits, then powers the VM off with PSCI SYSTEM_OFF.
 */
	.equ	UART_BASE, 0x09000000
	.equ	UART_DR, 0x00			/* data register */
	.equ	UART_FR, 0x18			/* flag register */
	.equ	UART_FR_TXFF, 5			/* bit: transmit FIFO full */
	.equ	PSCI_SYSTEM_OFF, 0x84000008

	.section .text.boot, "ax"
	.globl	_start
_start:
	mov	x19, x0				/* the devicetree, kept for a debugger */
	mov	x1, #UART_BASE
	adr	x2, message

next_char:
	ldrb	w3, [x2], #1
	cbz	w3, power_off
wait_tx:
	ldr	w4, [x1, #UART_FR]
	tbnz	w4, #UART_FR_TXFF, wait_tx
	strb	w3, [x1, #UART_DR]
	b	next_char

power_off:
	movz	w0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	movk	w0, #(PSCI_SYSTEM_OFF & 0xffff)
	hvc	#0
halt:
	wfi
	b	halt

	.section .rodata, "a"
message:
	.asciz	"Hello from a Gunyah guest\n"
