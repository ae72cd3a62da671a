/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table of gunyah_guest_test's bare-metal guest (guest_prog.S),
 * shared by the guest and the test: the ops, the table's place in the
 * image, and the guest code's bounds in the test binary.
 */
#ifndef __GUEST_PROG_H
#define __GUEST_PROG_H

/* Image offset of the boot vCPU's table. */
#define GH_PROG_CMDS		0x10000

#define GH_PROG_OP_OFF		0	/* PSCI SYSTEM_OFF */
#define GH_PROG_OP_WRITE	1	/* store b bytes of c at a */
#define GH_PROG_OP_ECHO		2	/* load 32 bits at a, store them at b */
#define GH_PROG_OP_CPU_ON	3	/* PSCI CPU_ON(a, table at image + b) */
#define GH_PROG_OP_CPU_OFF	4	/* PSCI CPU_OFF */
#define GH_PROG_OP_RESET	5	/* PSCI SYSTEM_RESET */
#define GH_PROG_OP_WAIT		6	/* spin until the word at a is b */
#define GH_PROG_OP_WFI_IRQ	7	/* GIC a/b, WFI, INTID stored at c */
#define GH_PROG_OP_NOT		8	/* c words: b[i] = ~a[i] */
#define GH_PROG_OP_WRITE_ID	9	/* store Aff0 | c at a + Aff0 * b */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* One entry of a table: what guest_prog.S documents for each op. */
struct gh_prog_cmd {
	uint64_t op, a, b, c;
};

/* The guest code, copied to offset 0 of the image. */
extern const char gh_guest_prog_start[], gh_guest_prog_end[];
#endif

#endif /* __GUEST_PROG_H */
