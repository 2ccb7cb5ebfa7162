#!/usr/bin/env python3
"""Summarise the scenarios' KTAP results.

usage: ktap.py LOGDIR SCENARIO...

For each scenario, reads LOGDIR/NAME.status and LOGDIR/NAME.ktap, prints a
line per test (leaf test points of the nested KTAP: a test program's own
result line counts only when the program printed no test points of its
own), then a final line "N passed, N failed, N skipped". A scenario that did
not finish, or whose console shows kernel reports, counts as one more failed
test named after it. Exit status 1 when anything failed.
"""
import re
import sys

# kselftest_harness.h of 6.1 names a skipped test only in its "RUN" line
RUN = re.compile(r'^(?P<ind>\s*)#\s+RUN\s+(?P<name>\S+) \.\.\.')
RESULT = re.compile(r'^(?P<ind>\s*)(?P<not>not )?ok (?P<num>\d+)\s*(?P<name>[^#]*?)\s*(#\s*(?P<dir>\S+)\s*(?P<why>.*))?$')


def parse(lines):
    """Return the top-level results as (name, status, reason, children)."""
    pending = {}        # depth -> results seen at that depth, not yet adopted
    running = {}        # depth -> name of the test last started there
    for line in lines:
        r = RUN.match(line)
        if r:
            running[len(r.group('ind')) // 2] = r.group('name')
            continue
        m = RESULT.match(line.rstrip('\n'))
        if not m:
            continue
        depth = len(m.group('ind')) // 2
        d = (m.group('dir') or '').upper()
        status = 'fail' if m.group('not') else ('skip' if d in ('SKIP', 'XFAIL') else 'pass')
        reason = (('XFAIL ' if d == 'XFAIL' else '') + (m.group('why') or '')).strip()
        kids = pending.pop(depth + 1, [])
        for k in [k for k in pending if k > depth]:
            del pending[k]
        pending.setdefault(depth, []).append(
            (m.group('name') or running.pop(depth, '#' + m.group('num')),
             status, reason, kids))
    return pending.get(0, [])


def leaves(results, prefix=''):
    """Yield (name, status, reason) for each leaf test point. A parent whose
    children all passed but which itself failed (the program exited with an
    error after its points) counts as one more failed point."""
    for name, status, reason, kids in results:
        if not kids:
            yield prefix + name, status, reason
            continue
        yield from leaves(kids, prefix + name + ': ')
        if status == 'fail' and all(k[1] != 'fail' for k in kids):
            yield prefix + name, status, reason


def main():
    logdir, scenarios = sys.argv[1], sys.argv[2:]
    count = {'pass': 0, 'fail': 0, 'skip': 0}
    word = {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}
    for sc in scenarios:
        try:
            status = open(f'{logdir}/{sc}.status').read().split('\t')[1]
        except OSError:
            status = 'not run'
        try:
            ktap = open(f'{logdir}/{sc}.ktap').readlines()
        except OSError:
            ktap = []
        for name, st, why in leaves(parse(ktap)):
            full = f'{sc}: {name}'
            count[st] += 1
            print(f'{word[st]}  {full}' + (f'  ({why})' if why and st != 'pass' else ''))
        if status != 'ok':
            count['fail'] += 1
            print(f'FAIL  {sc}: scenario ({status})')
    print(f"{count['pass']} passed, {count['fail']} failed, {count['skip']} skipped")
    return 1 if count['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
