#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the driver as a git format-patch series against the base tree.

Usage: series.py SRC TREE_STATE OUTDIR

SRC is the synced tree (overlay and hooks applied), TREE_STATE holds the
pristine copies of the files the hooks change and the overlay manifest.
The patches are made in a scratch repository that holds only the touched
files, which gives the same diffs as a repository of the whole tree. The
split into patches is harness/series.txt; every overlay file must belong to
exactly one patch. checkpatch runs on each patch and its verdict is shown.

A kbuild Makefile of the driver belongs to the patch that adds it, but
each patch sees only the statements whose objects (and subdirectories)
exist by then: a later patch adds the lines of its own objects, so every
step of the series builds.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def git(repo, *args, **kw):
    return subprocess.run(['git', '-C', repo, *args], check=True,
                          capture_output=True, text=True, **kw).stdout


def read_series(path):
    """Blocks: 'subject: ...', 'paths: ...', then body lines, '---' ends."""
    series, cur = [], None
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('#') and cur is None:
            continue
        if line.startswith('subject: '):
            cur = {'subject': line[9:], 'paths': [], 'body': []}
        elif line.startswith('paths: ') and cur is not None:
            cur['paths'] = line[7:].split()
        elif line == '---' and cur is not None:
            series.append(cur)
            cur = None
        elif cur is not None:
            cur['body'].append(line)
    return series


def staged_makefile(text, present):
    """The statements of a final kbuild Makefile whose objects exist yet.

    present(path) tells whether a file relative to the Makefile's
    directory is in the tree so far. A composite object (name-y) exists
    once any of its parts does; a subdirectory once its Makefile does.
    """
    lines = text.split('\n')
    composites = {}

    def obj_ok(o):
        if o in composites:
            return bool(composites[o])
        return present(o + '.c') or present(o + '.S')

    # A composite's parts: those on the lines that are kept.
    for ln in lines:
        m = re.match(r'^([\w-]+)-(?:y|\$\(\w+\))\s*[:+]?=\s*(.*)$', ln)
        if m and not ln.startswith('obj-'):
            parts = re.findall(r'([\w-]+)\.o', m.group(2))
            kept = composites.setdefault(m.group(1), [])
            if all(obj_ok(x) for x in parts):
                kept.extend(parts)

    out = []
    for ln in lines:
        m = re.match(r'^[\w$()-]+\s*[:+]?=\s*(.*)$', ln)
        if m and not ln.lstrip().startswith('#'):
            rhs = m.group(1)
            if not all(obj_ok(o) for o in re.findall(r'([\w-]+)\.o', rhs)):
                continue
            if not all(present(d + '/Makefile') for d in re.findall(r'([\w-]+)/', rhs)):
                continue
        out.append(ln)
    return '\n'.join(out).rstrip('\n') + '\n'


def stage_makefiles(repo, src, files, owner, upto):
    """Rewrite the driver's Makefiles in @repo for the patches up to @upto."""
    for f in files:
        if not (f.startswith('drivers/virt/gunyah/') and f.endswith('/Makefile')):
            continue
        if owner[f] > upto:
            continue
        d = os.path.dirname(f)
        text = staged_makefile(open(os.path.join(src, f)).read(),
                               lambda rel: os.path.exists(os.path.join(repo, d, rel)))
        with open(os.path.join(repo, f), 'w') as out:
            out.write(text)


def main():
    src, state, out = sys.argv[1:4]
    series = read_series(os.path.join(HERE, 'series.txt'))
    with open(os.path.join(state, 'overlay.manifest')) as f:
        files = [ln.strip() for ln in f if ln.strip()]

    owner = {}
    for i, patch in enumerate(series):
        for f in files:
            if any(f == p or f.startswith(p.rstrip('/') + '/') for p in patch['paths']):
                if f in owner:
                    sys.exit(f'{f} is in two patches of series.txt')
                owner[f] = i
    orphans = [f for f in files if f not in owner]
    if orphans:
        sys.exit('files in no patch of harness/series.txt:\n  ' + '\n  '.join(orphans))

    repo = os.path.join(out, 'repo')
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(repo)
    env = dict(os.environ)
    env.setdefault('GIT_AUTHOR_NAME', 'Gunyah VM manager developers')
    env.setdefault('GIT_AUTHOR_EMAIL', 'gunyah-dev@localhost')
    env.setdefault('GIT_COMMITTER_NAME', env['GIT_AUTHOR_NAME'])
    env.setdefault('GIT_COMMITTER_EMAIL', env['GIT_AUTHOR_EMAIL'])
    git(repo, 'init', '-q')

    pristine = os.path.join(state, 'pristine')
    for f in files:
        base = os.path.join(pristine, f)
        if os.path.exists(base):
            os.makedirs(os.path.dirname(os.path.join(repo, f)), exist_ok=True)
            shutil.copy2(base, os.path.join(repo, f))
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'base: Debian linux-source-6.12',
        env=env)
    base = git(repo, 'rev-parse', 'HEAD').strip()

    for i, patch in enumerate(series):
        mine = [f for f in files if owner[f] == i]
        if not mine:
            continue
        for f in mine:
            dst = os.path.join(repo, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(src, f), dst)
        stage_makefiles(repo, src, files, owner, i)
        git(repo, 'add', '-A')
        msg = patch['subject'] + '\n\n' + '\n'.join(patch['body']).strip() + '\n'
        git(repo, 'commit', '-q', '-s', '-F', '-', input=msg, env=env)

    pdir = os.path.join(out, 'patches')
    git(repo, 'format-patch', '-q', '--cover-letter', '-o', pdir, f'{base}..HEAD',
        env=env)
    names = sorted(os.listdir(pdir))
    cover = os.path.join(pdir, names[0])
    with open(os.path.join(HERE, 'series-cover.txt')) as f:
        subject, _, blurb = f.read().partition('\n')
    text = open(cover).read()
    text = text.replace('*** SUBJECT HERE ***', subject.strip())
    text = text.replace('*** BLURB HERE ***', blurb.strip())
    open(cover, 'w').write(text)

    bad = 0
    biggest = 0
    for n in names[1:]:
        biggest = max(biggest, sum(1 for _ in open(os.path.join(pdir, n))))
        # FILE_PATH_CHANGES ("does MAINTAINERS need updating?") fires on
        # every patch that adds files; the series adds the MAINTAINERS entry
        # for all of them in its last patch.
        r = subprocess.run(['perl', 'scripts/checkpatch.pl', '--strict', '--terse',
                            '--ignore', 'FILE_PATH_CHANGES',
                            os.path.join(pdir, n)], cwd=src,
                           capture_output=True, text=True)
        verdict = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ''
        print(f'    {n}: {verdict}')
        bad += r.returncode != 0
    print(f'    series in {pdir} ({len(names) - 1} patches and a cover letter, '
          f'the largest {biggest} lines)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
