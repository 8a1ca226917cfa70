#!/usr/bin/env python3
"""Detection by a fleet of scorers that share the stream (issue 17, EVALUATION.md "Past one
machine"): `pumpguard evaluate --instances N --split key|round-robin` over held-out seeds, per N
and split the worst case over the seeds of each quality figure.

    tools/evaluate_fleet.py [--bin target/release/pumpguard] [--seeds 53-58] [--instances 1,2,4,8]
                            [--exchange SECS]

With --exchange, each split is also run with the fleet exchanging its cross-tenant state every
SECS seconds of event time (`evaluate --exchange-secs`), and a second table follows the
cross-tenant attack (the one signal the exchange serves) across all runs.
"""

import argparse
import json
import statistics
import subprocess

from evaluate_seeds import seeds


def run(binary, seed, n, split, exchange=None):
    args = [binary, "evaluate", "--seed", str(seed), "--instances", str(n), "--split", split, "--json"]
    if exchange and n > 1:
        args += ["--exchange-secs", str(exchange)]
    out = subprocess.run(args, check=True, capture_output=True).stdout
    return json.loads(out)


def cross(r):
    t = r["scenarios"]["cross_tenant_block"]["pumpguard"]
    after = t["flagged_after_detection"] / t["sends_after_detection"] if t.get("sends_after_detection") else None
    return {
        "ttd": t.get("ttd_sends"),
        "secs": t.get("ttd_secs"),
        "share": t["flagged"] / t["sends"],
        "after": after,
        "alerts": t.get("alerts", 0),
    }


def figures(r):
    attacks = r["attacks"]
    pg = {a: r["scenarios"][a]["pumpguard"] for a in attacks}
    detected = [a for a in attacks if pg[a].get("ttd_sends") is not None]
    after = [
        pg[a]["flagged_after_detection"] / pg[a]["sends_after_detection"]
        for a in detected
        if pg[a].get("sends_after_detection")
    ]
    ttd = [pg[a]["ttd_sends"] for a in detected if a != "slow_low_multi_country"]
    legit = [
        s["pumpguard"]["flagged"] / s["pumpguard"]["sends"]
        for name, s in r["scenarios"].items()
        if name not in attacks and s["pumpguard"].get("sends")
    ]
    return {
        "detected": len(detected),
        "attacks": len(attacks),
        "missed": sorted(set(attacks) - set(detected)),
        "fp": max(legit) * 100 if legit else 0.0,
        "ttd": statistics.median(ttd) if ttd else None,
        "after": min(after) * 100 if after else None,
        "alerts": max(pg[a].get("alerts", 0) for a in attacks),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/pumpguard")
    ap.add_argument("--seeds", default="53-58")
    ap.add_argument("--instances", default="1,2,4,8")
    ap.add_argument("--exchange", type=int, default=None)
    a = ap.parse_args()
    print("| split | instances | attacks detected (worst seed) | missed somewhere | worst legit FP % | median TTD, fast (worst seed) | worst share flagged after detection | max alerts per attack |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    modes = [("key", None), ("round-robin", None)]
    if a.exchange:
        modes += [("key", a.exchange), ("round-robin", a.exchange)]
    crosses = []
    for split, exchange in modes:
        for n in [int(x) for x in a.instances.split(",")]:
            if n == 1 and (split != "key" or exchange):
                continue
            reports = [run(a.bin, s, n, split, exchange) for s in seeds(a.seeds)]
            rows = [figures(r) for r in reports]
            name = split if n > 1 else "one instance"
            if exchange and n > 1:
                name += f", exchange every {exchange} s"
            crosses.append((name, n, [cross(r) for r in reports]))
            missed = sorted({m for r in rows for m in r["missed"]})
            ttds = [r["ttd"] for r in rows if r["ttd"] is not None]
            afters = [r["after"] for r in rows if r["after"] is not None]
            print(
                f"| {name} | {n} | {min(r['detected'] for r in rows)} of {rows[0]['attacks']} "
                f"| {', '.join(missed) or '—'} | {max(r['fp'] for r in rows):.4f} "
                f"| {max(ttds) if ttds else '—'} | {min(afters):.1f} % | {max(r['alerts'] for r in rows)} |"
            )
    print()
    print("cross_tenant_block over the seeds: median TTD in sends and seconds (worst seed), median share flagged, worst share flagged after detection, max alerts")
    print()
    print("| split | instances | detected | median TTD sends (worst) | median TTD s (worst) | median share flagged | worst after detection | max alerts |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, cs in crosses:
        det = [c for c in cs if c["ttd"] is not None]
        ttd = [c["ttd"] for c in det]
        secs = [c["secs"] for c in det]
        afters = [c["after"] for c in det if c["after"] is not None]
        print(
            f"| {name} | {n} | {len(det)} of {len(cs)} "
            f"| {statistics.median(ttd) if ttd else '—'} ({max(ttd) if ttd else '—'}) "
            f"| {statistics.median(secs):.0f} ({max(secs):.0f}) " if secs else f"| {name} | {n} | 0 of {len(cs)} | — | — "
        , end="")
        print(
            f"| {statistics.median(c['share'] for c in cs) * 100:.0f} % "
            f"| {min(afters) * 100:.0f} % | {max(c['alerts'] for c in cs)} |" if afters else "| — | — | — |"
        )


if __name__ == "__main__":
    main()
