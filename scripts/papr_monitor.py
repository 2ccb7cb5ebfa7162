#!/usr/bin/env python3
"""Hold a pSeries guest's TCE and DDW calls to PAPR, from the L0's trace.

usage: papr_monitor.py TRACE >KTAP

TRACE is what QEMU's log trace backend wrote (-D) for the events
spapr_iommu_pci_{put,get,indirect,stuff} and spapr_iommu_ddw_*: the calls
the L1 kernel made to the hypervisor for the windows of its PHBs. QEMU
accepts more than PowerVM does; each test point checks what PAPR (and
6.1's own pSeries code) holds the kernel to:

- tce_calls_traced: the trace has TCE calls at all (an event QEMU does
  not know, or a trace file it did not write, would pass the rest).
- stuff_at_most_512: no H_STUFF_TCE of more than 512 entries.
- tce_calls_answered_success: every H_PUT_TCE, H_PUT_TCE_INDIRECT and
  H_STUFF_TCE succeeded (the kernel's own calls never expect a refusal).
- no_call_to_a_removed_window: no such call to a LIOBN whose window was
  removed (ibm,remove-pe-dma-window) or reset away, and not created again.
  A kernel started by kexec asks with H_GET_TCE whether a window its
  device tree describes is there (its first and last TCE): up to two
  H_GET_TCE refused with H_PARAMETER per LIOBN between two window
  changes (create, remove, reset) are that answer, not a failure.
- no_write_only_tce: no TCE that lets the device write but not read
  (H_PUT_TCE, H_PUT_TCE_INDIRECT): 6.1's pSeries DMA code never sends one,
  PowerNV's tables never hold one, and PAPR does not promise to take it.

QEMU refuses some calls before it traces them: an H_PUT_TCE_INDIRECT of
more than 512 entries or with a list not 4K aligned, an H_STUFF_TCE of
more entries than the window has (a removed window has none), a second
removal of a window. The kernel reports a refused TCE write of a VFIO
window on the console ("LIOBN ...: writing N TCEs at ... failed"), which
scripts/reports.pattern fails.

Diagnostics (the first few offending lines of each) follow a failed point.
"""
import re
import sys

LINE = re.compile(r'(?:\d+@[\d.]+:)?spapr_iommu_(?P<ev>\w+) (?P<args>.*)$')
H_PARAMETER = -4
# QEMU's sPAPR PHBs: BUID and LIOBNs of the PHB of index n
BUID_BASE = 0x800000020000000


def liobns_of(buid):
    """(default window's LIOBN, dynamic window's LIOBN) of a PHB"""
    n = buid - BUID_BASE
    return 0x80000000 | (n << 8), 0x80000000 | (n << 8) | 1


def fields(args):
    """key=value pairs of a trace line (values as ints where they are)"""
    out = {}
    for k, v in re.findall(r'(\w+)=(-?(?:0x)?[0-9a-fA-F]+)', args):
        out[k] = int(v, 0)
    return out


def check(lines):
    """[(name, [offending lines])] for each test point"""
    bad = {'tce_calls_traced': [], 'stuff_at_most_512': [],
           'tce_calls_answered_success': [], 'no_call_to_a_removed_window': [],
           'no_write_only_tce': []}
    removed = set()
    # refused H_GET_TCE per LIOBN since the last window change
    asked = {}
    calls = 0
    for raw in lines:
        m = LINE.search(raw)
        if not m:
            continue
        ev, f = m.group('ev'), fields(m.group('args'))
        line = raw.strip()
        if ev in ('pci_put', 'pci_get', 'pci_indirect', 'pci_stuff'):
            calls += 1
            probe = False
            if ev == 'pci_get' and f.get('ret', 0) == H_PARAMETER:
                n = asked.get(f.get('liobn'), 0)
                probe = n < 2
                asked[f.get('liobn')] = n + 1
            if f.get('ret', 0) != 0 and not probe:
                bad['tce_calls_answered_success'].append(line)
            if ev == 'pci_stuff' and f.get('npages', 0) > 512:
                bad['stuff_at_most_512'].append(line)
            if f.get('liobn') in removed and not probe:
                bad['no_call_to_a_removed_window'].append(line)
            tce = f.get('tce' if ev == 'pci_put' else 'tceN')
            if ev in ('pci_put', 'pci_indirect') and tce is not None and tce & 3 == 2:
                bad['no_write_only_tce'].append(line)
        elif ev in ('ddw_create', 'ddw_remove', 'ddw_reset'):
            asked.clear()
        if ev == 'ddw_remove':
            removed.add(f['liobn'])
        elif ev == 'ddw_create':
            removed.discard(f['liobn'])
        elif ev == 'ddw_reset':
            # the default window comes back, the dynamic ones go
            dflt, dyn = liobns_of(f['buid'])
            removed.discard(dflt)
            removed.add(dyn)
    if not calls:
        bad['tce_calls_traced'].append('no TCE call in the trace')
    return calls, list(bad.items())


def main(argv, out=sys.stdout):
    try:
        with open(argv[1], errors='replace') as f:
            lines = f.readlines()
    except OSError as e:
        print('TAP version 13\n1..1', file=out)
        print(f'not ok 1 papr_monitor # no trace: {e}', file=out)
        return 0
    calls, points = check(lines)
    print('TAP version 13', file=out)
    print('1..1', file=out)
    print('  TAP version 13', file=out)
    print(f'  # {calls} TCE calls to L0 checked', file=out)
    print(f'  1..{len(points)}', file=out)
    failed = False
    for i, (name, offending) in enumerate(points, 1):
        if offending:
            failed = True
            print(f'  not ok {i} {name}', file=out)
            print(f'  # {len(offending)} calls, the first:', file=out)
            for line in offending[:5]:
                print(f'  # {line}', file=out)
        else:
            print(f'  ok {i} {name}', file=out)
    print(f'{"not ok" if failed else "ok"} 1 papr_monitor', file=out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
