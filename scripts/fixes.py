#!/usr/bin/env python3
"""The fixes of the series, as a stable maintainer takes them.

usage: fixes.py check SERIES TREE    (lint.sh)
       fixes.py needs SERIES TREE    (bisect.sh)

SERIES is patches/BASE/series; TREE a git tree where the series is applied on
the tag "base" (lint.sh's am-check tree), one commit per patch, in order.

The fixes are the patches of the series file's first part, whose banner
starts "# === Fixes". "check" fails unless:
- that part comes first and has patches, and no patch after it carries a
  Fixes: tag (a fix of the base elsewhere is out of place; a fix of an
  earlier patch of the series is folded into it);
- each fix has a Fixes: tag, or names the upstream change that introduced
  the bug with its release ('"subject" (v5.4)') where the base's history
  lacks it; has "Cc: stable@vger.kernel.org"; and, in the 6.1 series
  (its banner starts "# === Fixes of 6.1"), says whether 6.12 has the
  bug ("6.12 has ...", "6.12 does not ...");
- each fix applies (git apply --cached, no fuzz) on the base with only the
  earlier fixes it needs.
It prints which patches are fixes and what each needs.

What a fix needs: the earlier fixes that touch a file it touches or
define a function or macro it uses that the base lacks (it would not
build without them), with what those need, minus each one without which
it still applies, that changes no function it changes (by the functions
git names in the hunk headers: a fix may rely on what an earlier one did
to the same function in another hunk) and that defines nothing it uses
(any name in its added lines, comments included). A later patch whose
message names the release a bug came with ("(v4.12)") is a fix out of
place: "check" notes it. "needs"
prints "N NEEDS SHA [SHA...]": fix N, the fixes it needs ("4,5" or "-")
and their commits in order, fix N's last, for bisect.sh to build on the
base alone.
"""
import os
import re
import subprocess
import sys
import tempfile


def git(tree, *args, env=None, check=True):
    return subprocess.run(['git', '-C', tree, *args], capture_output=True, text=True,
                          env=env, check=check)


def parts(series):
    """[(banner, [patch file, ...])] in order."""
    out = []
    with open(series) as f:
        lines = f.read().splitlines()
    for line in lines:
        line = line.strip()
        if line.startswith('# ==='):
            out.append((line.strip('# =').strip(), []))
        elif line and not line.startswith('#'):
            if not out:
                out.append(('(no banner)', []))
            out[-1][1].append(line)
    return out


class Series:
    def __init__(self, series, tree):
        self.tree = tree
        self.parts = parts(series)
        self.files = [p for _, ps in self.parts for p in ps]
        self.commits = git(tree, 'rev-list', '--reverse', 'base..HEAD').stdout.split()
        if len(self.commits) != len(self.files):
            raise SystemExit(f'{tree}: {len(self.commits)} commits on base, '
                             f'{len(self.files)} patches in {series}')
        self.touched = [set(git(tree, 'diff', '--name-only', f'{c}^', c).stdout.split())
                        for c in self.commits]
        self.nfix = len(self.parts[0][1]) if self.parts[0][0].startswith('Fixes') else 0
        # the 6.1 series' fixes say whether 6.12 has each bug too
        self.of61 = bool(re.match(r'Fixes of 6\.1\b', self.parts[0][0]))
        self.diffs = {}
        self.funcs = [self.functions(c) for c in self.commits]
        self.defs = {}

    def functions(self, commit):
        """{(file, function)} of the hunk headers of commit's diff"""
        out, path = set(), None
        for line in git(self.tree, 'diff', f'{commit}^', commit).stdout.splitlines():
            if line.startswith('+++ '):
                path = line[6:] if line.startswith('+++ b/') else None
            m = re.match(r'^@@ [^@]* @@ (.*\()', line)
            if m and path:
                out.add((path, m.group(1)))
        return out

    def added(self, i):
        """the lines patch i adds"""
        return [line[1:] for line in self.diff(i).splitlines()
                if line.startswith('+') and not line.startswith('+++')]

    def defined(self, i):
        """the functions and macros patch i declares or defines (at column 0)
        that the base does not have"""
        if not self.defs:
            for n in range(self.nfix):
                names = set()
                for line in self.added(n):
                    m = (re.match(r'#\s*define\s+(\w+)', line) or
                         re.match(r'[A-Za-z_][\w\s*]*?[\s*](\w+)\s*\(', line))
                    if m:
                        names.add(m.group(1))
                self.defs[n] = names
            # one pass over the base for all of them
            every = sorted(set().union(*self.defs.values()))
            found = set()
            if every:
                args = [a for n in every for a in ('-e', n)]
                found = set(git(self.tree, 'grep', '-h', '-o', '-w', '-F', *args,
                                'base', check=False).stdout.split('\n'))
            for n in self.defs:
                self.defs[n] -= found
        return self.defs[i]

    def uses(self, k, j):
        """True when patch k's added lines use what patch j defines"""
        words = set(re.findall(r'\w+', '\n'.join(self.added(k))))
        return bool(words & self.defined(j))

    def diff(self, i):
        if i not in self.diffs:
            self.diffs[i] = git(self.tree, 'diff', '--full-index', '--binary',
                                f'{self.commits[i]}^', self.commits[i]).stdout
        return self.diffs[i]

    def applies(self, order):
        """True when the patches of order (indexes) apply on base, in turn."""
        with tempfile.TemporaryDirectory() as d:
            # an index of the files the patches touch, as the base has them
            env = dict(os.environ, GIT_INDEX_FILE=f'{d}/index')
            files = sorted(set().union(*(self.touched[i] for i in order)))
            entries = git(self.tree, 'ls-tree', '-r', '--full-tree', 'base', '--',
                          *files).stdout
            subprocess.run(['git', '-C', self.tree, 'update-index', '--index-info'],
                           input=entries, text=True, env=env, check=True)
            for i in order:
                r = subprocess.run(['git', '-C', self.tree, 'apply', '--cached', '-'],
                                   input=self.diff(i), capture_output=True, text=True, env=env)
                if r.returncode:
                    return False
        return True

    def needs(self):
        """{fix index: sorted indexes of the earlier fixes it needs}"""
        need = {}
        for k in range(self.nfix):
            s = set()
            for j in range(k):
                if self.touched[j] & self.touched[k] or self.uses(k, j):
                    s |= {j} | set(need[j])
            if not self.applies(sorted(s) + [k]):
                raise SystemExit(f'patch {k + 1} does not apply on the base with the '
                                 f'earlier fixes it touches files of ({fmt(s)})')
            # what it uses, and what those need, stays
            keep = {j for j in s if self.uses(k, j)}
            keep |= {i for j in keep for i in need[j]}
            for j in sorted(s, reverse=True):
                if j not in s or j in keep or self.funcs[j] & self.funcs[k]:
                    continue
                t = {i for i in s if i != j and j not in need[i]}
                if keep <= t and self.applies(sorted(t) + [k]):
                    s = t
            need[k] = sorted(s)
        return need


def fmt(idx):
    return ', '.join(str(i + 1) for i in sorted(idx)) or 'none'


def message(tree, commit):
    return git(tree, 'log', '-1', '--format=%B', commit).stdout


FIXES = re.compile(r'^Fixes: [0-9a-f]{12,40} \(".+"\)$', re.M)
NAMED = re.compile(r'"[^"]+"\s*\(v\d+\.\d+\)')
STABLE = re.compile(r'^Cc: stable@vger\.kernel\.org', re.M)
RELEASE = re.compile(r'(\(|, )v\d+\.\d+\)')
SIX12 = re.compile(r'6\.12\s+(has|does\s+not|lacks|already|too|fixed)', re.S)


def check(s):
    bad = []
    if not s.nfix:
        bad.append('the first part of the series file is not "Fixes ...": '
                   'the fixes of the base come first')
    for n, c in enumerate(s.commits):
        msg = message(s.tree, c)
        if n >= s.nfix:
            if re.search(r'^Fixes:', msg, re.M):
                bad.append(f'patch {n + 1} ({s.files[n]}) has a Fixes: tag but is not '
                           'in the fixes at the front')
            continue
        if not (FIXES.search(msg) or NAMED.search(msg)):
            bad.append(f'fix {n + 1}: no Fixes: tag and no upstream change named '
                       'with its release ("subject" (vX.Y))')
        if not STABLE.search(msg):
            bad.append(f'fix {n + 1}: no "Cc: stable@vger.kernel.org"')
        if s.of61 and not SIX12.search(msg):
            bad.append(f'fix {n + 1}: does not say whether 6.12 has the bug')
    for b in bad:
        print(f'fixes: {b}', file=sys.stderr)
    need = s.needs() if s.nfix else {}
    for n in range(s.nfix, len(s.commits)):
        if RELEASE.search(' '.join(message(s.tree, s.commits[n]).split())):
            print(f'fixes: note: patch {n + 1} ({s.files[n]}) names the release a bug '
                  'came with but is not among the fixes at the front', file=sys.stderr)
    alone = [k for k in need if not need[k]]
    print(f'fixes: patches 1-{s.nfix} are fixes of the base ("{s.parts[0][0]}"); '
          f'{len(alone)} apply on the base alone: {fmt(alone)}', file=sys.stderr)
    for k in need:
        if need[k]:
            print(f'fixes:   fix {k + 1} needs {fmt(need[k])}', file=sys.stderr)
    return 1 if bad else 0


def main(argv):
    if len(argv) != 4 or argv[1] not in ('check', 'needs'):
        print(__doc__, file=sys.stderr)
        return 2
    s = Series(argv[2], argv[3])
    if argv[1] == 'check':
        return check(s)
    for k, n in s.needs().items():
        print(k + 1, ','.join(str(i + 1) for i in n) or '-', *[s.commits[i] for i in n + [k]])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
