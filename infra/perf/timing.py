#!/usr/bin/env python3
"""Does the answer time tell whether an account exists?

Against a running gateway (default http://127.0.0.1:3000, started with a high
IP_RATE_LIMIT): login with a wrong password for a registered email vs. an
unknown one, and password/forgot for both, alternating, sequentially over one
keep-alive connection, each kind first in half of
the pairs. Every request uses a fresh address, so no lockout or
per-address budget interferes. Prints median and mean per case and the
difference of the means. Bounded: 60 requests per case and kind.

Usage: infra/perf/timing.py [base_url]   (see infra/perf/timing.sh)
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse
import uuid

SAMPLES = 60
BASE = urllib.parse.urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000")
conn = http.client.HTTPConnection(BASE.hostname, BASE.port)


def post(path, body):
    started = time.perf_counter()
    conn.request("POST", path, json.dumps(body), {"content-type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


run = uuid.uuid4().hex[:8]
known = [f"known-{i}-{run}@example.com" for i in range(2 * SAMPLES)]
for email in known:
    status, _ = post("/v1/auth/register", {"email": email, "password": "the right password", "name": "Timing"})
    assert status == 201, status

print(f"| case | registered: median / mean | unknown: median / mean | difference of means |")
print("| --- | --- | --- | --- |")
cases = [
    ("login, wrong password", "/v1/auth/login", lambda e: {"email": e, "password": "not the password"}),
    ("password/forgot", "/v1/auth/password/forgot", lambda e: {"email": e}),
]
for n, (case, path, body) in enumerate(cases):
    registered, nobody = [], []
    for i in range(SAMPLES):
        pair = [(registered, known[n * SAMPLES + i]), (nobody, f"unknown-{n}-{i}-{run}@example.com")]
        for into, email in pair if i % 2 == 0 else reversed(pair):
            into.append(post(path, body(email))[1])
    km, ka = statistics.median(registered), statistics.fmean(registered)
    um, ua = statistics.median(nobody), statistics.fmean(nobody)
    print(f"| {case} | {km:.2f} / {ka:.2f} ms | {um:.2f} / {ua:.2f} ms | {ka - ua:+.2f} ms |")
