#!/usr/bin/env python3
"""How much history pumpguard needs: each attack of a simulated week scored with only H hours
of the stream before its first send (a cold start H hours before the attack), against the whole
week. Prints EVALUATION.md's history tables.

    tools/evaluate_history.py [--bin target/release/pumpguard] [--seeds 700-703]
                              [--hours 1,6,12,24,48] [--workers 2] [--config FILE] [--json FILE]

For every seed, attack and H: the lines of `pumpguard simulate --seed N` whose time is at or
after the attack's first send minus H hours are scored by `pumpguard scan --native` from an
empty state. The attack's own sends give its time-to-detect (attack sends up to and including
its first at `high` or above), the share of its sends at `high` after that, and its alerts; the
legitimate sends of the same cut give the false positives (at `high` or above) of every
legitimate scenario, on the part of the week that was scored.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from evaluate_seeds import seeds

T0_MS = 1772409600000
HOUR_MS = 3_600_000


def simulate(binary, seed, tmp, sweep=None):
    d = os.path.join(tmp, f"s{seed}")
    cmd = [binary, "simulate", "--seed", str(seed), "--out", d]
    if sweep:
        cmd += ["--sweep", sweep]
    subprocess.run(cmd, check=True, capture_output=True)
    with open(os.path.join(d, "labels.ndjson")) as f:
        labels = [json.loads(line) for line in f]
    with open(os.path.join(d, "traffic.ndjson")) as f:
        lines = f.read().splitlines()
    assert len(labels) == len(lines), "labels and traffic differ in length"
    return labels, lines


def score(binary, labels, lines, start_ms, attack, tmp, tag, config=None):
    keep = [i for i, lab in enumerate(labels) if lab["time_ms"] >= start_ms]
    path = os.path.join(tmp, f"cut-{tag}.ndjson")
    with open(path, "w") as f:
        f.write("\n".join(lines[i] for i in keep) + "\n")
    out = subprocess.run(
        [binary, "scan", path, "--native", "--quiet"] + (["--config", config] if config else []), check=True, capture_output=True, text=True
    ).stdout.splitlines()
    os.remove(path)
    assert len(out) == len(keep), "scan must print one line per input line"
    sends = flagged_after = after = alerts = 0
    ttd = None
    legit = {}
    for i, line in zip(keep, out):
        lab = labels[i]
        if lab["kind"] != "sms":
            continue
        pg = json.loads(line).get("pumpguard") or {}
        high = pg.get("level") in ("high", "critical")
        if lab["attack"] == attack:
            sends += 1
            alerts += bool(pg.get("alert"))
            if ttd is None and high:
                ttd = sends
            if ttd is not None:
                after += 1
                flagged_after += high
        elif lab["attack"] is None:
            n, f = legit.get(lab["scenario"], (0, 0))
            legit[lab["scenario"]] = (n + 1, f + high)
    return {
        "sends": sends,
        "ttd": ttd,
        "after_pct": 100.0 * flagged_after / after if after else None,
        "alerts": alerts,
        "legit": legit,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/pumpguard")
    ap.add_argument("--seeds", default="700-703")
    ap.add_argument("--hours", default="1,6,12,24,48")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--config", default=None, help="a configuration file for every scan")
    ap.add_argument("--sweep", default=None, help="the simulator's --sweep (e.g. notify_ids=1)")
    ap.add_argument("--json", default=None, help="also write every run's numbers here")
    a = ap.parse_args()
    hours = [float(h) for h in a.hours.split(",")]
    columns = [str(int(h)) if h == int(h) else str(h) for h in hours] + ["week"]
    results = []  # (seed, attack, column, result)
    with tempfile.TemporaryDirectory(prefix="pumpguard-history-") as tmp:
        for seed in seeds(a.seeds):
            labels, lines = simulate(a.bin, seed, tmp, a.sweep)
            first = {}
            for lab in labels:
                if lab["attack"] and lab["attack"] not in first:
                    first[lab["attack"]] = lab["time_ms"]
            jobs = []
            for attack, t in sorted(first.items()):
                for h, col in zip(hours + [None], columns):
                    start = T0_MS if h is None else t - int(h * HOUR_MS)
                    jobs.append((attack, col, max(start, T0_MS)))
            with ThreadPoolExecutor(a.workers) as ex:
                runs = ex.map(
                    lambda j: (j, score(a.bin, labels, lines, j[2], j[0], tmp, f"{seed}-{j[0]}-{j[1]}", a.config)), jobs
                )
                for (attack, col, _), r in runs:
                    results.append((seed, attack, col, r))
            print(f"seed {seed}: {len(jobs)} cuts scored", file=sys.stderr)
    if a.json:
        with open(a.json, "w") as f:
            json.dump([{"seed": s, "attack": at, "history": c, **r} for s, at, c, r in results], f)

    attacks = sorted({at for _, at, _, _ in results})
    head = "| attack | " + " | ".join(f"{c} h" if c != "week" else "whole week" for c in columns) + " |"

    def table(title, cell):
        """One row per attack, one cell per column from the runs of that attack and column."""
        print(title)
        print(head)
        print("|---|" + "---|" * len(columns))
        for at in attacks:
            cells = [cell([r for _, x, cc, r in results if x == at and cc == c]) for c in columns]
            print(f"| {at} | " + " | ".join(cells) + " |")
        print()

    def ttd(rs):
        t = [r["ttd"] for r in rs if r["ttd"] is not None]
        missed = len(rs) - len(t)
        cell = f"{statistics.median(t):g} ({max(t)})" if t else "-"
        return cell + (f", {missed} missed" if missed else "")

    def after(rs):
        p = [r["after_pct"] for r in rs if r["after_pct"] is not None]
        return f"{min(p):.1f} % ({statistics.median(p):.1f} %)" if p else "-"

    table("Time-to-detect, median (worst) over seeds, in attack sends; 'missed' counts runs with no send at high", ttd)
    table("Sends at high after the first detection, worst run (median)", after)
    print("Legitimate sends at high over every cut, all scenarios together; worst scenario of one cut")
    print("| | " + " | ".join(f"{c} h" if c != "week" else "whole week" for c in columns) + " |")
    print("|---|" + "---|" * len(columns))
    pooled, worst = [], []
    for c in columns:
        n = f = 0
        w = (0.0, "", 0, 0)
        for _, _, cc, r in results:
            if cc != c:
                continue
            for sc, (sn, sf) in r["legit"].items():
                n += sn
                f += sf
                if sn >= 100 and 100.0 * sf / sn > w[0]:
                    w = (100.0 * sf / sn, sc, sf, sn)
        pooled.append(f"{f:,} of {n:,} ({100.0 * f / n if n else 0:.3f} %)")
        worst.append(f"{w[0]:.3f} % ({w[1]}, {w[2]} of {w[3]:,})" if w[1] else "0")
    print("| pooled | " + " | ".join(pooled) + " |")
    print("| worst scenario (>= 100 sends) | " + " | ".join(worst) + " |")


if __name__ == "__main__":
    main()
