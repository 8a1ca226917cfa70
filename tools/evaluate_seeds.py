#!/usr/bin/env python3
"""Runs `pumpguard evaluate --json` over several seeds and scales and prints the tables of
EVALUATION.md's seed section: per run, and the worst case and median over the runs.

    tools/evaluate_seeds.py [--bin target/release/pumpguard] [--seeds 5-16] [--scales 1,0.5,2]
                            [--sweeps rate=0.5/rate=2/volume=0.5/...] [--config FILE]

Seeds 1-4 are the ones looked at while changing the model; 5-16 are held out.
"""

import argparse
import json
import statistics
import subprocess
import sys


def seeds(spec):
    out = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def run(binary, seed, scale, sweep, config=None):
    out = subprocess.run(
        [binary, "evaluate", "--seed", str(seed), "--scale", str(scale), "--json"]
        + (["--sweep", sweep] if sweep else [])
        + (["--config", config] if config else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def attacks_and_legit(report):
    attacks, legit = {}, {}
    for name, sc in report["scenarios"].items():
        (attacks if name in report["attacks"] else legit)[name] = sc["pumpguard"]
    return attacks, legit


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/pumpguard")
    ap.add_argument("--seeds", default="5-16")
    ap.add_argument("--scales", default="1")
    ap.add_argument("--sweeps", default="", help="'/'-separated --sweep values, e.g. rate=0.5/rate=2")
    ap.add_argument("--config", default=None, help="a configuration file for every run")
    a = ap.parse_args()
    runs = []
    for sweep in a.sweeps.split("/"):
        for scale in [float(s) for s in a.scales.split(",")]:
            for seed in seeds(a.seeds):
                r = run(a.bin, seed, scale, sweep, a.config)
                runs.append((seed, f"{scale:g}" + (f", {sweep}" if sweep else ""), r))
                print(f"ran seed {seed} scale {scale} {sweep}", file=sys.stderr)

    print("| seed | scale, sweep | attacks detected | legit sends flagged (worst scenario) | the same without collateral | median TTD fast (sends) | slow-and-low TTD | flagged after detection (worst attack) | alerts per attack (max) |")
    print("|---:|---|---|---|---|---:|---:|---:|---:|")
    per_attack = {}
    per_legit = {}
    for seed, scale, r in runs:
        att, leg = attacks_and_legit(r)
        detected = sum(1 for p in att.values() if p["ttd_sends"] is not None)
        worst_legit = max(leg.items(), key=lambda kv: pct(kv[1]["flagged"], kv[1]["sends"]))
        own = lambda p: pct(p["flagged"] - p["collateral"], p["sends"])
        worst_own = max(leg.items(), key=lambda kv: own(kv[1]))
        fast = [p["ttd_sends"] for n, p in att.items() if n != "slow_low_multi_country" and p["ttd_sends"] is not None]
        slow = att["slow_low_multi_country"]["ttd_sends"]
        after = min(
            (pct(p["flagged_after_detection"], p["sends_after_detection"]), n)
            for n, p in att.items()
            if p["ttd_sends"] is not None
        )
        alerts = max((p["alerts"], n) for n, p in att.items())
        print(
            f"| {seed} | {scale} | {detected} of {len(att)} | "
            f"{pct(worst_legit[1]['flagged'], worst_legit[1]['sends']):.3f} % ({worst_legit[0]}) | "
            f"{own(worst_own[1]):.3f} % ({worst_own[0]}) | "
            f"{statistics.median(fast) if fast else '—'} | {slow if slow is not None else 'missed'} | "
            f"{after[0]:.1f} % ({after[1]}) | {alerts[0]} ({alerts[1]}) |"
        )
        for n, p in att.items():
            per_attack.setdefault(n, []).append(p)
        for n, p in leg.items():
            per_legit.setdefault(n, []).append(p)

    print()
    print(f"Over {len(runs)} runs, per attack (median / worst):")
    print()
    print("| attack | detected | time to detect, sends (median / worst) | flagged after detection (median / worst) | alerts (median / worst) |")
    print("|---|---:|---:|---:|---:|")
    for n in sorted(per_attack):
        ps = per_attack[n]
        det = [p for p in ps if p["ttd_sends"] is not None]
        ttd = [p["ttd_sends"] for p in det]
        after = [pct(p["flagged_after_detection"], p["sends_after_detection"]) for p in det]
        alerts = [p["alerts"] for p in ps]
        print(
            f"| {n} | {len(det)} of {len(ps)} | "
            f"{statistics.median(ttd) if ttd else '—'} / {max(ttd) if len(det) == len(ps) and ttd else 'missed'} | "
            f"{statistics.median(after) if after else 0:.1f} % / {min(after) if after else 0:.1f} % | "
            f"{statistics.median(alerts):g} / {max(alerts)} |"
        )
    print()
    print("Per legitimate scenario, sends flagged at level >= high (median / worst over the runs):")
    print()
    print("| scenario | sends per run (median) | flagged (median) | flagged (worst) | without collateral (median) | without collateral (worst) |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in sorted(per_legit):
        ps = per_legit[n]
        rates = [pct(p["flagged"], p["sends"]) for p in ps]
        owns = [pct(p["flagged"] - p["collateral"], p["sends"]) for p in ps]
        print(
            f"| {n} | {statistics.median([p['sends'] for p in ps]):g} | "
            f"{statistics.median(rates):.3f} % | {max(rates):.3f} % | "
            f"{statistics.median(owns):.3f} % | {max(owns):.3f} % |"
        )


if __name__ == "__main__":
    main()
