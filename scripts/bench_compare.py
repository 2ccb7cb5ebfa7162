#!/usr/bin/env python3
"""Compare the ratios of two make bench runs (build/bench/results.md):

  bench_compare.py OLD.md NEW.md

Prints every ratio of both (the columns kernel/VMM, real/virtual,
real/QEMU and ratio; "N% faster" as the ratio of the times, 1 - N/100)
and how far apart they are; the last line counts those more than 10%
apart. Exit status 1 when there are any, 2 when the two share no ratio.
"""
import re
import sys


def ratios(path):
    out, head = {}, []
    for line in open(path, encoding="utf-8"):
        if line.startswith("| host"):
            head = [c.strip() for c in line.strip().strip("|").split("|")]
            continue
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for name, cell in zip(head, cells):
            if name != "ratio" and "/" not in name:
                continue
            m = re.match(r"^([\d.]+)(x|% faster)", cell)
            if not m:
                continue
            v = float(m.group(1))
            if m.group(2) == "% faster":
                v = 1 - v / 100
            # the host's label without its repeats: "PowerNV (9 reps)"
            host = re.sub(r" \(.*\)$", "", cells[0])
            out[host, cells[1], name] = v
    return out


def main():
    old, new = ratios(sys.argv[1]), ratios(sys.argv[2])
    both = [k for k in old if k in new]
    far = 0
    for k in both:
        a, b = old[k], new[k]
        apart = max(a, b) / min(a, b) - 1 if min(a, b) > 0 else float("inf")
        far += apart > 0.10
        print("%-16s %-58s %-13s %8.2f %8.2f %5.1f%%%s" % (
            k[0][:16], k[1][:58], k[2][:13], a, b, 100 * apart,
            "  > 10%" if apart > 0.10 else ""))
    print("%d ratios, %d more than 10%% apart" % (len(both), far))
    return 2 if not both else 1 if far else 0


if __name__ == "__main__":
    sys.exit(main())
