#!/usr/bin/env python3
"""A second traffic generator, written apart from `sim/` (pumpguard's own simulator), from the
README's generic schema and issue 13's list of scenarios only, so that the model can be tried on
traffic its weights were not fitted to. Other tenants, other diurnal curves, other user
populations, other number allocation, other conversion delays, other field names (the README's
aliases), time formats and conversion links, and other attack shapes.

    tools/second_sim.py [--bin target/release/pumpguard] [--seeds 1-3] [--days 5]
                        [--sweep rate=2] [--out DIR] [--config FILE] [--json FILE]
    tools/second_sim.py --compare BEFORE.json AFTER.json

For each seed: writes DIR/s<seed>/traffic.ndjson and labels.ndjson (one label per line), scores
the traffic with `pumpguard scan --native --quiet` from an empty state, and prints per scenario
the sends, the share at `high` or above, and for attacks the time to detect (attack sends up to
and including the first at `high`), the share at `high` after that, alerts and incidents. A last
table gives the worst case over the seeds.

Sweeps (comma-separated, each a factor): rate (attack sends per hour), volume (legitimate surges
and the attacks sized against a tenant's volume), conversion (the users' and the attackers'
verification rates), duration (attacks and surges), history (the hours before the first
scenario: 1 = about 30 h). `quiet_surges=1` is not a factor: it adds the legitimate surprises
to the tenant that logs no conversions too, labelled `nc_<surprise>`.
"""

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
from datetime import datetime, timezone

T0 = datetime(2026, 3, 2, tzinfo=timezone.utc).timestamp()  # a Monday

# country: calling code, UTC offset (h), mobile national-number patterns ('#' a random digit)
COUNTRIES = {
    "US": ("1", -6, ["212#######", "415#######", "646#######", "312#######", "713#######", "305#######", "404#######", "617#######"]),
    "CA": ("1", -5, ["416#######", "604#######", "514#######"]),
    "GB": ("44", 0, ["74########", "75########", "77########", "78########", "79########"]),
    "DE": ("49", 1, ["151########", "160########", "170########", "176########"]),
    "FR": ("33", 1, ["6########", "7########"]),
    "ES": ("34", 1, ["6########"]),
    "IT": ("39", 1, ["32########", "33########", "34########", "38########"]),
    "PL": ("48", 1, ["5########", "6########", "7########"]),
    "BR": ("55", -3, ["119########", "219########", "319########", "419########", "619########", "819########"]),
    "MX": ("52", -6, ["55########", "33########", "81########"]),
    "IN": ("91", 5.5, ["6#########", "7#########", "8#########", "9#########"]),
    "ID": ("62", 7, ["812########", "813########", "857########", "878########"]),
    "PH": ("63", 8, ["917#######", "918#######", "927#######", "995#######"]),
    "NG": ("234", 1, ["70########", "80########", "81########", "90########"]),
    "ZA": ("27", 2, ["6########", "7########", "8########"]),
    "AU": ("61", 10, ["4########"]),
    "TR": ("90", 3, ["53########", "54########", "55########"]),
    "VN": ("84", 7, ["3########", "9########"]),
    "KE": ("254", 3, ["7########"]),
    # destinations rarely served, where pumping terminates
    "SL": ("232", 0, ["7#######", "3#######"]),
    "KG": ("996", 6, ["55#######", "70#######", "77#######"]),
    "TJ": ("992", 5, ["9########"]),
    "UZ": ("998", 5, ["9########"]),
    "MM": ("95", 6.5, ["9########"]),
    "LK": ("94", 5.5, ["7########"]),
    "KH": ("855", 7, ["9#######"]),
    "BD": ("880", 6, ["17########", "18########", "19########"]),
    "GN": ("224", 0, ["6########"]),
    "LR": ("231", 0, ["77#######"]),
    "AZ": ("994", 4, ["50#######", "55#######"]),
    "AM": ("374", 4, ["9#######"]),
    "TD": ("235", 1, ["6#######"]),
    "MW": ("265", 2, ["99#######"]),
    "YE": ("967", 3, ["7########"]),
    "MN": ("976", 8, ["8#######", "9#######"]),
    "PY": ("595", -3, ["9########"]),
    "HN": ("504", -6, ["9#######"]),
    "HT": ("509", -5, ["3#######"]),
    "NI": ("505", -6, ["8#######"]),
    "LA": ("856", 7, ["20########"]),
    "GH": ("233", 0, ["24#######", "54#######"]),
    "UG": ("256", 3, ["7########"]),
    "TZ": ("255", 3, ["7########"]),
    "PK": ("92", 5, ["3#########"]),
    "EG": ("20", 2, ["10########", "11########", "12########"]),
}
SERVED = ["US", "CA", "GB", "DE", "FR", "ES", "IT", "PL", "BR", "MX", "IN", "ID", "PH", "NG", "ZA", "AU", "TR", "VN", "KE"]
RARE = ["SL", "KG", "TJ", "UZ", "MM", "LK", "KH", "BD", "GN", "LR", "AZ", "AM", "TD", "MW", "YE", "MN", "PY", "HN", "HT", "NI", "LA", "GH", "UG", "TZ", "PK", "EG"]

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{m} Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-S91{m}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]


def browser(r):
    return r.choice(BROWSERS).format(v=r.randint(118, 131), m=r.randint(0, 6))


def app_ua(r, app):
    return r.choice([f"{app}/{r.randint(3, 6)}.{r.randint(0, 12)} (iOS 17.{r.randint(0, 5)})", f"{app}/{r.randint(3, 6)}.{r.randint(0, 12)} (Android {r.randint(11, 14)})"])


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    k, p, lim = 0, 1.0, math.exp(-lam)
    while True:
        p *= r.random()
        if p <= lim:
            return k
        k += 1


class Ips:
    """Per-country address pools: residential /24s (some carrier-grade NAT addresses shared by
    many users), offices, data centres."""

    def __init__(self, r):
        self.r = r
        self.pools = {}
        self.used = set()

    def pool(self, cc):
        if cc not in self.pools:
            a = self.r.randint(11, 220)
            self.pools[cc] = [(a, self.r.randint(0, 255)) for _ in range(6)]
        return self.pools[cc]

    def residential(self, cc):
        a, b = self.r.choice(self.pool(cc))
        return f"{a}.{b}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def cgnat(self, cc):
        a, b = self.pool(cc)[0]
        return f"{a}.{b}.7.{self.r.randint(1, 12)}"

    def datacentre(self):
        return f"{self.r.choice([45, 91, 185, 193, 194])}.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"


def shape(kind, local_h):
    if kind == "business":
        v = 0.05 + 1.0 * math.exp(-(((local_h - 10.0) / 2.2) ** 2)) + 0.8 * math.exp(-(((local_h - 15.0) / 2.0) ** 2))
    else:
        v = 0.10 + 0.45 * math.exp(-(((local_h - 8.5) / 2.0) ** 2)) + 0.5 * math.exp(-(((local_h - 13.0) / 3.0) ** 2)) + 0.9 * math.exp(-(((local_h - 21.0) / 2.2) ** 2))
    return v


SHAPE_MEAN = {k: sum(shape(k, h / 4) for h in range(96)) / 96 for k in ("business", "consumer")}


class Gen:
    def __init__(self, seed, days, sweep, history):
        self.r = random.Random(seed * 7919 + 17)
        self.seed = seed
        self.days = days
        self.sweep = sweep
        self.history = history
        # `--sweep quiet_surges=1`: the legitimate surprises in the tenant without conversions too.
        self.quiet_surges = bool(sweep.get("quiet_surges", 0))
        self.ips = Ips(self.r)
        self.events = []  # (t, order, record, label)
        self.order = 0
        self.numbers = set()
        self.vid = 0
        self.outages = {}  # tenant -> [(start, end)]
        self.tenants = []

    # ---- helpers -------------------------------------------------------------------------
    def sw(self, name):
        return self.sweep.get(name, 1.0)

    def number(self, cc, prefix=None):
        code, _, pats = COUNTRIES[cc]
        for _ in range(100):
            pat = prefix if prefix else self.r.choice(pats)
            n = "+" + code + "".join(str(self.r.randint(0, 9)) if ch == "#" else ch for ch in pat)
            if n not in self.numbers:
                self.numbers.add(n)
                return n
        return n

    def block_pattern(self, cc):
        """A number block (country code + the first 4 digits of the national number) as a
        pattern whose other digits are random."""
        pat = self.r.choice(COUNTRIES[cc][2])
        head = "".join(str(self.r.randint(0, 9)) if ch == "#" else ch for ch in pat[:4])
        return head + pat[4:]

    def emit(self, t, rec, label):
        self.order += 1
        self.events.append((t, self.order, rec, label))

    def fmt_time(self, tenant, t):
        f = tenant["time_format"]
        if f == "rfc3339":
            return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(t * 1000) % 1000:03d}Z"
        if f == "epoch_ms":
            return int(t * 1000)
        return int(t)

    def record(self, tenant, t, event, fields):
        names = tenant["names"]
        rec = {"event": event, names["time"]: self.fmt_time(tenant, t), names["tenant"]: tenant["id"]}
        for k, v in fields.items():
            if v is None:
                continue
            rec[names.get(k, k)] = v
        return rec

    def in_outage(self, tenant, t):
        return any(a <= t < b for a, b in self.outages.get(tenant["id"], []))

    # ---- one send and its conversion ---------------------------------------------------------
    def send(self, tenant, t, flow, to, label, ip=None, ua=None, user=None, p_verify=0.0, code=True, session=None, cc=None):
        self.vid += 1
        vid = f"v{self.seed}x{self.vid:08d}" if code and tenant["vid"] else None
        fields = {
            "workflow": flow,
            "to": to,
            "ip": ip,
            "user_agent": ua,
            "user_id": user,
            "session_id": session,
            "verification_id": vid,
            "message_id": f"m{self.seed}x{self.vid:08d}",
        }
        self.emit(t, self.record(tenant, t, "sms_sent", fields), label)
        verified = code and self.r.random() < p_verify
        if verified and tenant["conversions"]:
            delay = min(900.0, math.exp(self.r.gauss(math.log(tenant["delay_median"]), 0.8)))
            tv = t + max(4.0, delay)
            if not self.in_outage(tenant, tv):
                link = tenant["link"]
                conv = {"workflow": flow}
                if link in ("vid", "all") and vid:
                    conv["verification_id"] = vid
                if link in ("to", "all") or (link == "vid" and not vid):
                    conv["to"] = to
                if link in ("user", "all") and user:
                    conv["user_id"] = user
                if link == "user" and not user:
                    conv["to"] = to
                self.emit(tv, self.record(tenant, tv, "otp_verified", conv), label)
        return verified

    # ---- tenants --------------------------------------------------------------------------------
    def make_tenants(self):
        r = self.r
        n = 5
        homes = r.sample(["US", "GB", "DE", "FR", "BR", "IN", "MX", "ID", "ES", "NG", "PH", "AU"], n)
        for i in range(n):
            home = homes[i]
            others = r.sample([c for c in SERVED if c != home], r.randint(2, 7))
            home_share = r.uniform(0.55, 0.9)
            w = [r.paretovariate(1.2) for _ in others]
            s = sum(w)
            mix = {home: home_share}
            for c, x in zip(others, w):
                mix[c] = (1 - home_share) * x / s
            daily = math.exp(r.uniform(math.log(400), math.log(25000)))
            flows = {"login": r.uniform(0.45, 0.7), "signup": r.uniform(0.12, 0.3), "reset": r.uniform(0.04, 0.1)}
            notify = r.random() < 0.6
            if notify:
                flows["notify"] = r.uniform(0.03, 0.15)
            s = sum(flows.values())
            flows = {k: v / s for k, v in flows.items()}
            names = {
                "time": r.choice(["time", "timestamp", "ts", "@timestamp"]),
                "tenant": r.choice(["tenant", "tenant_id", "account_id", "org_id"]),
                "to": r.choice(["to", "phone", "phone_number", "recipient"]),
                "user_id": r.choice(["user_id", "user", "uid"]),
            }
            tenant = {
                "id": f"{r.choice(['north', 'blue', 'kite', 'mesa', 'oak', 'pixel', 'river', 'solar', 'tango', 'zen'])}{r.randint(10, 99)}-{i}",
                "home": home,
                "mix": mix,
                "daily": daily,
                "flows": flows,
                "notify_name": r.choice(["notify", "order_update", "delivery", "alerts"]),
                "kind": r.choice(["business", "consumer", "consumer"]),
                "conv": {"login": r.uniform(0.78, 0.95), "signup": r.uniform(0.5, 0.8), "reset": r.uniform(0.6, 0.85)},
                "country_conv": {c: r.uniform(0.8, 1.0) for c in mix},
                "delay_median": r.uniform(12, 60),
                "conversions": True,
                "vid": r.random() < 0.7,
                "link": r.choice(["vid", "to", "user", "all"]),
                "names": names,
                "time_format": r.choice(["rfc3339", "epoch_ms", "epoch_s"]),
                "app": r.choice(["Shoply", "Bankr", "Ridez", "Chattr", "Fitly"]),
                "users": {c: [] for c in mix},
            }
            if tenant["link"] == "vid" and not tenant["vid"]:
                tenant["link"] = "to"
            self.tenants.append(tenant)
        # one tenant logs no conversions at all
        self.tenants[-1]["conversions"] = False
        for tenant in self.tenants:
            for c, share in tenant["mix"].items():
                for _ in range(int(tenant["daily"] * share * 1.5) + 3):
                    tenant["users"][c].append(self.user(tenant, c))

    def user(self, tenant, cc):
        r = self.r
        return {
            "to": self.number(cc),
            "id": f"u{r.getrandbits(40):010x}",
            "ip": self.ips.cgnat(cc) if r.random() < 0.15 else self.ips.residential(cc),
            "ua": app_ua(r, tenant["app"]) if r.random() < 0.6 else browser(r),
            "cc": cc,
        }

    def rate(self, tenant, cc, t):
        local_h = ((t - T0) / 3600 + COUNTRIES[cc][1]) % 24
        day = int((t - T0) // 86400) % 7
        week = 0.75 if day in (5, 6) and tenant["kind"] == "business" else 1.0
        return tenant["daily"] * tenant["mix"].get(cc, 0) * shape(tenant["kind"], local_h) / SHAPE_MEAN[tenant["kind"]] / 86400 * week

    # ---- ordinary traffic -------------------------------------------------------------------------
    def ordinary(self, tenant, t_end, surge=None):
        r = self.r
        t = T0
        step = 60.0
        while t < t_end:
            for cc in tenant["mix"]:
                lam = self.rate(tenant, cc, t) * step
                mult = 1.0
                if surge:
                    mult = surge(tenant, cc, t)
                for _ in range(poisson(r, lam * mult)):
                    ts = t + r.random() * step
                    self.ordinary_send(tenant, cc, ts, "normal")
            t += step

    def ordinary_send(self, tenant, cc, ts, label, flow=None):
        r = self.r
        if flow is None:
            x, flow = r.random(), "login"
            for f, share in tenant["flows"].items():
                if x < share:
                    flow = f
                    break
                x -= share
        pop = tenant["users"][cc]
        if flow == "signup":
            u = self.user(tenant, cc)
            pop.append(u)
        else:
            u = pop[min(len(pop) - 1, int(len(pop) * (r.random() ** 1.6)))]
        if flow == "notify":
            self.send(tenant, ts, tenant["notify_name"], u["to"], label, user=u["id"], code=False, cc=cc)
            return
        ip = u["ip"] if r.random() < 0.85 else self.ips.residential(cc)
        p = tenant["conv"][flow] * tenant["country_conv"][cc]
        ok = self.send(tenant, ts, flow, u["to"], label, ip=ip, ua=u["ua"], user=u["id"] if flow != "signup" or r.random() < 0.5 else None, p_verify=p, session=f"s{r.getrandbits(32):08x}", cc=cc)
        if not ok and r.random() < 0.35:
            self.send(tenant, ts + r.uniform(35, 150), flow, u["to"], label, ip=ip, ua=u["ua"], user=u["id"], p_verify=p * 0.8, cc=cc)

    # ---- legitimate surprises ------------------------------------------------------------------
    def legit_b2b(self, tenant, t0, label="b2b_enrolment"):
        r = self.r
        n = int(r.uniform(2000, 6000) * self.sw("volume"))
        hours = 8 * self.sw("duration")
        office = f"{r.randint(60, 90)}.{r.randint(0, 255)}.{r.randint(0, 255)}."
        hosts = [office + str(r.randint(2, 250)) for _ in range(r.randint(2, 6))]
        ua = browser(r)
        p = min(0.99, r.uniform(0.88, 0.95) * self.sw("conversion"))
        flow = r.choice(["signup", "mfa_enroll"])
        for _ in range(n):
            ts = t0 + r.random() * hours * 3600
            u = self.user(tenant, tenant["home"])
            tenant["users"][tenant["home"]].append(u)
            ok = self.send(tenant, ts, flow, u["to"], label, ip=r.choice(hosts), ua=ua, user=u["id"], p_verify=p)
            if not ok and r.random() < 0.5:
                self.send(tenant, ts + r.uniform(40, 200), flow, u["to"], label, ip=r.choice(hosts), ua=ua, user=u["id"], p_verify=p)

    def legit_notify_burst(self, tenant, t0, label="notification_burst"):
        r = self.r
        hours = r.uniform(2, 5) * self.sw("duration")
        # 6-15 times the tenant's whole volume, in a flow that sends no codes
        mult = r.uniform(6, 15) * self.sw("volume")
        share = 1.0
        for cc in tenant["mix"]:
            t = t0
            while t < t0 + hours * 3600:
                lam = self.rate(tenant, cc, t) * 60 * share * mult
                for _ in range(poisson(r, lam)):
                    u = r.choice(tenant["users"][cc])
                    self.send(tenant, t + r.random() * 60, tenant["notify_name"], u["to"], label, user=u["id"], code=False)
                t += 60

    def legit_marketing(self, tenant, t0, label="marketing_burst"):
        r = self.r
        n = int(r.uniform(3000, 12000) * self.sw("volume"))
        hours = r.uniform(1.5, 4) * self.sw("duration")
        for _ in range(n):
            cc = r.choices(list(tenant["mix"]), weights=list(tenant["mix"].values()))[0]
            u = r.choice(tenant["users"][cc])
            self.send(tenant, t0 + r.random() * hours * 3600, "marketing", u["to"], label, user=u["id"], code=False)

    def legit_launch(self, tenant, t0, label="country_launch"):
        r = self.r
        cc = r.choice([c for c in SERVED if c not in tenant["mix"]])
        n = int(r.uniform(300, 1500) * self.sw("volume"))
        hours = 20 * self.sw("duration")
        p = min(0.99, r.uniform(0.6, 0.8) * self.sw("conversion"))
        tenant["country_conv"][cc] = 1.0
        if r.random() < 0.5:
            rec = self.record(tenant, t0 - 600, "annotation", {"start": self.fmt_time(tenant, t0 - 600), "end": self.fmt_time(tenant, t0 + hours * 3600), "label": "launch", "country": cc})
            self.emit(t0 - 600, rec, "noise")
        tenant["users"].setdefault(cc, [])
        for _ in range(n):
            ts = t0 + (r.random() ** 0.7) * hours * 3600
            u = self.user(tenant, cc)
            tenant["users"][cc].append(u)
            self.send(tenant, ts, "signup", u["to"], label, ip=u["ip"], ua=u["ua"], user=u["id"], p_verify=p)

    def legit_resend_bug(self, tenant, t0, label="resend_bug"):
        r = self.r
        hours = r.uniform(3, 8) * self.sw("duration")
        cc = tenant["home"]
        t = t0
        while t < t0 + hours * 3600:
            for cc in tenant["mix"]:
                lam = self.rate(tenant, cc, t) * 60 * tenant["flows"]["login"]
                for _ in range(poisson(r, lam)):
                    u = r.choice(tenant["users"][cc])
                    ts = t + r.random() * 60
                    p = tenant["conv"]["login"] * tenant["country_conv"][cc]
                    for k in range(r.randint(2, 4)):
                        self.send(tenant, ts + k * r.uniform(0.3, 3), "login", u["to"], label, ip=u["ip"], ua=u["ua"], user=u["id"], p_verify=p if k == 0 else 0.0)
            t += 60

    def legit_holiday(self, tenant, t0, label="holiday_peak"):
        r = self.r
        hours = 24 * self.sw("duration")
        mult = 1 + r.uniform(1.0, 2.0) * self.sw("volume")
        t = t0
        while t < t0 + hours * 3600:
            for cc in tenant["mix"]:
                lam = self.rate(tenant, cc, t) * 60 * (mult - 1)
                for _ in range(poisson(r, lam)):
                    self.ordinary_send(tenant, cc, t + r.random() * 60, label)
            t += 60

    # ---- attacks -----------------------------------------------------------------------------
    def arrivals(self, t0, hours, per_hour):
        """Poisson arrival times at per_hour from t0 for hours."""
        t = t0
        while True:
            t += self.r.expovariate(per_hour / 3600)
            if t >= t0 + hours * 3600:
                return
            yield t

    def attack_sends(self, tenant, t0, hours, per_hour, label, numbers, flow="signup", ip=None, ua=None, p=0.01):
        """Poisson arrivals at per_hour for hours; numbers(), ip(), ua() are called per send."""
        r = self.r
        for t in self.arrivals(t0, hours, per_hour):
            self.send(tenant, t, flow, numbers(), label, ip=ip(), ua=ua(), user=None, p_verify=p, session=f"a{r.getrandbits(32):08x}")

    def home_rate(self, tenant, cc, t0, hours):
        n = 12
        return sum(self.rate(tenant, cc, t0 + i * hours * 3600 / n) for i in range(n)) / n * 3600

    def attack_home_block(self, tenant, t0, label="home_block"):
        r = self.r
        cc = tenant["home"]
        pat = self.block_pattern(cc)
        hours = r.uniform(1, 3) * self.sw("duration")
        per_hour = max(20.0, self.home_rate(tenant, cc, t0, hours) * r.uniform(1, 2) * self.sw("volume") * self.sw("rate"))
        dc = [self.ips.datacentre() for _ in range(r.randint(5, 40))]
        ua = browser(r)
        self.attack_sends(tenant, t0, hours, per_hour, label, lambda: self.number(cc, pat), ip=lambda: r.choice(dc), ua=lambda: ua, p=0.01 * self.sw("conversion"))

    def attack_spread(self, tenant, t0):
        r = self.r
        served = [c for c in tenant["mix"] if c != tenant["home"]] or [tenant["home"]]
        cc = r.choice(served)
        hours = r.uniform(2, 4) * self.sw("duration")
        per_hour = max(15.0, self.home_rate(tenant, cc, t0, hours) * r.uniform(1.5, 3) * self.sw("volume") * self.sw("rate"))
        self.attack_sends(tenant, t0, hours, per_hour, "spread_served", lambda: self.number(cc), ip=lambda: self.ips.residential(cc), ua=lambda: browser(r), p=0.02 * self.sw("conversion"))

    def attack_cross(self, tenants, t0):
        r = self.r
        cc = r.choice(RARE)
        pat = self.block_pattern(cc)
        hours = r.uniform(1.5, 3) * self.sw("duration")
        for tenant in tenants:
            per_hour = r.uniform(60, 120) * self.sw("rate")
            dc = [self.ips.datacentre() for _ in range(10)]
            self.attack_sends(tenant, t0 + r.uniform(0, 600), hours, per_hour, "cross_tenant", lambda: self.number(cc, pat), ip=lambda: r.choice(dc), ua=lambda: browser(r), p=0.0)

    def attack_slow(self, tenant, t0):
        r = self.r
        ccs = r.sample(RARE, 3)
        hours = 24 * self.sw("duration")
        per_hour = 3600 / r.uniform(90, 180) * self.sw("rate")
        pats = {c: self.block_pattern(c) for c in ccs}

        def num():
            c = r.choice(ccs)
            return self.number(c, pats[c] if r.random() < 0.7 else None)

        self.attack_sends(tenant, t0, hours, per_hour, "slow_low", num, ip=lambda: self.ips.datacentre(), ua=lambda: browser(r), p=0.0)

    def attack_fanout(self, tenant, t0):
        r = self.r
        ip = self.ips.datacentre()
        ua = "python-requests/2.31.0" if r.random() < 0.5 else browser(r)
        ccs = r.sample(RARE + [c for c in SERVED if c not in tenant["mix"]], 30)
        t = t0
        for cc in ccs:
            for _ in range(r.randint(2, 5)):
                t += r.uniform(5, 40) / self.sw("rate")
                self.send(tenant, t, "signup", self.number(cc), "fanout", ip=ip, ua=ua, p_verify=0.0)

    def attack_reset(self, tenant, t0):
        r = self.r
        cc = r.choice([c for c in tenant["mix"] if c != tenant["home"]] or [tenant["home"]])
        hours = r.uniform(2, 4) * self.sw("duration")
        per_hour = r.uniform(20, 60) * self.sw("rate")
        self.attack_sends(tenant, t0, hours, per_hour, "reset_abuse", lambda: self.number(cc), flow="reset", ip=lambda: self.ips.residential(cc), ua=lambda: browser(r), p=0.02 * self.sw("conversion"))

    def attack_adaptive(self, tenant, t0):
        r = self.r
        hours = 6 * self.sw("duration")
        ccs = list(tenant["mix"])
        weights = list(tenant["mix"].values())
        per_hour = max(20.0, tenant["daily"] / 24 * r.uniform(0.3, 0.8) * self.sw("volume") * self.sw("rate"))
        state = {"pats": {}, "t": 0}

        def num():
            cc = r.choices(ccs, weights=weights)[0]
            key = (cc, int(self.r.random() * 4))
            if key not in state["pats"] or r.random() < 0.02:
                state["pats"][key] = self.block_pattern(cc)
            return self.number(cc, state["pats"][key])

        flows = ["signup", "login"]
        for t in self.arrivals(t0, hours, per_hour):
            to = num()
            cc = next(c for c in ccs if to.startswith("+" + COUNTRIES[c][0]))
            self.send(tenant, t, r.choice(flows), to, "adaptive", ip=self.ips.residential(cc), ua=browser(r), user=f"u{r.getrandbits(40):010x}", p_verify=0.04 * self.sw("conversion"), session=f"a{r.getrandbits(32):08x}")

    # ---- the whole stream --------------------------------------------------------------------------
    def reserve(self, tenants, hours):
        """A start time at which none of `tenants` has another scenario from an hour before to
        three hours after this one's longest run (`hours`), reserved for them; scenarios do not
        overlap on a tenant, so each one's verdicts are its own."""
        r = self.r
        end = T0 + self.days * 86400
        first = T0 + 30 * 3600 * self.history
        length = hours * self.sw("duration") * 3600
        for _ in range(2000):
            t0 = first + r.random() * max(1.0, end - length - first)
            lo, hi = t0 - 3600, t0 + length + 3 * 3600
            if all(hi <= a or lo >= b for t in tenants for a, b in self.busy.setdefault(t["id"], [])):
                for t in tenants:
                    self.busy[t["id"]].append((lo, hi))
                return t0
        return None

    def build(self):
        r = self.r
        self.make_tenants()
        self.busy = {}
        end = T0 + self.days * 86400
        conv_tenants = [t for t in self.tenants if t["conversions"]]
        plan = []
        # the outage first, so that the ordinary sends know it
        outage_tenant = r.choice(conv_tenants)
        t_out = self.reserve([outage_tenant], 6)
        out_h = r.uniform(2, 6) * self.sw("duration")
        self.outages[outage_tenant["id"]] = [(t_out, t_out + out_h * 3600)]
        plan.append(("webhook_outage", outage_tenant["id"], t_out))
        for tenant in self.tenants:
            self.ordinary(tenant, end)
        # (name, function, longest run in hours): the legitimate surprises, then the attacks
        scenarios = [
            ("b2b_enrolment", self.legit_b2b, 8),
            ("notification_burst", self.legit_notify_burst, 5),
            ("marketing_burst", self.legit_marketing, 4),
            ("country_launch", self.legit_launch, 20),
            ("resend_bug", self.legit_resend_bug, 8),
            ("holiday_peak", self.legit_holiday, 24),
            ("home_block", self.attack_home_block, 3),
            ("spread_served", self.attack_spread, 4),
            ("slow_low", self.attack_slow, 24),
            ("fanout", self.attack_fanout, 1),
            ("reset_abuse", self.attack_reset, 4),
            ("adaptive", self.attack_adaptive, 6),
        ]
        for name, fn, hours in scenarios:
            cands = [t for t in conv_tenants if name != "notification_burst" or "notify" in t["flows"]] or conv_tenants
            r.shuffle(cands)
            for tenant in cands:
                t0 = self.reserve([tenant], hours)
                if t0 is not None:
                    fn(tenant, t0)
                    plan.append((name, tenant["id"], t0))
                    break
        for _ in range(20):
            three = r.sample(self.tenants, 3)
            t0 = self.reserve(three, 3.2)
            if t0 is not None:
                self.attack_cross(three, t0)
                plan.append(("cross_tenant", "3 tenants", t0))
                break
        t0 = self.reserve([self.tenants[-1]], 3)
        if t0 is not None:
            self.attack_home_block(self.tenants[-1], t0, label="no_conversions_block")
            plan.append(("no_conversions_block", self.tenants[-1]["id"], t0))
        if self.quiet_surges:
            # The legitimate surprises in the tenant that logs no conversions too (labelled
            # apart): nothing there can show that a surge verifies.
            nc = self.tenants[-1]
            for name, fn, hours in scenarios[:6]:
                if name == "notification_burst" and "notify" not in nc["flows"]:
                    continue
                t0 = self.reserve([nc], hours)
                if t0 is not None:
                    fn(nc, t0, label="nc_" + name)
                    plan.append(("nc_" + name, nc["id"], t0))
        # noise records
        for _ in range(int(len(self.events) * 0.03)):
            tenant = r.choice(self.tenants)
            ts = T0 + r.random() * (end - T0)
            self.emit(ts, self.record(tenant, ts, r.choice(["login_success", "page_view", "password_changed"]), {"user_id": f"u{r.getrandbits(40):010x}"}), "noise")
        self.events.sort(key=lambda e: (e[0], e[1]))
        # the outage tenant's ordinary sends during its outage are the outage scenario's
        out = []
        for t, o, rec, label in self.events:
            if label == "normal" and rec["event"] == "sms_sent" and self.in_outage(outage_tenant, t) and rec.get(outage_tenant["names"]["tenant"]) == outage_tenant["id"]:
                label = "webhook_outage"
            out.append((t, o, rec, label))
        self.events = out
        return plan


ATTACKS = {"home_block", "spread_served", "slow_low", "fanout", "reset_abuse", "adaptive", "cross_tenant", "no_conversions_block"}


def score(binary, path, labels, config):
    cmd = [binary, "scan", path, "--native", "--quiet"] + (["--config", config] if config else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    with open(os.path.join(os.path.dirname(path), "scored.ndjson"), "w") as f:
        f.write(out)
    out = out.splitlines()
    assert len(out) == len(labels), f"scan printed {len(out)} lines for {len(labels)}"
    stats = {}
    unscored = 0
    for lab, line in zip(labels, out):
        rec = json.loads(line)
        if rec.get("event") != "sms_sent":
            continue
        pg = rec.get("pumpguard")
        if not pg or pg.get("level") == "unknown":
            unscored += 1
            continue
        s = stats.setdefault(lab, {"sends": 0, "flagged": 0, "ttd": None, "after": 0, "after_flagged": 0, "alerts": 0, "incidents": set()})
        s["sends"] += 1
        high = pg["level"] in ("high", "critical")
        if high:
            s["flagged"] += 1
        if s["ttd"] is None:
            if high:
                s["ttd"] = s["sends"]
        else:
            s["after"] += 1
            s["after_flagged"] += high
        if pg.get("alert"):
            s["alerts"] += 1
        if high and pg.get("incident"):
            s["incidents"].add(pg["incident"])
    return stats, unscored


def parse_seeds(text):
    out = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += range(int(a), int(b) + 1)
        else:
            out.append(int(part))
    return out


def compare(a_path, b_path):
    """Prints, for two --json results of the same seeds, every scenario's totals and worst case
    before -> after, and the seeds where they differ."""
    with open(a_path) as f:
        a = json.load(f)
    with open(b_path) as f:
        b = json.load(f)
    names = sorted({n for r in a.values() for n in r}, key=lambda n: (n in ATTACKS, n))
    for name in names:
        if name == "noise":
            continue
        ra = [a[s][name] for s in a if name in a[s]]
        rb = [b[s][name] for s in b if name in b[s]]
        if name in ATTACKS:
            def summary(rows):
                ttds = [r["ttd"] for r in rows if r["ttd"] is not None]
                afters = [r["after_flagged"] / r["after"] for r in rows if r["after"]]
                under = sum(1 for x in afters if x < 0.9)
                return (
                    f"missed {sum(1 for r in rows if r['ttd'] is None)}, ttd median {statistics.median(ttds) if ttds else '-'} "
                    f"worst {max(ttds) if ttds else '-'}, after median {100 * statistics.median(afters) if afters else 0:.1f}% "
                    f"worst {100 * min(afters) if afters else 0:.1f}% ({under} under 90%), alerts worst {max(r['alerts'] for r in rows)}"
                )
            print(f"{name:22} {summary(ra)}\n{'':22} {summary(rb)}")
        else:
            def summary(rows):
                worst = max(rows, key=lambda r: r["flagged"] / max(1, r["sends"]))
                over = sum(1 for r in rows if r["flagged"] > 0.0005 * r["sends"])
                return f"{sum(r['flagged'] for r in rows)} of {sum(r['sends'] for r in rows)}, worst {100 * worst['flagged'] / max(1, worst['sends']):.3f}%, {over} runs over 0.05%"
            print(f"{name:22} {summary(ra)} -> {summary(rb)}")
    for seed in a:
        for name in sorted(set(a[seed]) | set(b.get(seed, {}))):
            x, y = a[seed].get(name), b.get(seed, {}).get(name)
            if x and y and (x["flagged"], x["ttd"], x["alerts"]) != (y["flagged"], y["ttd"], y["alerts"]) and name != "noise":
                print(f"  seed {seed} {name}: flagged {x['flagged']} -> {y['flagged']} of {x['sends']}, ttd {x['ttd']} -> {y['ttd']}, alerts {x['alerts']} -> {y['alerts']}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/pumpguard")
    ap.add_argument("--seeds", default="1-3")
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--sweep", default="")
    ap.add_argument("--out", default="/tmp/pg-second")
    ap.add_argument("--config")
    ap.add_argument("--json")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    sweep = {}
    for part in filter(None, a.sweep.split(",")):
        k, v = part.split("=")
        sweep[k] = float(v)
    history = sweep.pop("history", 1.0)
    results = {}
    for seed in parse_seeds(a.seeds):
        g = Gen(seed, a.days, sweep, history)
        plan = g.build()
        d = os.path.join(a.out, f"s{seed}")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "traffic.ndjson")
        with open(path, "w") as f:
            for _, _, rec, _ in g.events:
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        labels = [lab for _, _, _, lab in g.events]
        with open(os.path.join(d, "labels.ndjson"), "w") as f:
            for lab in labels:
                f.write(json.dumps({"scenario": lab}) + "\n")
        stats, unscored = score(a.bin, path, labels, a.config)
        results[seed] = {k: dict(v, incidents=len(v["incidents"])) for k, v in stats.items()}
        if not a.quiet:
            print(f"seed {seed}: {len(labels)} lines, {unscored} sends not scored")
            for name, tenant, t0 in sorted(plan, key=lambda p: p[2]):
                print(f"  {datetime.fromtimestamp(t0, timezone.utc):%a %H:%M} {name} ({tenant})")
            print(f"  {'scenario':22} {'sends':>7} {'high':>7} {'share':>8} {'ttd':>5} {'after':>7} {'alerts':>6} {'inc':>4}")
            for name in sorted(stats, key=lambda n: (n in ATTACKS, n)):
                s = stats[name]
                share = s["flagged"] / s["sends"] if s["sends"] else 0
                after = f"{100 * s['after_flagged'] / s['after']:.1f}%" if s["after"] else "-"
                ttd = s["ttd"] if s["ttd"] is not None else "miss"
                extra = f" {ttd:>5} {after:>7} {s['alerts']:>6} {len(s['incidents']):>4}" if name in ATTACKS else ""
                print(f"  {name:22} {s['sends']:>7} {s['flagged']:>7} {100 * share:>7.3f}%{extra}")
        sys.stdout.flush()
    # worst case over the seeds
    print("worst case over seeds", a.seeds, "sweep", a.sweep or "none")
    names = sorted({n for r in results.values() for n in r}, key=lambda n: (n in ATTACKS, n))
    for name in names:
        rows = [r[name] for r in results.values() if name in r]
        if name in ATTACKS:
            missed = sum(1 for s in rows if s["ttd"] is None)
            ttds = [s["ttd"] for s in rows if s["ttd"] is not None]
            afters = [s["after_flagged"] / s["after"] for s in rows if s["after"]]
            print(f"  {name:22} detected {len(rows) - missed}/{len(rows)}  ttd median {statistics.median(ttds) if ttds else '-'} worst {max(ttds) if ttds else '-'}  after worst {100 * min(afters) if afters else 0:.1f}%  alerts worst {max(s['alerts'] for s in rows)}")
        elif name != "noise":
            worst = max(rows, key=lambda s: s["flagged"] / max(1, s["sends"]))
            print(f"  {name:22} worst {100 * worst['flagged'] / max(1, worst['sends']):.3f}% ({worst['flagged']} of {worst['sends']})  total {sum(s['flagged'] for s in rows)} of {sum(s['sends'] for s in rows)}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
