#!/usr/bin/env python3
"""Compares two models on the same simulated runs: prints every run in which an attack's or a
legitimate scenario's numbers differ, totals per scenario, and per sweep family and scale the
runs with an attack missed or under 90 % held after detection.

    tools/compare_models.py A B [--seeds 1-4] [--scales 1,0.5,0.25]
                            [--sweeps ,rate=0.5,own_flow=1] [--json FILE]

A and B are `bin:PATH` (a pumpguard binary, default configuration) or `cfg:FILE` (a
configuration file, with --bin's binary). `--sweeps` is comma-separated (`a=1+b=2` combines two); an empty item is the
run without a sweep.
"""
import argparse, json, subprocess, sys, concurrent.futures as cf
ap = argparse.ArgumentParser()
ap.add_argument("a"); ap.add_argument("b")
ap.add_argument("--seeds", default="1-4"); ap.add_argument("--scales", default="1")
ap.add_argument("--sweeps", default="")
ap.add_argument("--json", default=None)
ap.add_argument("--bin", default="target/release/pumpguard")
a = ap.parse_args()
def seeds(spec):
    out=[]
    for part in spec.split(","):
        lo,_,hi=part.partition("-"); out.extend(range(int(lo), int(hi or lo)+1))
    return out
def cmd(spec, seed, scale, sweep):
    kind, _, val = spec.partition(":")
    b = val if kind == "bin" else a.bin
    c = [b, "evaluate", "--seed", str(seed), "--scale", str(scale), "--json"]
    if sweep: c += ["--sweep", sweep.replace("+", ",")]
    if kind == "cfg": c += ["--config", val]
    return c
def run(c):
    return json.loads(subprocess.run(c, check=True, capture_output=True, text=True).stdout)
jobs = []
for sw in a.sweeps.split(","):
    for sc in a.scales.split(","):
        for s in seeds(a.seeds):
            jobs.append((s, sc, sw))
res = {}
with cf.ThreadPoolExecutor(2) as ex:
    futs = {}
    for j in jobs:
        for side in ("a", "b"):
            futs[ex.submit(run, cmd(getattr(a, side), *j))] = (j, side)
    for f in cf.as_completed(futs):
        j, side = futs[f]
        res.setdefault(j, {})[side] = f.result()
tot = {"a": {}, "b": {}}
def pct(x, y): return 100.0 * x / y if y else 0.0
for j in jobs:
    ra, rb = res[j]["a"], res[j]["b"]
    lines = []
    for name in ra["scenarios"]:
        pa, pb = ra["scenarios"][name]["pumpguard"], rb["scenarios"][name]["pumpguard"]
        att = name in ra["attacks"]
        for side, p in (("a", pa), ("b", pb)):
            t = tot[side].setdefault(name, {"miss": 0, "flag": 0, "sends": 0, "after": 0, "aftern": 0, "alerts": 0, "low90": 0, "coll": 0, "ttd": []})
            t["sends"] += p["sends"]; t["flag"] += p["flagged"]
            if att:
                if p["ttd_sends"] is None: t["miss"] += 1
                else:
                    t["ttd"].append(p["ttd_sends"])
                    t["after"] += p["flagged_after_detection"]; t["aftern"] += p["sends_after_detection"]
                    if p["sends_after_detection"] and p["flagged_after_detection"] < 0.9 * p["sends_after_detection"]: t["low90"] += 1
                t["alerts"] = max(t["alerts"], p["alerts"])
            else:
                t["coll"] += p["collateral"]
        if att:
            ka = (pa["ttd_sends"], pa["flagged_after_detection"], pa["sends_after_detection"], pa["alerts"])
            kb = (pb["ttd_sends"], pb["flagged_after_detection"], pb["sends_after_detection"], pb["alerts"])
            if ka != kb: lines.append(f"  {name}: ttd/after/n/alerts {ka} -> {kb}")
        elif pa["flagged"] != pb["flagged"]:
            lines.append(f"  {name}: flagged {pa['flagged']} -> {pb['flagged']} of {pa['sends']} (coll {pa['collateral']} -> {pb['collateral']})")
    if lines:
        print(f"seed {j[0]} scale {j[1]} {j[2]}"); print("\n".join(lines))
print("\nTOTALS a -> b")
import statistics
for name in sorted(tot["a"]):
    ta, tb = tot["a"][name], tot["b"][name]
    if "ttd" in ta and (ta["ttd"] or ta["miss"]) and name in res[jobs[0]]["a"]["attacks"]:
        print(f"{name:24} miss {ta['miss']}->{tb['miss']}  ttd med {statistics.median(ta['ttd']) if ta['ttd'] else '-'}->{statistics.median(tb['ttd']) if tb['ttd'] else '-'}  after {pct(ta['after'],ta['aftern']):.1f}->{pct(tb['after'],tb['aftern']):.1f}%  runs<90 {ta['low90']}->{tb['low90']}  maxalerts {ta['alerts']}->{tb['alerts']}")
    else:
        print(f"{name:24} flagged {ta['flag']}->{tb['flag']} of {ta['sends']} (coll {ta['coll']}->{tb['coll']})")
print("\nPER SWEEP FAMILY AND SCALE: attacks missed a -> b, runs under 90 % after detection a -> b")
import collections
groups = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0, 0, 0]))
legit = collections.defaultdict(lambda: [0, 0])
for (seed, scale, sweep), v in res.items():
    g = f"{sweep.split('=')[0] or 'no sweep'}, scale {scale}"
    for i, side in enumerate(("a", "b")):
        r = v[side]
        for name in r["attacks"]:
            p = r["scenarios"][name]["pumpguard"]
            groups[g][name][i] += p["ttd_sends"] is None
            if p["ttd_sends"] is not None and p["sends_after_detection"]:
                groups[g][name][2 + i] += p["flagged_after_detection"] < 0.9 * p["sends_after_detection"]
        legit[g][i] += sum(r["scenarios"][n]["pumpguard"]["flagged"] for n in r["scenarios"] if n not in r["attacks"])
for g in sorted(groups):
    print(f"{g}: legitimate sends at high {legit[g][0]} -> {legit[g][1]}")
    for name, st in sorted(groups[g].items()):
        if any(st):
            print(f"   {name:24} missed {st[0]} -> {st[1]}   under 90 % {st[2]} -> {st[3]}")
if a.json:
    json.dump({f"{k[0]}|{k[1]}|{k[2]}": v for k, v in res.items()}, open(a.json, "w"))
