#!/usr/bin/env python3
"""The tables of make bench: the TCE path alone, from the '# bench:' lines
of tce_bench (scenarios bench-tce-*), and the L2 guest, from the
'# BENCH key=value ...' lines that guest/tests/bench_l2.sh prints into the
KTAP of the other bench scenarios.

  bench_report.py LOGS OUTDIR SCENARIO...

A SCENARIO booted more than once (BENCH_BOOTS) comes as NAME@1..NAME@K.
tce_bench's rates are those of each hcall's fastest round trip in the
best round; of more boots, the best boot's, with the boots' range. The
L2: accelerated (accel: the TCE hcalls in the kernel) against control
(QEMU handles them), medians over the repeats of all boots with their
spread (min..max), and the ratio against the goal of the issue. A scenario with the modes real
and virt (POWER8: the real mode handlers on, off) gets a table of its own:
real mode against virtual mode against QEMU. Writes OUTDIR/results.md and,
when matplotlib is there, OUTDIR/bench.png.

  bench_report.py --versus LOGS OUTDIR LABEL SERIES BASE

Another base's benchmark: the L2 scenario SERIES (the series) against
BASE (the base kernel unpatched), per L2 run, in OUTDIR/results.md.
"""
import math
import os
import re
import statistics
import sys


def scenario_ok(logs, scenario):
    """Whether the scenario finished and none of its test points failed:
    the numbers of one that did make no table"""
    try:
        status = open(os.path.join(logs, scenario + ".status")).read()
        ktap = open(os.path.join(logs, scenario + ".ktap"),
                    encoding="utf-8", errors="replace").read()
    except OSError:
        return False
    return status.split("\t")[1:2] == ["ok"] and \
        not re.search(r"^\s*not ok ", ktap, re.M)


def runs(logs, scenario, failed_too=False):
    """The '# BENCH' lines of a scenario that passed (@failed_too: of one
    that did not, too: an unpatched base fails what its bugs fail)"""
    out = []
    path = os.path.join(logs, scenario + ".ktap")
    if not failed_too and not scenario_ok(logs, scenario):
        return out
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if not line.startswith("# BENCH "):
            continue
        kv = dict(w.split("=", 1) for w in line[8:].split() if "=" in w)
        out.append(kv)
    return out


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def values(rs, mode, window, f):
    vals = []
    for r in rs:
        if r.get("mode") == mode and r.get("window") == window:
            v = f(r)
            if v is not None:
                vals.append(v)
    return vals


def tces_per_s(r):
    n, t = num(r.get("n2m")), num(r.get("t2m"))
    return n * 512 / t if n and t else None


def iops_4k(r):
    n, t = num(r.get("n4k")), num(r.get("t4k"))
    return n / t if n and t else None


def ready(r):
    return num(r.get("ready"))


def per_l2(key, hcall):
    """L0 hcalls of @key per L2 @hcall (handled by KVM or by QEMU)"""
    def f(r):
        l2 = (num(r.get(hcall + "_real")) or 0) + \
            (num(r.get(hcall + "_virt")) or 0) + \
            (num(r.get(hcall + "_qemu")) or 0)
        put = num(r.get("l0_put")) or 0
        v = {
            # the L2's own H_PUT_TCE go to L0 as H_PUT_TCE too
            "l0_map": (num(r.get("l0_indirect")) or 0) +
            (num(r.get("l0_get")) or 0) +
            max(0, put - (num(r.get("put_virt")) or 0) -
                (num(r.get("put_qemu")) or 0)),
            "l0_get": num(r.get("l0_get")),
            "l0_unmap": num(r.get("l0_stuff")),
        }[key]
        return v / l2 if l2 and v is not None else None
    return f


def real_share(r):
    """the share of the TCE hcalls KVM completed that it did in real mode"""
    real = sum(num(r.get(h + "_real")) or 0 for h in ("put", "indirect", "stuff"))
    virt = sum(num(r.get(h + "_virt")) or 0 for h in ("put", "indirect", "stuff"))
    return 100.0 * real / (real + virt) if real + virt else None


def reps_of(rs, boots):
    """"N reps" or "N reps in B boots" """
    reps = max(int(r.get("rep", "1")) for r in rs)
    if boots > 1:
        return "%d reps in %d boots" % (reps * boots, boots)
    return "%d rep%s" % (reps, "s" if reps > 1 else "")


def realmode_table(rs, plot, boots):
    """POWER8: real mode handlers against virtual mode against QEMU"""
    cpu = rs[0].get("cpu", "?")
    label = "%s %s (%s)" % (cpu, rs[0].get("platform", "?"),
                            reps_of(rs, boots))
    rows = []
    for name, f, fmt in [
            ("4K read IOPS, 32-bit window (map per I/O)", iops_4k, "%.1f"),
            ("TCEs mapped per second (2M reads: INDIRECT of 512, STUFF)",
             tces_per_s, "%.0f"),
            ("TCE hcalls completed in real mode (%)", real_share, "%.1f")]:
        cells, meds = [], []
        for mode in ("real", "virt", "control"):
            c, m = summary(values(rs, mode, "noddw", f), fmt)
            cells.append(c)
            meds.append(m)
        ratios = []
        for other in (meds[1], meds[2]):
            if f is real_share or meds[0] is None or not other:
                ratios.append("-")
            else:
                ratios.append("%.2fx" % (meds[0] / other))
        if f is iops_4k and ratios[0] != "-":
            plot.append(("%s real/virtual\n%s" % (cpu, name.split(" (")[0]),
                         meds[0] / meds[1]))
        rows.append((label, name, *cells, *ratios))
    md = ["| host | metric | real mode | virtual mode | QEMU | real/virtual | real/QEMU |",
          "|---|---|---|---|---|---|---|"]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    return md


def summary(vals, fmt):
    if not vals:
        return "-", None
    med = statistics.median(vals)
    spread = ""
    if len(vals) > 1:
        spread = " (%s..%s)" % (fmt % min(vals), fmt % max(vals))
    return (fmt % med) + spread, med


def fuzz_table(logs, scenario):
    """The hcall fuzzer's passes: hcalls, time, rate, result."""
    path = os.path.join(logs, scenario + ".ktap")
    if not os.path.exists(path):
        return []
    rate = re.compile(r"# kvm_tce_hcalls\.c:\d+:(\w+):([a-z ]+): (\d+) hcalls "
                      r"in ([0-9.]+) s: (\d+) hcalls/s")
    result = re.compile(r"(ok|not ok) \d+ hcalls\.(\w+)( # SKIP.*)?$")
    passes, results = [], {}
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        m = rate.match(line)
        if m:
            passes.append(m.groups())
        m = result.match(line)
        if m:
            results[m.group(2)] = "skipped" if m.group(3) else m.group(1)
    if not passes:
        return ["", "hcall fuzzer (%s): no results" % scenario]
    out = ["", "hcall fuzzer (%s: kvm_tce_hcalls, every hcall checked "
           "against the model)" % scenario, "",
           "| mode | hcalls | seconds | hcalls/s | result |",
           "|---|---|---|---|---|"]
    rates = {}
    for test, mode, n, secs, per_s in passes:
        rates[mode] = float(per_s)
        out.append("| %s | %s | %s | %s | %s |" % (
            mode, n, secs, per_s, results.get(test, "?")))
    if rates.get("real mode") and rates.get("virtual mode"):
        out += ["", "real mode / virtual mode: %.2fx" %
                (rates["real mode"] / rates["virtual mode"])]
    return out


TCE_LINE = re.compile(r"# bench: (rate|ratio|l0) (\S+) (H_\S+) (.*)$")
TCE_OPS = ["H_PUT_TCE", "H_PUT_TCE(0)", "H_PUT_TCE_INDIRECT", "H_STUFF_TCE"]
TCE_WHAT = {"H_PUT_TCE": "H_PUT_TCE, 1 TCE mapped",
            "H_PUT_TCE(0)": "H_PUT_TCE, 1 TCE cleared",
            "H_PUT_TCE_INDIRECT": "H_PUT_TCE_INDIRECT, 512 mapped",
            "H_STUFF_TCE": "H_STUFF_TCE, 512 cleared"}


def tce_results(logs, scenario):
    """tce_bench's lines: {(kind, who, op): [numbers]}, and its header"""
    out, head = {}, ""
    path = os.path.join(logs, scenario + ".ktap")
    if not scenario_ok(logs, scenario):
        return out, head
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if line.startswith("# bench: ") and " rounds of " in line:
            head = line[len("# bench: "):]
        m = TCE_LINE.match(line)
        if m:
            # the numbers before the words: the value, lowest, highest
            # round (l0: one); a round without a rate (inf, nan) makes none
            v = []
            for x in m.group(4).split()[:3]:
                try:
                    v.append(float(x))
                except ValueError:
                    break
            out[m.group(1), m.group(2), m.group(3)] = \
                v if v and all(map(math.isfinite, v)) else []
    return out, head


def tce_boots(logs, scenarios, base):
    """tce_results() of a scenario booted once (NAME) or more (NAME@K).
    Of more boots, a mode's rate is that of its best boot (tce_bench takes
    an hcall's fastest round trip: what slows one down changes from boot
    to boot), a ratio that of those rates; each with the lowest and
    highest of the boots. Nothing when a boot has no results."""
    names = [sc for sc in scenarios if sc.split("@")[0] == base]
    boots = [tce_results(logs, sc) for sc in names]
    if len(boots) == 1:
        return boots[0]
    if not boots or not all(res for res, _ in boots):
        return {}, ""
    out = {}
    for key in boots[0][0]:
        v = [res.get(key, [])[:1] for res, _ in boots]
        v = [x[0] for x in v if x]
        if len(v) < len(boots):
            out[key] = []
        elif key[0] == "rate":
            out[key] = [max(v), min(v), max(v)]
        else:
            out[key] = [statistics.median(v), min(v), max(v)]
    for kind, who, op in list(out):
        if kind != "ratio" or not out[kind, who, op]:
            continue
        a, b = (out.get(("rate", m, op)) for m in who.split("/"))
        out[kind, who, op][0] = a[0] / b[0] if a and b and b[0] else None
        if out[kind, who, op][0] is None:
            out[kind, who, op] = []
    return out, "%s; the best of %d boots" % (boots[0][1], len(boots))


def spread(v, fmt):
    if not v:
        return "-"
    if len(v) < 3 or v[1] == v[2]:
        return fmt % v[0]
    return "%s (%s..%s)" % (fmt % v[0], fmt % v[1], fmt % v[2])


def tce_table(logs, scenarios, plot):
    """TCEs per second of each hcall, in the kernel and in the VMM"""
    md = ["| host | hcall | kernel, real mode | kernel, virtual mode | VMM "
          "| kernel/VMM | real/virtual | L0 calls per hcall, kernel / VMM "
          "| goal |", "|---|---|---|---|---|---|---|---|---|"]
    heads = []
    for sc in dict.fromkeys(sc.split("@")[0] for sc in scenarios):
        res, head = tce_boots(logs, scenarios, sc)
        host = sc.replace("bench-tce-", "")
        if not res:
            md.append("| %s | no results | - | - | - | - | - | - | - |" % host)
            continue
        heads.append("%s: %s" % (host, head))
        for op in TCE_OPS:
            real = res.get(("rate", "kernel-real", op))
            virt = res.get(("rate", "kernel-virt", op))
            vmm = res.get(("rate", "vmm", op))
            kv = res.get(("ratio", "kernel-virt/vmm", op))
            rv = res.get(("ratio", "kernel-real/kernel-virt", op))
            l0k = res.get(("l0", "kernel-virt", op))
            l0v = res.get(("l0", "vmm", op))
            l0 = "%.2f / %.2f" % (l0k[0], l0v[0]) if l0k and l0v else "-"
            goal = ">= 8x" if op == "H_PUT_TCE_INDIRECT" else ""
            if op == "H_PUT_TCE_INDIRECT" and l0k:
                goal += ", L0 <= 2"
            md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                host, TCE_WHAT[op], spread(real, "%.0f"),
                spread(virt, "%.0f"), spread(vmm, "%.0f"),
                spread(kv, "%.2fx"), spread(rv, "%.2fx"), l0, goal or "-"))
            if kv and op == "H_PUT_TCE_INDIRECT":
                plot.append(("%s tce_bench\n%s" % (host, TCE_WHAT[op]),
                             kv[0]))
    return md + [""] + ["- " + h for h in heads]


def hotpath_table(logs, scenarios, nohot):
    """The series' kernel against the one without its locks and fence"""
    md = ["| host | hcall | mode | series | without locks and fence "
          "| series / without |", "|---|---|---|---|---|---|"]
    bases = [sc.split("@")[0] for sc in nohot]
    for sc in dict.fromkeys(sc.split("@")[0] for sc in scenarios):
        if sc + "-nohot" not in bases:
            continue
        res, _ = tce_boots(logs, scenarios, sc)
        without, _ = tce_boots(logs, nohot, sc + "-nohot")
        host = sc.replace("bench-tce-", "")
        for mode in ("kernel-real", "kernel-virt"):
            for op in TCE_OPS:
                a = res.get(("rate", mode, op))
                b = without.get(("rate", mode, op))
                if not a and not b:
                    continue
                md.append("| %s | %s | %s | %s | %s | %s |" % (
                    host, TCE_WHAT[op], mode.replace("kernel-", ""),
                    spread(a, "%.0f"), spread(b, "%.0f"),
                    "%.3f" % (a[0] / b[0]) if a and b and b[0] else "-"))
    return md


def versus_table(logs, series, base, label):
    """Another base's benchmark: the pSeries L2 run (bench_l2) on its
    series (@series) against the base unpatched (@base), per L2 run (the
    unpatched base counts none of the L2's hcalls: no statistics there),
    in each mode: the L1's calls to L0 and the L2's boot"""
    rs = {"series": runs(logs, series), "base": runs(logs, base, True)}
    md = ["| per L2 run, median (min..max) | TCE hcalls of the L2 | L1 on %s | L1 on %s with the series | series / base |"
          % (label, label),
          "|---|---|---|---|---|"]
    rows = [("L0 H_GET_TCE", lambda r: num(r.get("l0_get")), "%.0f"),
            ("L0 H_PUT_TCE", lambda r: num(r.get("l0_put")), "%.0f"),
            ("L0 H_PUT_TCE_INDIRECT", lambda r: num(r.get("l0_indirect")), "%.0f"),
            ("L0 H_STUFF_TCE", lambda r: num(r.get("l0_stuff")), "%.0f"),
            ("L2 disk ready after boot (s)", ready, "%.2f")]
    for mode, who in (("accel", "in KVM"), ("control", "in QEMU")):
        for name, f, fmt in rows:
            cell = {}
            med = {}
            for k in ("base", "series"):
                vals = [f(r) for r in rs[k] if r.get("mode") == mode]
                cell[k], med[k] = summary([v for v in vals if v is not None], fmt)
            ratio = "-"
            if med["base"] and med["series"] is not None:
                ratio = "%.4g" % (med["series"] / med["base"])
            md.append("| %s | %s | %s | %s | %s |" % (name, who, cell["base"],
                                                    cell["series"], ratio))
    # what an L2 hcall costs with the series (the L2's hcalls are counted
    # by its statistics only)
    md.append("")
    for name, key, hcall in (("L0 calls per L2 H_PUT_TCE_INDIRECT", "l0_map", "indirect"),
                             ("L0 H_STUFF_TCE per L2 H_STUFF_TCE", "l0_unmap", "stuff")):
        for window in ("noddw", "ddw"):
            v, _ = summary(values(rs["series"], "accel", window, per_l2(key, hcall)), "%.2f")
            md.append("- %s with the series, KVM handling them, %s: %s"
                      % (name, "32-bit window" if window == "noddw" else "DDW", v))
    md.append("- the L2 guest runs the series' kernel under both L1s")
    if not scenario_ok(logs, base):
        md.append("- %s failed test points (its bugs): its numbers are of what it did" % base)
    for sc, k in ((series, "series"), (base, "base")):
        if not rs[k]:
            md.append("- no results of %s (a failed test point, or no run): see its .ktap" % sc)
    return md


def main():
    if sys.argv[1] == "--versus":
        # --versus LOGS OUTDIR LABEL SERIES_SCENARIO BASE_SCENARIO
        logs, outdir, label, series, base = sys.argv[2:7]
        md = versus_table(logs, series, base, label)
        os.makedirs(outdir, exist_ok=True)
        text = "\n".join(md) + "\n"
        with open(os.path.join(outdir, "results.md"), "w") as f:
            f.write(text)
        print(text, end="")
        return
    logs, outdir, scenarios = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = []
    plot = []
    extra = []
    tce = [sc for sc in scenarios if sc.startswith("bench-tce-")]
    scenarios = [sc for sc in scenarios if sc not in tce]
    nohot = [sc for sc in tce if sc.split("@")[0].endswith("-nohot")]
    tce = [sc for sc in tce if sc not in nohot]
    tce_md = tce_table(logs, tce, plot) + [""] if tce else []
    if nohot:
        tce_md += hotpath_table(logs, tce, nohot) + [""]
    for sc in dict.fromkeys(sc.split("@")[0] for sc in scenarios):
        if sc == "bench-hcalls":
            extra += fuzz_table(logs, sc)
            continue
        # the repeats of all its boots; none if a boot has no results
        boots = [runs(logs, name) for name in scenarios
                 if name.split("@")[0] == sc]
        rs = [r for b in boots for r in b] if all(boots) else []
        if not rs:
            rows.append((sc, "no results", "-", "-", "-", "-"))
            continue
        if any(r.get("mode") == "real" for r in rs):
            extra += [""] + realmode_table(rs, plot, len(boots))
            continue
        platform = rs[0].get("platform", "?")
        reps = reps_of(rs, len(boots))
        rates = metrics = [
            ("TCEs mapped per second (2M reads: INDIRECT of 512, STUFF)", "noddw",
             tces_per_s, "%.0f", "accel/control", ">= 8x"),
            ("4K read IOPS, 32-bit window (map per I/O)", "noddw",
             iops_4k, "%.1f", "accel/control", ">= 3x"),
            ("L2 disk ready after boot, DDW full-RAM map (s)", "ddw",
             ready, "%.2f", "1 - accel/control", ">= 30% faster"),
        ]
        if platform == "pSeries":
            metrics = [
                ("L0 H_PUT_TCE_INDIRECT + H_PUT_TCE + H_GET_TCE per L2 "
                 "H_PUT_TCE_INDIRECT", "noddw", per_l2("l0_map", "indirect"),
                 "%.2f", "", "<= 2 for 512 entries"),
                ("L0 H_GET_TCE per L2 H_PUT_TCE_INDIRECT", "noddw",
                 per_l2("l0_get", "indirect"), "%.2f", "", "0"),
                ("L0 H_STUFF_TCE + H_PUT_TCE per L2 H_STUFF_TCE", "noddw",
                 per_l2("l0_unmap", "stuff"), "%.2f", "", "1"),
            ]
            # its reads are too few for rates (bench-pseries.conf): only
            # the boot, which maps the L2's memory
            metrics += [m for m in rates if m[1] == "ddw"]
        for name, window, f, fmt, how, goal in metrics:
            a, am = summary(values(rs, "accel", window, f), fmt)
            c, cm = summary(values(rs, "control", window, f), fmt)
            ratio = "-"
            if am is not None and cm:
                if how == "accel/control":
                    ratio = "%.2fx" % (am / cm)
                    plot.append(("%s\n%s" % (platform, name.split(" (")[0]),
                                 am / cm))
                elif how == "1 - accel/control":
                    ratio = "%.0f%% faster" % (100 * (1 - am / cm))
            label = "%s (%s)" % (platform, reps)
            rows.append((label, name, a, c, ratio, goal))
    os.makedirs(outdir, exist_ok=True)
    md = []
    if rows:
        md = ["| host | metric | accel | control | ratio | goal |",
              "|---|---|---|---|---|---|"]
        md += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        extra = extra[1:]
    text = "\n".join(tce_md + md + extra) + "\n"
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(text)
    print(text, end="")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no python3-matplotlib: no bench.png)")
        return
    if plot:
        fig, ax = plt.subplots(figsize=(8, 1 + 0.6 * len(plot)))
        ax.barh([p[0] for p in plot], [p[1] for p in plot], color="#4477aa")
        ax.axvline(1, color="black", linewidth=0.8)
        ax.set_xlabel("accelerated / control (higher is better)")
        ax.set_title("sPAPR TCE hcalls in KVM vs in QEMU (make bench)")
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "bench.png"), dpi=100)
        print("plot: %s" % os.path.join(outdir, "bench.png"))


if __name__ == "__main__":
    main()
