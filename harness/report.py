#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a QEMU console log (and the static-check results) into a verdict.

  report.py [--static RESULTS] CONSOLE_LOG     the test job
  report.py --main CONSOLE_LOG                 the main job

The console carries two TAP streams: KUnit's, printed by the kernel (every
line has a printk timestamp), and the kselftests', printed by init between
"GHTEST: kselftest begin/end" without timestamps. Both nest subtests by
four-space indentation. A result line with no results nested under it is a
test case; those are what is counted. A parent that failed although all its
cases passed (a selftest binary that crashed after its last case, a suite
whose plan was not met) counts as one more failure.

Any kernel warning, BUG, oops, KASAN, lockdep, hung-task or kmemleak report
fails the run, as does a boot that never reached "GHTEST: done".
Prints a per-suite summary and ends with "N passed, N failed[, N skipped]";
exits 1 if anything failed.
"""
import argparse
import re
import sys

TS = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(not ok|ok) (\d+)\s*-?\s*([^#]*?)\s*(#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)')

# Kernel reports that make any run a failure.
PROBLEMS = [
    re.compile(p) for p in (
        r'-+\[ cut here \]-+',
        r'\bWARNING:',
        r'\bBUG:',
        r'\bOops\b',
        r'Internal error:',
        r'Kernel panic',
        r'Unable to handle kernel',
        r'\bKASAN\b.*\b(out-of-bounds|use-after-free|invalid-free|double-free|wild-memory)',
        r'UBSAN:',
        r'kmemleak: \d+ new suspected memory leaks',
        r'^unreferenced object 0x',
        r'INFO: task .* blocked for more than',
        r'INFO: possible (recursive|circular|irq)',
        r'rcu: INFO: .*detected stall',
        r'DEBUG_LOCKS_WARN_ON',
        r'sleeping function called from invalid context',
    )
]


class Node:
    def __init__(self, level, pending=False):
        self.level = level
        self.name = '(no result line)'
        self.children = []
        self.plan = None
        self.ok = None
        self.skip = False
        self.note = ''
        self.pending = pending


def parse_tap(lines):
    """Parse indented TAP/KTAP (timestamps already stripped) into a tree.

    stack[i] is the node whose results are at indentation level i. A line
    deeper than the stack opens "pending" nodes: subtests whose own result
    line comes after their children's."""
    root = Node(-1)
    stack = [root]
    for raw in lines:
        body = raw.lstrip(' ')
        indent = len(raw) - len(body)
        plan, res = PLAN.match(body), RESULT.match(body)
        if indent % 4 or not (plan or res):
            continue
        level = indent // 4
        while len(stack) <= level:
            node = Node(len(stack) - 1, pending=True)
            stack[-1].children.append(node)
            stack.append(node)
        del stack[level + 1:]
        parent = stack[level]
        if plan:
            parent.plan = int(plan.group(1))
            continue
        last = parent.children[-1] if parent.children else None
        if last is not None and last.pending and last.ok is None:
            node = last
        else:
            node = Node(level)
            parent.children.append(node)
        node.name = res.group(3).strip()
        node.ok = res.group(1) == 'ok'
        node.note = (res.group(5) or '').strip()
        node.skip = node.note.upper().startswith('SKIP')
    return root


def tally(node, path, failures):
    """Count the test cases in node (a leaf is one case); returns
    (passed, failed, skipped) and appends failure descriptions."""
    if node.ok is None:
        failures.append(f'{path}: no result line (crashed or hung?)')
        return 0, 1, 0
    if not node.children:
        if node.skip:
            return 0, 0, 1
        if node.ok:
            return 1, 0, 0
        failures.append(f'{path}: failed {node.note}'.rstrip())
        return 0, 1, 0
    p = f = s = 0
    for ch in node.children:
        cp, cf, cs = tally(ch, f'{path}.{ch.name}', failures)
        p, f, s = p + cp, f + cf, s + cs
    if node.plan is not None and node.plan > len(node.children):
        missing = node.plan - len(node.children)
        failures.append(f'{path}: {missing} planned results missing')
        f += missing
    if not node.ok and f == 0:
        failures.append(f'{path}: failed ({node.note or "no case failed"})')
        f += 1
    return p, f, s


def kernel_problems(lines):
    found = []
    for ln in lines:
        body = TS.sub('', ln)
        if any(p.search(body) for p in PROBLEMS):
            found.append(body.strip())
    return found


def read_console(path):
    try:
        with open(path, errors='replace') as f:
            return [ln.rstrip('\r\n') for ln in f]
    except OSError as e:
        print(f'cannot read console log: {e}')
        return []


def split_streams(lines):
    """Return (kunit lines, kselftest lines, kmemleak lines, markers)."""
    kunit, ksft, leak, markers = [], [], [], set()
    region = None
    started = False
    for ln in lines:
        if ln.startswith('GHTEST: '):
            tag = ln[8:].strip()
            markers.add(tag)
            if tag in ('kselftest begin', 'kmemleak begin'):
                region = tag.split()[0]
            elif tag.endswith(' end'):
                region = None
            continue
        m = TS.match(ln)
        if m:
            body = ln[m.end():]
            # KUnit's stream starts with its top-level KTAP header.
            if body.startswith('KTAP version'):
                started = True
            if started:
                kunit.append(body)
            continue
        if region == 'kselftest':
            ksft.append(ln)
        elif region == 'kmemleak':
            leak.append(ln)
    return kunit, ksft, leak, markers


def summarize(kind, root, rows, failures):
    for suite in root.children:
        p, f, s = tally(suite, f'{kind}.{suite.name}', failures)
        rows.append((kind, suite.name, p, f, s))
    if not root.children:
        rows.append((kind, '(no output)', 0, 1, 0))
        failures.append(f'{kind}: printed no results')
    elif root.plan is not None and root.plan > len(root.children):
        missing = root.plan - len(root.children)
        rows.append((kind, '(missing suites)', 0, missing, 0))
        failures.append(f'{kind}: {missing} planned suites never reported')


MAIN_RC = re.compile(r'GHMAIN: (main job|example VMM|Linux guest) exited with status (-?\d+)')
GHLINUX = re.compile(r'^GHLINUX: (ok|FAIL)\b(.*)$')


def boot_rows(prefix, console, rows, failures, main_job=False):
    """Add the rows of one test boot (KUnit, kselftests, the kernel log
    and, with main_job, the main-job programs), each suite named with
    prefix."""
    lines = read_console(console)
    kunit, ksft, leak, markers = split_streams(lines)

    if main_job:
        rcs = [(m.group(1), int(m.group(2)))
               for m in (MAIN_RC.match(ln) for ln in lines) if m]
        for job in ('main job', 'example VMM', 'Linux guest'):
            got = [rc for j, rc in rcs if j == job]
            ok = len(got) == 1 and got[0] == 0
            why = f'exit status {got[0]}' if got else 'did not run'
            if job == 'Linux guest':
                # gh_linux's verdict line says what failed.
                verdict = [m for m in (GHLINUX.match(ln) for ln in lines) if m]
                ok = ok and len(verdict) == 1 and verdict[0].group(1) == 'ok'
                if verdict and verdict[-1].group(1) != 'ok':
                    why = 'GHLINUX: FAIL' + verdict[-1].group(2)
            rows.append((prefix + 'main', job, int(ok), int(not ok), 0))
            if not ok:
                failures.append(f'{prefix}main.{job}: {why}')
    summarize(prefix + 'kunit', parse_tap(kunit), rows, failures)
    if 'kselftest begin' not in markers:
        rows.append((prefix + 'kselftest', '(did not run)', 0, 1, 0))
        failures.append(f'{prefix}kselftest: init never started the kselftests')
    else:
        summarize(prefix + 'kselftest', parse_tap(ksft), rows, failures)

    probs = kernel_problems(lines) + [f'kmemleak: {ln}' for ln in leak
                                      if ln.startswith('unreferenced object')]
    rows.append((prefix + 'kernel', 'log clean (no WARN/BUG/KASAN/lockdep/kmemleak/RCU stall)',
                 int(not probs), int(bool(probs)), 0))
    failures.extend(f'{prefix}kernel: {p}' for p in probs[:40])
    done = 'done' in markers
    rows.append((prefix + 'boot', 'finished and powered off', int(done), int(not done), 0))
    if not done:
        failures.append(f'{prefix}boot: never reached the end of init '
                        f'(timeout or panic; console: {console})')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--static')
    ap.add_argument('--main', action='store_true')
    ap.add_argument('--real', metavar='CONSOLE_LOG',
                    help='the console of the boot on a real hypervisor')
    ap.add_argument('--real-skipped', metavar='WHY',
                    help='say the real-hypervisor stage did not run, and why')
    ap.add_argument('console')
    a = ap.parse_args()

    rows, failures = [], []

    if a.main:
        lines = read_console(a.console)
        markers = split_streams(lines)[3]
        probs = kernel_problems(lines)
        for ln in lines:
            if ln.startswith(('GHMAIN:', 'GHVMM:', 'GHLINUX:')):
                print(ln)
        job_rc = [(m.group(1), int(m.group(2)))
                  for m in (MAIN_RC.match(ln) for ln in lines) if m]
        ok = ('done' in markers and not probs and
              all(rc == 0 for _, rc in job_rc))
        if any(job == 'main job' and rc != 0 for job, rc in job_rc):
            print('main job: the main-job program failed')
        if any(job == 'example VMM' and rc != 0 for job, rc in job_rc):
            print('main job: the example VMM (gh_vmm) failed')
        if 'done' not in markers:
            print('main job: the boot did not finish (see the console log)')
        for p in probs:
            print(f'kernel: {p}')
        print(f'main job: {"OK" if ok else "FAILED"} (console log: {a.console})')
        return 0 if ok else 1

    if a.static:
        try:
            with open(a.static) as f:
                for ln in f:
                    m = re.match(r'^(ok|not ok) (\S+)\s*(.*)$', ln.strip())
                    if m:
                        good = m.group(1) == 'ok'
                        rows.append(('static', m.group(2), int(good), int(not good), 0))
                        if not good:
                            failures.append(f'static.{m.group(2)}: {m.group(3)}')
        except OSError:
            rows.append(('static', '(results missing)', 0, 1, 0))
            failures.append('static checks did not run')

    boot_rows('', a.console, rows, failures)
    if a.real:
        boot_rows('real ', a.real, rows, failures, main_job=True)
    if a.real_skipped:
        print(f'real hypervisor stage skipped: {a.real_skipped}')

    width = max(len(f'{k} {n}') for k, n, *_ in rows)
    P = F = S = 0
    print('Summary:')
    for k, n, p, f, s in rows:
        tag = 'FAIL' if f else 'ok'
        extra = f', {s} skipped' if s else ''
        print(f'  {tag:4} {k + " " + n:{width}}  {p} passed, {f} failed{extra}')
        P, F, S = P + p, F + f, S + s
    if failures:
        print('Failures:')
        for fl in failures:
            print(f'  {fl}')
    print(f'Full console log: {a.console}' +
          (f' (real hypervisor: {a.real})' if a.real else ''))
    print(f'{P} passed, {F} failed' + (f', {S} skipped' if S else ''))
    return 1 if F else 0


if __name__ == '__main__':
    sys.exit(main())
