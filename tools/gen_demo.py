#!/usr/bin/env python3
"""Writes samples/demo.ndjson: three days of mixed SaaS SMS logs with two pumping attacks.

Deterministic (seeded). Profiles: Auth0 (tenant "acme"), Twilio Verify events (account
AC…f1), generic (tenant "shop", with an annotated campaign), Amazon SNS delivery logs.
Attacks on day 3: a fast burst of sequential numbers into one Kyrgyz block through Auth0
passwordless sign-up, and a slow drip into Sierra Leone through Twilio Verify, neither verified.

    python3 tools/gen_demo.py > samples/demo.ndjson
"""
import json
import math
import random
import sys
from datetime import datetime, timedelta, timezone

rng = random.Random(7)
START = datetime(2026, 1, 5, tzinfo=timezone.utc)
DAYS = 3
out = []


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def number(country):
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    return {
        "US": lambda: "+1" + str(rng.randint(201, 989)) + str(rng.randint(2, 9)) + d(6),
        "GB": lambda: "+4474" + d(8),
        "DE": lambda: "+4917" + d(9),
        "IN": lambda: "+919" + d(9),
        "BR": lambda: "+55119" + d(8),
        "FR": lambda: "+336" + d(8),
        "ES": lambda: "+346" + d(8),
        "NL": lambda: "+316" + d(8),
    }[country]()


def diurnal(hour):
    return 0.25 + 0.75 * max(0.0, math.sin((hour - 6) / 24 * 2 * math.pi)) ** 1.5


def times(per_day, day, boost=None):
    """Send times over one day, following a diurnal curve (UTC)."""
    ts = []
    for h in range(24):
        lam = per_day / 24 * diurnal(h) * 1.6
        if boost and boost[0] <= h < boost[1]:
            lam *= boost[2]
        n = max(0, int(rng.gauss(lam, math.sqrt(lam + 1))))
        for _ in range(n):
            ts.append(START + timedelta(days=day, hours=h, seconds=rng.uniform(0, 3600)))
    return sorted(ts)


def pick(weights):
    r = rng.random() * sum(weights.values())
    for k, w in weights.items():
        r -= w
        if r <= 0:
            return k
    return k


UAS = ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
       "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15"]


def auth0(t, phone, typ, ip, ua, user, flow):
    rec = {"date": iso(t), "type": typ, "tenant_name": "acme", "client_id": "c1acme", "client_name": "Acme Web",
           "ip": ip, "user_agent": ua, "log_id": "9002%016x" % rng.getrandbits(64)}
    if flow == "passwordless":
        rec.update({"connection": "sms", "strategy": "sms", "strategy_type": "passwordless", "user_name": phone,
                    "details": {"body": {"phone_number": phone, "send": "code"}}})
        if typ == "s":
            rec["description"] = "Successful login"
    else:
        rec.update({"user_id": user, "connection": "Username-Password-Authentication",
                    "details": {"authenticator": {"type": "sms", "phone_number": phone}}})
    return rec


def legit_acme():
    for day in range(DAYS):
        for t in times(600, day):
            c = pick({"US": 60, "GB": 15, "DE": 10, "IN": 10, "BR": 5})
            phone, ip = number(c), "198.51.%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
            ua, user = rng.choice(UAS), "auth0|%012x" % rng.getrandbits(48)
            flow = "mfa" if rng.random() < 0.7 else "passwordless"
            send = "gd_send_sms" if flow == "mfa" else "cs"
            ok = "gd_auth_succeed" if flow == "mfa" else "s"
            out.append((t, auth0(t, phone, send, ip, ua, user, flow)))
            if rng.random() < 0.85:
                tc = t + timedelta(seconds=rng.uniform(8, 120))
                out.append((tc, auth0(tc, phone, ok, ip, ua, user, flow)))


def verify_event(t, kind, phone, vsid, asid, country=None):
    data = {"account_sid": "AC000000000000000000000000000000f1", "service_sid": "VA000000000000000000000000000000e1",
            "verification_sid": vsid, "to": phone}
    if kind == "message.delivered":
        data.update({"attempt_sid": asid, "created_at": iso(t), "channel": "SMS", "message_status": "DELIVERED",
                     "tags": {"flow": "login"}})
    else:
        data.update({"verification_status": "APPROVED", "created_at": iso(t), "verified_at": iso(t), "country": country})
    return {"specversion": "1.0", "type": "com.twilio.accountsecurity.verify." + kind,
            "id": "EZ%030x" % rng.getrandbits(120), "data": data}


def legit_fintech():
    for day in range(DAYS):
        for t in times(400, day):
            c = pick({"GB": 50, "FR": 20, "ES": 20, "NL": 10})
            phone, vsid, asid = number(c), "VE%030x" % rng.getrandbits(120), "VL%030x" % rng.getrandbits(120)
            out.append((t, verify_event(t, "message.delivered", phone, vsid, asid)))
            if rng.random() < 0.8:
                tc = t + timedelta(seconds=rng.uniform(10, 200))
                out.append((tc, verify_event(tc, "verification.approved", phone, vsid, asid, c)))


def legit_shop():
    out.append((START + timedelta(days=1, hours=9), {"event": "annotation", "tenant": "shop", "label": "winter-sale",
                 "start": "2026-01-06T10:00:00Z", "end": "2026-01-06T13:00:00Z", "time": "2026-01-06T09:00:00Z"}))
    for day in range(DAYS):
        for t in times(200, day, boost=(10, 13, 6) if day == 1 else None):
            phone = number("US")
            out.append((t, {"event": "sms_sent", "time": iso(t), "tenant": "shop", "workflow": "signup", "to": phone,
                            "ip": "203.0.113.%d" % rng.randint(1, 254), "user_agent": rng.choice(UAS),
                            "message_id": "m%016x" % rng.getrandbits(64), "price_usd": 0.0083}))
            if rng.random() < 0.8:
                tc = t + timedelta(seconds=rng.uniform(5, 90))
                out.append((tc, {"event": "otp_verified", "time": iso(tc), "tenant": "shop", "to": phone}))


def legit_sns():
    for day in range(DAYS):
        for t in times(100, day):
            phone = number(pick({"US": 80, "BR": 20}))
            out.append((t, {"notification": {"messageId": "%032x" % rng.getrandbits(128),
                                              "timestamp": t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]},
                            "delivery": {"destination": phone, "priceInUSD": 0.00645, "smsType": "Transactional",
                                         "mcc": 310, "mnc": 260, "providerResponse": "Message has been accepted by phone carrier",
                                         "dwellTimeMs": 400, "dwellTimeMsUntilDeviceAck": 1200}, "status": "SUCCESS"}))


def attack_burst():
    # 400 passwordless sign-up codes in 40 minutes to sequential Kyrgyz numbers, 5 rotating IPs.
    t0 = START + timedelta(days=2, hours=14)
    base = 996555100000
    for i in range(400):
        t = t0 + timedelta(seconds=6 * i + rng.uniform(0, 3))
        ip = "185.220.101.%d" % (10 + i % 5)
        out.append((t, auth0(t, "+%d" % (base + i * 3 + rng.randint(0, 2)), "cs", ip, "python-requests/2.31.0", None, "passwordless")))


def attack_slow():
    # 90 Verify sends over 6 hours into one Sierra Leone block, none verified.
    t0 = START + timedelta(days=2, hours=8)
    for i in range(90):
        t = t0 + timedelta(seconds=i * 240 + rng.uniform(0, 120))
        phone = "+2327%07d" % rng.randint(0, 9_999_999)
        out.append((t, verify_event(t, "message.delivered", phone, "VE%030x" % rng.getrandbits(120), "VL%030x" % rng.getrandbits(120))))


legit_acme()
legit_fintech()
legit_shop()
legit_sns()
attack_burst()
attack_slow()
out.sort(key=lambda x: x[0])
for _, rec in out:
    sys.stdout.write(json.dumps(rec, separators=(",", ":")) + "\n")
