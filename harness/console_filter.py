#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Show the progress of a QEMU boot while the full console goes to a file.

Usage: console_filter.py JOB < console
Prints init's own lines, test results down to one level of nesting, the
driver's messages and anything that looks like a kernel problem; the
whole console is kept in the log file by the caller.
"""
import re
import sys

sys.path.insert(0, sys.path[0])
from report import PROBLEMS, TS  # noqa: E402

SHOW = re.compile(r'^( {0,4})(ok|not ok) \d+|^ {0,4}# Subtest:|^GH(TEST|MAIN):|gunyah')


def main():
    job = sys.argv[1] if len(sys.argv) > 1 else 'test'
    for line in sys.stdin:
        line = line.rstrip('\r\n')
        body = TS.sub('', line)
        timestamped = body != line
        if (SHOW.search(body) or any(p.search(body) for p in PROBLEMS)
                or (job == 'main' and not timestamped)):
            print(f'    | {body}', flush=True)


if __name__ == '__main__':
    main()
