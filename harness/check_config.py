#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every option a config fragment asks for made it into .config.

Kconfig silently drops a request whose dependencies are not met, so a
fragment line that did not take effect is reported with the value it got.
Usage: check_config.py FRAGMENT DOTCONFIG
"""
import re
import sys


def parse(path, fragment):
    vals = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            m = re.match(r'^# (CONFIG_\w+) is not set$', line)
            if m:
                vals[m.group(1)] = 'n'
                continue
            if not line or line.startswith('#'):
                continue
            m = re.match(r'^(CONFIG_\w+)=(.*)$', line)
            if m:
                vals[m.group(1)] = m.group(2)
            elif fragment:
                sys.exit(f'{path}: cannot parse line: {line}')
    return vals


def main():
    want = parse(sys.argv[1], True)
    have = parse(sys.argv[2], False)
    bad = []
    for opt, val in want.items():
        got = have.get(opt, 'n')
        if got != val:
            bad.append(f'  {opt}: fragment wants {val}, .config has {got}')
    if bad:
        print('config fragments did not take effect (unmet dependencies?):')
        print('\n'.join(bad))
        return 1
    print(f'    all {len(want)} fragment options took effect')
    return 0


if __name__ == '__main__':
    sys.exit(main())
