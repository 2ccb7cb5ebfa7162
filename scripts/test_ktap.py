#!/usr/bin/env python3
"""Unit tests of ktap.py: python3 scripts/test_ktap.py; with --ktap the
results are printed as KTAP (make check runs them first, as the
pseudo-scenario "harness")."""
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402
import papr_monitor  # noqa: E402
import fixes  # noqa: E402
import subprocess  # noqa: E402


def doc(text):
    return [line + '\n' for line in text.strip('\n').split('\n')]


def run(ktap_text, status='ok', skips=''):
    """Summarise one scenario 'sc' from a temporary log directory; return
    (exit status, printed lines)."""
    with tempfile.TemporaryDirectory() as d:
        if status is not None:
            with open(f'{d}/sc.status', 'w') as f:
                f.write(f'sc\t{status}\t1s\n')
        if ktap_text is not None:
            with open(f'{d}/sc.ktap', 'w') as f:
                f.write(ktap_text)
        with open(f'{d}/sc.skips', 'w') as f:
            f.write(skips)
        out = io.StringIO()
        rc = ktap.main(['ktap.py', d, 'sc'], out)
    return rc, out.getvalue().splitlines()


class Case(unittest.TestCase):
    def assert_fails(self, text, line, **kw):
        """The summary of text fails and prints line."""
        rc, out = run(text, **kw)
        self.assertEqual(rc, 1, out)
        self.assertIn(line, out)


GOOD = '''TAP version 13
1..2
  TAP version 13
  1..2
  ok 1 a
  ok 2 b
ok 1 prog1
  TAP version 13
  1..1
  ok 1 c
ok 2 prog2
'''


class Plans(Case):
    def test_all_pass(self):
        rc, out = run(GOOD)
        self.assertEqual(rc, 0)
        self.assertEqual(out[-1], '3 passed, 0 failed, 0 skipped')
        self.assertIn('PASS  sc: prog1: a', out)

    def test_program_stops_halfway(self):
        rc, out = run(GOOD.replace('  ok 2 b\n', ''))
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: prog1: plan  (planned 2, ran 1)', out)
        self.assertEqual(out[-1], '2 passed, 1 failed, 0 skipped')

    def test_program_runs_more_than_planned(self):
        self.assert_fails(GOOD.replace('  ok 2 b\n', '  ok 2 b\n  ok 3 extra\n'),
                          'FAIL  sc: prog1: plan  (planned 2, ran 3)')

    def test_program_dies_after_its_plan(self):
        text = 'TAP version 13\n1..1\n  TAP version 13\n  1..4\nnot ok 1 prog # exit=139\n'
        self.assert_fails(text, 'FAIL  sc: prog: plan  (planned 4, ran 0)')

    def test_failure_shows_its_diagnostics(self):
        text = GOOD.replace('  ok 2 b\n', '''  #  RUN           t.b ...
  # x.c:12:b:Expected 0 (0) == ret (-16)
  # x.c:12:b:the group does not open again: Device or resource busy
  #          FAIL  t.b
  not ok 2 b
''').replace('  ok 1 a\n', '  #  RUN           t.a ...\n  # a says hello\n  ok 1 a\n')
        rc, out = run(text)
        self.assertEqual(rc, 1)
        i = out.index('FAIL  sc: prog1: b')
        self.assertEqual(out[i + 1:i + 4], [
            '      # x.c:12:b:Expected 0 (0) == ret (-16)',
            '      # x.c:12:b:the group does not open again: Device or resource busy',
            '      #          FAIL  t.b'])
        # a passed point's comments are not repeated
        self.assertNotIn('      # a says hello', out)

    def test_results_without_plan(self):
        self.assert_fails(GOOD.replace('  1..1\n', ''), 'FAIL  sc: prog2: plan  (1 results and no plan)')

    def test_document_stops_halfway(self):
        cut = GOOD[:GOOD.index('ok 2 prog2')]
        rc, out = run(cut)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: plan  (planned 2, ran 1 in the document)', out)
        self.assertTrue(any(line.startswith('FAIL  sc: (unfinished level 1)') for line in out))

    def test_empty_document(self):
        rc, out = run('')
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: plan  (no plan and no results in the document)', out)
        self.assert_fails('', 'FAIL  sc: scenario (timeout after 90s)', status='timeout after 90s')

    def test_failure_two_levels_down_without_plan_between(self):
        text = 'TAP version 13\n1..1\n    1..1\n    not ok 1 x\nok 1 p\n'
        rc, out = run(text)
        self.assertEqual(rc, 1)
        self.assertTrue(any(line.startswith('FAIL  sc: (unfinished level 2): x') for line in out))

    def test_program_plans_zero_and_passes(self):
        text = 'TAP version 13\n1..1\n  1..0\nok 1 prog\n'
        self.assert_fails(text, 'FAIL  sc: prog: plan  (planned no test (1..0 without SKIP))')

    def test_program_skips_all_and_exits_0(self):
        text = 'TAP version 13\n1..1\n  1..0 # SKIP no device\nok 1 prog\n'
        rc, out = run(text)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: prog  (unexpected skip: no device)', out)
        self.assertEqual(run(text, skips='prog\tno device here\n')[0], 0)

    def test_skipped_program_plans_zero(self):
        text = 'TAP version 13\n1..1\n  1..0 # SKIP no kvm\nok 1 prog # SKIP\n'
        rc, out = run(text, skips='prog\tno KVM here\n')
        self.assertEqual(rc, 0)
        self.assertEqual(out[-1], '0 passed, 0 failed, 1 skipped')

    def test_second_plan_at_a_level(self):
        text = 'TAP version 13\n1..1\n  1..3\n  ok 1 a\n  1..1\n  ok 1 b\nok 1 p\n'
        self.assert_fails(text, 'FAIL  sc: (level 1 planned again)  (planned 3, ran 1)')

    def test_bail_out_fails(self):
        self.assert_fails(GOOD.replace('  ok 2 b\n', '  ok 2 b\n  Bail out! no device\n'),
                          'FAIL  sc: Bail out!  (no device)')

    def test_deep_nesting(self):
        text = '''TAP version 13
1..1
  TAP version 13
  1..1
    1..2
    ok 1 x
    ok 2 y
  ok 1 group
ok 1 prog
'''
        rc, out = run(text)
        self.assertEqual(rc, 0)
        self.assertIn('PASS  sc: prog: group: x', out)
        rc, out = run(text.replace('    ok 2 y\n', ''))
        self.assertIn('FAIL  sc: prog: group: plan  (planned 2, ran 1)', out)


class Statuses(Case):
    def test_missing_status_fails(self):
        self.assert_fails(GOOD, 'FAIL  sc: scenario (not run (no status))', status=None)

    def test_reports_fail(self):
        rc, out = run(GOOD, status='kernel reports on the console')
        self.assertEqual(rc, 1)

    def test_failed_program_with_passing_points(self):
        self.assert_fails(GOOD.replace('ok 2 prog2', 'not ok 2 prog2 # exit=1'), 'FAIL  sc: prog2  (exit=1)')


HARNESS = '''TAP version 13
1..1
  TAP version 13
  1..2
  # Starting 2 tests from 1 test cases.
  #  RUN           f.one ...
  #            OK  f.one
  ok 1 f.one
  #  RUN           f.two ...
  #      SKIP      no window
  #            OK  f.two
  ok 2 # SKIP no window
  # PASSED: 2 / 2 tests passed.
ok 1 powerpc/spapr_tce/vfio_ddw
'''


class Skips(Case):
    def test_unexpected_skip_fails(self):
        rc, out = run(HARNESS)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: powerpc/spapr_tce/vfio_ddw: f.two  '
                      '(unexpected skip: no window)', out)

    def test_declared_skip(self):
        rc, out = run(HARNESS, skips='*/vfio_ddw: f.two\tthe machine has one window\n')
        self.assertEqual(rc, 0)
        self.assertEqual(out[-1], '1 passed, 0 failed, 1 skipped')

    def test_declared_skip_that_passes_is_noted(self):
        rc, out = run(HARNESS.replace('ok 2 # SKIP no window', 'ok 2 f.two'),
                      skips='*/vfio_ddw: f.two\twhy\n# a comment\n')
        self.assertEqual(rc, 0)
        self.assertIn('NOTE  sc: declared skip did not happen: */vfio_ddw: f.two  (why)', out)

    def test_skip_spellings(self):
        for d in ('SKIP', 'skip', 'SKIP:', 'SKIPPED'):
            text = f'TAP version 13\n1..1\nok 1 t # {d} why\n'
            rc, out = run(text)
            self.assertEqual(rc, 1, d)
            self.assertTrue(out[-2].startswith('FAIL  sc: t  (unexpected skip'), (d, out))

    def test_started_names_do_not_outlive_their_program(self):
        text = HARNESS.replace('ok 1 powerpc/spapr_tce/vfio_ddw', '  #  RUN           f.three ...\n'
                               'ok 1 powerpc/spapr_tce/vfio_ddw\n'
                               '  1..1\n  ok 1 # SKIP gone\nok 2 next')
        text = text.replace('1..1\n  TAP', '1..2\n  TAP', 1)
        rc, out = run(text)
        self.assertIn('FAIL  sc: next: #1  (unexpected skip: gone)', out)

    def test_xfail_is_a_skip(self):
        text = 'TAP version 13\n1..1\nok 1 t # XFAIL known\n'
        self.assertEqual(run(text)[0], 1)
        self.assertEqual(run(text, skips='t\tknown\n')[0], 0)


class Bases(unittest.TestCase):
    def test_another_base_is_read_from_its_logs_and_named(self):
        with tempfile.TemporaryDirectory() as d:
            for sub, text in (('a', GOOD), ('b', GOOD.replace('  ok 1 c', '  not ok 1 c'))):
                os.mkdir(f'{d}/{sub}')
                with open(f'{d}/{sub}/sc.status', 'w') as f:
                    f.write('sc\tok\t1s\n')
                with open(f'{d}/{sub}/sc.ktap', 'w') as f:
                    f.write(text)
            out = io.StringIO()
            rc = ktap.main(['ktap.py', f'{d}/a', 'sc', f'--base=6.12:{d}/b', 'sc'], out)
        lines = out.getvalue().splitlines()
        self.assertEqual(rc, 1)
        self.assertIn('PASS  sc: prog2: c', lines)
        self.assertIn('FAIL  6.12/sc: prog2: c', lines)

    def test_another_base_without_status_fails(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(f'{d}/b')
            out = io.StringIO()
            rc = ktap.main(['ktap.py', d, f'--base=6.12:{d}/b', 'sc'], out)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  6.12/sc: scenario (not run (no status))',
                      out.getvalue().splitlines())

    def test_untraced_papr_must_be_declared(self):
        untraced = 'TAP version 13\n1..1\nok 1 papr_monitor # SKIP the L0 traced nothing\n'
        for skips, rc_want in (('', 1), ('papr_monitor\twhy\n', 0)):
            with tempfile.TemporaryDirectory() as d:
                for f, text in (('sc.status', 'sc\tok\t1s\n'), ('sc.ktap', GOOD),
                                ('sc.papr.ktap', untraced), ('sc.skips', skips)):
                    with open(f'{d}/{f}', 'w') as fh:
                        fh.write(text)
                out = io.StringIO()
                rc = ktap.main(['ktap.py', d, 'sc'], out)
            lines = out.getvalue().splitlines()
            self.assertEqual(rc, rc_want, lines)
            self.assertFalse([x for x in lines if x.startswith('NOTE')], lines)

    def test_malformed_base_refused(self):
        with self.assertRaises(SystemExit):
            ktap.main(['ktap.py', '/nonexistent', '--base=6.12', 'sc'], io.StringIO())


CLEAN_TRACE = """\
1@1.000001:spapr_iommu_ddw_remove liobn=0x80000100
1@1.000002:spapr_iommu_ddw_create buid=0x800000020000001 addr=0x0, page size=0x10000, requested=0x10000000, start addr=0x800000000000000, liobn=0x80000101
1@1.000003:spapr_iommu_pci_stuff liobn=0x80000101 ioba=0x800000000000000 tcevalue=0x0 npages=512 ret=0
1@1.000004:spapr_iommu_pci_indirect liobn=0x80000101 ioba=0x800000000000000 tcelist=0x1000 iobaN=0x1ff tceN=0x3 ret=0
1@1.000005:spapr_iommu_ddw_reset buid=0x800000020000001 addr=0x0
1@1.000006:spapr_iommu_pci_put liobn=0x80000100 ioba=0x0 tce=0x3 ret=0
1@1.000007:spapr_iommu_ddw_remove liobn=0x80000100
"""


class PaprMonitor(unittest.TestCase):
    """papr_monitor.py: what a pSeries guest asked of L0, held to PAPR"""

    def bad(self, trace):
        calls, points = papr_monitor.check(trace.splitlines())
        return {name for name, offending in points if offending}

    def test_clean_trace_passes(self):
        self.assertEqual(self.bad(CLEAN_TRACE), set())

    def test_stuff_of_more_than_512(self):
        t = CLEAN_TRACE.replace('npages=512', 'npages=8192')
        self.assertEqual(self.bad(t), {'stuff_at_most_512'})

    def test_refused_call(self):
        t = CLEAN_TRACE.replace('tceN=0x3 ret=0', 'tceN=0x3 ret=-4')
        self.assertEqual(self.bad(t), {'tce_calls_answered_success'})

    def test_call_after_removal_and_after_reset(self):
        t = CLEAN_TRACE + 'spapr_iommu_pci_put liobn=0x80000100 ioba=0x0 tce=0x0 ret=0\n'
        self.assertEqual(self.bad(t), {'no_call_to_a_removed_window'})
        t = CLEAN_TRACE + 'spapr_iommu_pci_stuff liobn=0x80000101 ioba=0x0 tcevalue=0x0 npages=1 ret=0\n'
        self.assertEqual(self.bad(t), {'no_call_to_a_removed_window'})

    def test_two_refused_reads_of_a_window_are_an_answer(self):
        get = 'spapr_iommu_pci_get liobn=0x80000101 ioba=0x0 ret=-4 tce=0x0\n'
        self.assertEqual(self.bad(CLEAN_TRACE + get + get), set())
        # a third is a kernel reading a window that is not there
        self.assertEqual(self.bad(CLEAN_TRACE + get * 3),
                         {'tce_calls_answered_success', 'no_call_to_a_removed_window'})
        # another answer than H_PARAMETER is a failure
        self.assertEqual(self.bad(CLEAN_TRACE + get.replace('-4', '-2')),
                         {'tce_calls_answered_success', 'no_call_to_a_removed_window'})

    def test_write_only_tce(self):
        t = CLEAN_TRACE.replace('tceN=0x3 ret=0', 'tceN=0x2 ret=0')
        self.assertEqual(self.bad(t), {'no_write_only_tce'})
        t = CLEAN_TRACE + 'spapr_iommu_pci_put liobn=0x80000101 ioba=0x0 tce=0x1002 ret=0\n'
        self.assertIn('no_write_only_tce', self.bad(t))

    def test_trace_without_tce_calls(self):
        t = ''.join(line + '\n' for line in CLEAN_TRACE.splitlines()
                    if '_pci_' not in line)
        self.assertEqual(self.bad(t), {'tce_calls_traced'})

    def test_verdict_counts_in_the_summary(self):
        with tempfile.TemporaryDirectory() as d:
            with open(f'{d}/t', 'w') as f:
                f.write(CLEAN_TRACE.replace('npages=512', 'npages=513'))
            for name in ('sc.ktap', 'sc.skips'):
                open(f'{d}/{name}', 'w').close()
            with open(f'{d}/sc.status', 'w') as f:
                f.write('sc\tok\t1s\n')
            with open(f'{d}/sc.ktap', 'w') as f:
                f.write('TAP version 13\n1..1\nok 1 t\n')
            with open(f'{d}/sc.papr.ktap', 'w') as f:
                papr_monitor.main(['papr_monitor.py', f'{d}/t'], f)
            out = io.StringIO()
            rc = ktap.main(['ktap.py', d, 'sc'], out)
        self.assertEqual(rc, 1)
        self.assertIn('FAIL  sc: papr_monitor: stuff_at_most_512', out.getvalue())
        self.assertIn('5 passed, 1 failed, 0 skipped', out.getvalue())

    def test_missing_trace_fails(self):
        out = io.StringIO()
        papr_monitor.main(['papr_monitor.py', '/nonexistent/trace'], out)
        self.assertIn('not ok 1 papr_monitor', out.getvalue())


class Fixes(unittest.TestCase):
    """fixes.py on a small repository: base, then patches a.c (fix), b.c
    (fix that needs the first), c.c (feature)."""
    F = ('/* f */\nint f(void)\n{\n' + ''.join(f'\tx{i};\n' for i in range(1, 13)) + '}\n'
         + 'int g(void)\n{\n' + ''.join(f'\ty{i};\n' for i in range(1, 13)) + '}\n')
    MSG = 'Fixes: 0123456789ab ("x: y")\nCc: stable@vger.kernel.org\n6.12 has the same code.\n'

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.t = self.dir.name + '/t'
        self.git('init', '-q', self.t, top=True)
        for f in 'abc':
            self.write(f + '.c', f'{f}1\n{f}2\n{f}3\n')
        self.write('f.c', self.F)
        self.commit('base')
        self.git('tag', 'base')

    def tearDown(self):
        self.dir.cleanup()

    def git(self, *args, top=False):
        cmd = ['git'] + ([] if top else ['-C', self.t])
        return subprocess.run(cmd + list(args),
                              check=True, capture_output=True, text=True,
                              env=dict(os.environ, GIT_AUTHOR_NAME='t', GIT_AUTHOR_EMAIL='t@t',
                                       GIT_COMMITTER_NAME='t', GIT_COMMITTER_EMAIL='t@t')).stdout

    def write(self, name, text):
        with open(f'{self.t}/{name}', 'w') as f:
            f.write(text)

    def commit(self, msg):
        self.git('add', '-A')
        self.git('commit', '-q', '-m', msg)

    def series(self, msgs, banners=('Fixes of 6.1', 'Features'), nfix=2):
        """The three patches with messages msgs; the series file's parts:
        the first nfix patches under banners[0], the rest under [1]."""
        self.write('a.c', 'a1\nA2\na3\n')
        self.commit('a\n\n' + msgs[0])
        self.write('a.c', 'a1\nA2\nA3\n')
        self.commit('b\n\n' + msgs[1])
        self.write('c.c', 'c1\nC2\nc3\n')
        self.commit('c\n\n' + msgs[2])
        path = self.dir.name + '/series'
        with open(path, 'w') as f:
            f.write(f'# === {banners[0]} ===\n')
            for i in range(3):
                if i == nfix:
                    f.write(f'# === {banners[1]} ===\n')
                f.write(f'p{i}.patch\n')
        return fixes.Series(path, self.t)

    def check(self, s):
        err = io.StringIO()
        old, sys.stderr = sys.stderr, err
        try:
            rc = fixes.check(s)
        finally:
            sys.stderr = old
        return rc, err.getvalue()

    def test_good_series_and_needs(self):
        s = self.series([self.MSG, self.MSG, 'feature'])
        rc, err = self.check(s)
        self.assertEqual(rc, 0, err)
        self.assertIn('patches 1-2 are fixes', err)
        self.assertIn('fix 2 needs 1', err)
        self.assertEqual(s.needs(), {0: [], 1: [0]})

    def functions_series(self, second):
        """fix 1 changes x5 in f(); fix 2 changes line second, which
        applies without fix 1"""
        self.write('f.c', self.F.replace('\tx5;', '\tX5;'))
        self.commit('f1\n\n' + self.MSG)
        self.write('f.c', self.F.replace('\tx5;', '\tX5;').replace(second, second.upper()))
        self.commit('f2\n\n' + self.MSG)
        self.write('c.c', 'c1\nC2\nc3\n')
        self.commit('c\n\nfeature')
        path = self.dir.name + '/series'
        with open(path, 'w') as f:
            f.write('# === Fixes of 6.1 ===\np0.patch\np1.patch\n# === F ===\np2.patch\n')
        return fixes.Series(path, self.t)

    def test_a_fix_needs_what_changed_its_function(self):
        self.assertEqual(self.functions_series('\tx11;').needs(), {0: [], 1: [0]})

    def test_a_fix_of_another_function_needs_nothing(self):
        self.assertEqual(self.functions_series('\ty11;').needs(), {0: [], 1: []})

    def uses_series(self, use):
        """fix 1 defines helper() in a.c; fix 2 changes b.c, calling it
        when use, and fix 3 changes c.c, after fix 2"""
        self.write('a.c', 'a1\nstatic inline int helper(void)\n#define HELPER 1\na3\n')
        self.commit('h\n\n' + self.MSG)
        self.write('b.c', 'b1\n' + ('\thelper();\n' if use else '\tother();\n') + 'b3\n')
        self.commit('u\n\n' + self.MSG)
        self.write('c.c', 'c1\n\tHELPER;\nc3\n')
        self.commit('m\n\n' + self.MSG)
        path = self.dir.name + '/series'
        with open(path, 'w') as f:
            f.write('# === Fixes of 6.1 ===\np0.patch\np1.patch\np2.patch\n')
        return fixes.Series(path, self.t)

    def test_a_fix_needs_what_defines_a_function_it_calls(self):
        self.assertEqual(self.uses_series(True).needs(), {0: [], 1: [0], 2: [0]})

    def test_a_fix_calling_nothing_new_needs_nothing(self):
        self.assertEqual(self.uses_series(False).needs(), {0: [], 1: [], 2: [0]})

    def test_a_later_patch_naming_a_release_is_noted(self):
        rc, err = self.check(self.series([self.MSG, self.MSG, 'a bug since "x" (v4.12)']))
        self.assertEqual(rc, 0, err)
        self.assertIn('fixes: note: patch 3 (p2.patch) names the release', err)

    def test_fix_after_a_feature_fails(self):
        rc, err = self.check(self.series([self.MSG, 'feature', self.MSG], nfix=1))
        self.assertEqual(rc, 1)
        self.assertIn('patch 3 (p2.patch) has a Fixes: tag but is not in the fixes', err)

    def test_untagged_fix_fails(self):
        rc, err = self.check(self.series([self.MSG, 'no tags', 'feature']))
        self.assertEqual(rc, 1)
        self.assertIn('fix 2: no Fixes: tag', err)
        self.assertIn('fix 2: no "Cc: stable@vger.kernel.org"', err)
        self.assertIn('fix 2: does not say whether 6.12 has the bug', err)

    def test_the_6_12_series_needs_no_6_12_statement(self):
        msg = 'Fixes: 0123456789ab ("x: y")\nCc: stable@vger.kernel.org\n'
        rc, err = self.check(self.series([msg, msg, 'feature'],
                                         banners=('Fixes of 6.12', 'Features')))
        self.assertEqual(0, rc, err)
        self.assertNotIn('whether 6.12', err)

    def test_named_upstream_change_stands_for_the_tag(self):
        msg = self.MSG.replace('Fixes: 0123456789ab ("x: y")', 'Since "x: y" (v5.4).')
        rc, err = self.check(self.series([self.MSG, msg, 'feature']))
        self.assertEqual(rc, 0, err)

    def test_no_fixes_part_fails(self):
        rc, err = self.check(self.series(['a', 'b', 'c'], banners=('Features', 'More')))
        self.assertEqual(rc, 1)
        self.assertIn('the fixes of the base come first', err)


def ktap_main():
    """Run the tests and print KTAP: one point per test, the unittest
    report on standard error."""
    tests = list(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    flat = [t for suite in tests for t in suite]
    print('TAP version 13')
    print(f'1..{len(flat)}')
    failed = 0
    for i, t in enumerate(flat, 1):
        log = io.StringIO()
        r = unittest.TextTestRunner(stream=log, verbosity=0).run(t)
        ok = r.wasSuccessful() and r.testsRun == 1
        failed += not ok
        if not ok:
            sys.stderr.write(log.getvalue())
        print(f"{'ok' if ok else 'not ok'} {i} ktap.py: {type(t).__name__}.{t._testMethodName}")
    return 1 if failed else 0


if __name__ == '__main__':
    if sys.argv[1:] == ['--ktap']:
        sys.exit(ktap_main())
    unittest.main()
