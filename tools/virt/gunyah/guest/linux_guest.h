/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What gh_linux (the VMM) and the /init of its Linux guest agree on: the
 * layout of the question and answer in the shared buffer. Only macros, so
 * both the nolibc-built init and the VMM can include it.
 */
#ifndef __GH_LINUX_GUEST_H
#define __GH_LINUX_GUEST_H

/* Word indexes (32-bit, little-endian) into the shared buffer. */
#define GHL_W_QMAGIC		0
#define GHL_W_QUESTION		1
#define GHL_W_ANSWER		2
#define GHL_W_CPUS		3
#define GHL_W_AMAGIC		4
#define GHL_W_HOW		5

#define GHL_Q_MAGIC		0x514c4847U	/* "GHLQ" */
#define GHL_A_MAGIC		0x414c4847U	/* "GHLA" */

/* The answer the guest owes for a question. */
#define GHL_ANSWER(q)		(~(q) ^ 0x584e494cU)

/* How the guest found the buffer (GHL_W_HOW). */
#define GHL_FOUND_DT		1	/* a reserved-memory node with the label */
#define GHL_FOUND_CMDLINE	2	/* only the address on the command line */

#endif /* __GH_LINUX_GUEST_H */
