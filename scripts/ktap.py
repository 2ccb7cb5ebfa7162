#!/usr/bin/env python3
"""Summarise the scenarios' KTAP results.

usage: ktap.py LOGDIR SCENARIO... [--base=BASE:LOGDIR SCENARIO...]...

For each scenario, reads LOGDIR/NAME.status, LOGDIR/NAME.ktap and
LOGDIR/NAME.skips, prints a line per test (leaf test points of the nested
KTAP: a test program's own result line counts only when the program
printed no test points of its own), then a final line
"N passed, N failed, N skipped". Exit status 1 when anything failed.
The scenarios after --base=BASE:LOGDIR are another base's, read from its
LOGDIR and named "BASE/NAME".

Nothing counts as passed by going missing:
- every level of the document must run as many tests as its plan ("1..N")
  says; fewer or more, or results without a plan, is one more failed point
  named after the program ("PROG: plan");
- a scenario whose status is not "ok" (it did not finish, its console has
  kernel reports, or it has no status at all) is one more failed point;
- LOGDIR/NAME.papr.ktap, where scenario.sh left one (pSeries guests: the
  L0's view of their TCE and DDW calls, papr_monitor.py, or its skip
  where the L0 did not trace), counts too, under the same declared skips;
- a skip counts as skipped only when NAME.skips declares it (lines
  "GLOB<TAB>why", GLOB matched with fnmatch against the point's name
  without the scenario); any other skip fails. A declared skip that did
  not happen is reported as a NOTE, so that the list stays true.

Under each failed point come the last diagnostic lines ("# ...") its
program printed for it (TH_LOG, the harness's "Expected ..."), so that a
failure reads from the summary alone.
"""
import fnmatch
import re
import sys

# kselftest_harness.h of 6.1 names a skipped test only in its "RUN" line
RUN = re.compile(r'^(?P<ind>\s*)#\s+RUN\s+(?P<name>\S+) \.\.\.')
RESULT = re.compile(r'^(?P<ind>\s*)(?P<not>not )?ok (?P<num>\d+)\s*(?P<name>[^#]*?)'
                    r'\s*(#\s*(?P<dir>\S+)\s*(?P<why>.*))?$')
BAIL = re.compile(r'^\s*Bail out!(?P<why>.*)$')
COMMENT = re.compile(r'^(?P<ind>\s*)#\s?(?P<text>.*)$')
NOTES = 12          # diagnostic lines kept under a failed point
PLAN = re.compile(r'^(?P<ind>\s*)1\.\.(?P<n>\d+)\s*(#\s*(?P<dir>\S+)\s*(?P<why>.*))?$')


class Result:
    """One result line, with the results nested under it."""

    def __init__(self, name, status, reason, kids=(), notes=()):
        self.name, self.status, self.reason = name, status, reason
        self.kids = list(kids)
        self.notes = list(notes)    # a failed point's diagnostic lines

    def __repr__(self):
        return f'Result({self.name!r}, {self.status!r}, {self.reason!r}, {self.kids!r})'


def plan_check(kids, plan, where):
    """The point that fails a level whose results do not match its plan
    (a (count, skip reason) pair, or None), or None."""
    if plan is None:
        if kids:
            return Result('plan', 'fail', f'{len(kids)} results and no plan{where}')
        return Result('plan', 'fail', f'no plan and no results{where}') if where else None
    n, skip = plan
    if n == 0 and not kids and skip is None:
        return Result('plan', 'fail', f'planned no test (1..0 without SKIP){where}')
    if len(kids) != n:
        return Result('plan', 'fail', f'planned {n}, ran {len(kids)}{where}')
    return None


def is_skip(directive):
    """SKIP, SKIP:, SKIPPED and XFAIL directives (case does not matter)"""
    d = directive.upper()
    return d.startswith('SKIP') or d == 'XFAIL'


def parse(lines):
    """Return the top-level results (a list of Result). A level whose
    count of results differs from its plan gets a failed 'plan' point;
    results that no program's result line adopts fail too."""
    pending = {}        # depth -> results seen at that depth, not yet adopted
    plans = {}          # depth -> (count, skip reason) of the level open there
    running = {}        # depth -> name of the test last started there
    lost = []           # results that no result line adopted
    comments = {}       # depth -> diagnostic lines since its last result

    def drop_below(depth):
        for k in sorted({k for k in pending if k > depth} | {k for k in plans if k > depth}):
            kids = pending.pop(k, [])
            plan = plans.pop(k, None)
            if not kids and (plan is None or plan[0] == 0):
                continue
            planned = f'planned {plan[0]}, ' if plan else ''
            lost.append(Result(f'(unfinished level {k})', 'fail',
                               f'{planned}ran {len(kids)}, with no result line of their program',
                               kids))

    for line in lines:
        line = line.rstrip('\n')
        r = RUN.match(line)
        if r:
            running[len(r.group('ind')) // 2] = r.group('name')
            comments[len(r.group('ind')) // 2] = []
            continue
        b = BAIL.match(line)
        if b:
            lost.append(Result('Bail out!', 'fail', b.group('why').strip()))
            continue
        p = PLAN.match(line)
        if p:
            depth = len(p.group('ind')) // 2
            # a new document at this depth: a deeper level still open has
            # lost its program, and the names of started tests are stale
            drop_below(depth)
            if depth in plans:      # a second plan: the first level ended
                bad = plan_check(pending.pop(depth, []), plans.pop(depth), '')
                if bad:
                    lost.append(Result(f'(level {depth} planned again)', 'fail', bad.reason))
            for k in [k for k in running if k >= depth]:
                del running[k]
            d = p.group('dir') or ''
            plans[depth] = (int(p.group('n')),
                            (p.group('why') or '').strip() if is_skip(d) else None)
            continue
        c = COMMENT.match(line)
        if c:
            comments.setdefault(len(c.group('ind')) // 2, []).append(c.group('text').rstrip())
            continue
        m = RESULT.match(line)
        if not m:
            continue
        depth = len(m.group('ind')) // 2
        d = m.group('dir') or ''
        status = 'fail' if m.group('not') else ('skip' if is_skip(d) else 'pass')
        if is_skip(d):
            reason = (('XFAIL ' if d.upper() == 'XFAIL' else '') + (m.group('why') or '')).strip()
        else:       # "# exit=1" and other comments say why it failed
            reason = (d + ' ' + (m.group('why') or '')).strip()
        notes = comments.pop(depth, [])[-NOTES:] if status == 'fail' else []
        kids = pending.pop(depth + 1, [])
        plan = plans.pop(depth + 1, None)
        drop_below(depth + 1)
        if kids or plan is not None:
            # a program that printed a plan and then nothing (it died
            # first) has a plan and no results: that is a failed plan too
            bad = plan_check(kids, plan, '')
            if bad:
                kids.append(bad)
            elif plan is not None and plan[0] == 0 and status == 'pass':
                status, reason = 'skip', plan[1] or reason    # 1..0 # SKIP why
        pending.setdefault(depth, []).append(
            Result(m.group('name') or running.pop(depth, '#' + m.group('num')),
                   status, reason, kids, notes))
    top = pending.pop(0, [])
    bad = plan_check(top, plans.pop(0, None), ' in the document')
    drop_below(0)
    if bad:
        top.append(bad)
    return top + lost


def leaves(results, prefix=''):
    """Yield (name, status, reason, notes) for each leaf test point. A parent whose
    children all passed but which itself failed (the program exited with an
    error after its points) counts as one more failed point."""
    for r in results:
        if not r.kids:
            yield prefix + r.name, r.status, r.reason, r.notes
            continue
        yield from leaves(r.kids, prefix + r.name + ': ')
        if r.status == 'fail' and all(k.status != 'fail' for k in r.kids):
            yield prefix + r.name, r.status, r.reason, r.notes


def read_skips(path):
    """[(glob, why)] from a NAME.skips file; none when it is missing."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.rstrip('\n')
                if not line.strip() or line.lstrip().startswith('#'):
                    continue
                glob, _, why = line.partition('\t')
                out.append((glob.strip(), why.strip()))
    except OSError:
        pass
    return out


def summarise(sc, status, ktap, skips, out, used=None):
    """Count one scenario's results; print its lines to out. Returns a
    dict of counts. With @used (a set), the skips used are added to it and
    the unused ones are left for the caller to note."""
    count = {'pass': 0, 'fail': 0, 'skip': 0}
    word = {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}
    noting = used is None
    used = set() if used is None else used
    for name, st, why, notes in leaves(parse(ktap)):
        if st == 'skip':
            hit = [i for i, (g, _) in enumerate(skips) if fnmatch.fnmatchcase(name, g)]
            if hit:
                used.update(hit)
                why = why or skips[hit[0]][1]
            else:
                st = 'fail'
                why = f'unexpected skip: {why}' if why else 'unexpected skip'
        count[st] += 1
        print(f'{word[st]}  {sc}: {name}' + (f'  ({why})' if why and st != 'pass' else ''), file=out)
        for n in notes:
            print(f'      # {n}', file=out)
    if noting:
        note_unused(sc, skips, used, out)
    if status != 'ok':
        count['fail'] += 1
        print(f'FAIL  {sc}: scenario ({status})', file=out)
    return count


def note_unused(sc, skips, used, out):
    for i, (g, why) in enumerate(skips):
        if i not in used:
            print(f'NOTE  {sc}: declared skip did not happen: {g}  ({why})', file=out)


def runs(args):
    """[(log directory, scenario, name to report)] of the arguments"""
    logdir, label = args[0], ''
    out = []
    for a in args[1:]:
        if a.startswith('--base='):
            base, sep, logdir = a[len('--base='):].partition(':')
            if not (base and sep and logdir):
                raise SystemExit(f'ktap.py: {a}: not --base=BASE:LOGDIR')
            label = base + '/'
        else:
            out.append((logdir, a, label + a))
    return out


def main(argv, out=sys.stdout):
    total = {'pass': 0, 'fail': 0, 'skip': 0}
    for logdir, sc, name in runs(argv[1:]):
        try:
            with open(f'{logdir}/{sc}.status') as f:
                status = f.read().split('\t')[1]
        except (OSError, IndexError):
            status = 'not run (no status)'
        try:
            with open(f'{logdir}/{sc}.ktap') as f:
                ktap = f.readlines()
        except OSError:
            ktap = []
        skips = read_skips(f'{logdir}/{sc}.skips')
        used = set()
        count = summarise(name, status, ktap, skips, out, used)
        for k in total:
            total[k] += count[k]
        # what the L0 saw of a pSeries guest (papr_monitor.py); skipped
        # only where the scenario declares it (an untraced scenario)
        try:
            with open(f'{logdir}/{sc}.papr.ktap') as f:
                papr = f.readlines()
        except OSError:
            papr = None
        if papr is not None:
            count = summarise(name, 'ok', papr, skips, out, used)
            for k in total:
                total[k] += count[k]
        note_unused(name, skips, used, out)
    print(f"{total['pass']} passed, {total['fail']} failed, {total['skip']} skipped", file=out)
    return 1 if total['fail'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
