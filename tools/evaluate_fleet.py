#!/usr/bin/env python3
"""Detection by a fleet of scorers that share the stream (issue 17, EVALUATION.md "Past one
machine"): `pumpguard evaluate --instances N --split key|round-robin` over held-out seeds, per N
and split the worst case over the seeds of each quality figure.

    tools/evaluate_fleet.py [--bin target/release/pumpguard] [--seeds 53-58] [--instances 1,2,4,8]
"""

import argparse
import json
import statistics
import subprocess

from evaluate_seeds import seeds


def run(binary, seed, n, split):
    out = subprocess.run(
        [binary, "evaluate", "--seed", str(seed), "--instances", str(n), "--split", split, "--json"],
        check=True,
        capture_output=True,
    ).stdout
    return json.loads(out)


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
    a = ap.parse_args()
    print("| split | instances | attacks detected (worst seed) | missed somewhere | worst legit FP % | median TTD, fast (worst seed) | worst share flagged after detection | max alerts per attack |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for split in ["key", "round-robin"]:
        for n in [int(x) for x in a.instances.split(",")]:
            if n == 1 and split != "key":
                continue
            rows = [figures(run(a.bin, s, n, split)) for s in seeds(a.seeds)]
            missed = sorted({m for r in rows for m in r["missed"]})
            ttds = [r["ttd"] for r in rows if r["ttd"] is not None]
            afters = [r["after"] for r in rows if r["after"] is not None]
            print(
                f"| {split if n > 1 else 'one instance'} | {n} | {min(r['detected'] for r in rows)} of {rows[0]['attacks']} "
                f"| {', '.join(missed) or '—'} | {max(r['fp'] for r in rows):.4f} "
                f"| {max(ttds) if ttds else '—'} | {min(afters):.1f} % | {max(r['alerts'] for r in rows)} |"
            )


if __name__ == "__main__":
    main()
