#!/usr/bin/env python3
"""Compare the ratios of two make bench runs (build/bench/results.md):

  bench_compare.py OLD.md NEW.md

Every ratio of the tables (the columns kernel/VMM, real/virtual,
real/QEMU, ratio and series / without; "N% faster" as the ratio of the
times, 1 - N/100), of both runs, and how far apart they are; a ratio in
one run only is listed as such. The last line counts those more than 10%
apart. Exit status 1 when there are any, 2 when the two share no ratio.
"""
import re
import sys

COLUMNS = ("kernel/VMM", "real/virtual", "real/QEMU", "ratio",
           "series / without")


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def ratios(path):
    out = {}
    lines = open(path, encoding="utf-8").read().split("\n")
    head, table = [], 0
    for i, line in enumerate(lines):
        if not line.startswith("|") or line.startswith("|---"):
            continue
        # a table's header is the row before its |--- line
        if i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            head, table = cells(line), table + 1
            continue
        row = cells(line)
        for name, cell in zip(head, row):
            if name not in COLUMNS:
                continue
            m = re.match(r"^(-?[\d.]+)(x|% faster|$)", cell)
            if not m:
                continue
            v = float(m.group(1))
            if m.group(2) == "% faster":
                v = 1 - v / 100
            # the host without its repeats ("PowerNV (9 reps)"), the
            # metric, and the mode where a table has one
            host = re.sub(r" \(.*\)$", "", row[0])
            key = (table, host, row[1], row[2] if "mode" in head else "",
                   name)
            if key in out:
                sys.exit("%s: %s twice" % (path, key))
            out[key] = v
    return out


def main():
    old, new = ratios(sys.argv[1]), ratios(sys.argv[2])
    both = [k for k in old if k in new]
    far = 0
    for k in both:
        a, b = old[k], new[k]
        apart = max(a, b) / min(a, b) - 1 if min(a, b) > 0 else float("inf")
        far += apart > 0.10
        print("%-16s %-58s %-13s %8.3f %8.3f %5.1f%%%s" % (
            k[1][:16], (k[2] + (" " + k[3] if k[3] else ""))[:58],
            k[4][:13], a, b, 100 * apart, "  > 10%" if apart > 0.10 else ""))
    for k in [k for k in old if k not in new] + [k for k in new if k not in old]:
        print("%-16s %-58s %-13s only in %s" % (
            k[1][:16], k[2][:58], k[4][:13],
            sys.argv[1] if k in old else sys.argv[2]))
    print("%d ratios, %d more than 10%% apart" % (len(both), far))
    return 2 if not both else 1 if far else 0


if __name__ == "__main__":
    sys.exit(main())
