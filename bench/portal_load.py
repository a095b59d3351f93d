"""Portal customers and agents using Odoo at once; latency per route.

    bench/portal_load.sh  (make bench-load: starts Odoo with workers, then this)

Each customer logs in once, then in a loop opens /my, their cases, one of
their cases, their returns, their pets and their orders; each agent lists the
open cases and opens one through JSON-RPC, as the web client does. Prints
p50/p95/p99 per route and every error; exits 1 on any error or when p95 of
a portal route is above --p95-ms.
"""

import argparse
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict

import requests

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/my/cases/(\d+)')


def login(url, login_name):
    session = requests.Session()
    page = session.get(f"{url}/web/login", timeout=30)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{url}/web/login",
        data={
            "login": login_name,
            "password": login_name,
            "csrf_token": token,
            "redirect": "/my",
        },
        timeout=30,
    )
    if response.status_code != 200 or "/web/login" in response.url:
        raise RuntimeError(f"login {login_name} failed ({response.status_code})")
    return session


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(list)

    def timed(self, route, call):
        start = time.perf_counter()
        try:
            response = call()
            ok = response.status_code == 200 and (
                "json" not in response.headers.get("Content-Type", "")
                or "error" not in response.json()
            )
        except requests.RequestException as exc:
            response, ok = exc, False
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            if ok:
                self.times[route].append(elapsed)
            else:
                detail = getattr(response, "status_code", response)
                self.errors[route].append(str(detail))
        return response if ok else None


THINK = 1.0  # mean seconds a person reads a page before the next click


def think(rng, stop):
    if THINK:
        stop.wait(rng.uniform(0.5 * THINK, 1.5 * THINK))


def customer(url, index, stop, rec):
    session = login(url, f"load_portal_{index}")
    rng = random.Random(index)
    while not stop.is_set():
        rec.timed("/my", lambda: session.get(f"{url}/my", timeout=30))
        think(rng, stop)
        listing = rec.timed(
            "/my/cases", lambda: session.get(f"{url}/my/cases", timeout=30)
        )
        think(rng, stop)
        ids = CASE_LINK.findall(listing.text) if listing is not None else []
        if ids:
            case_id = rng.choice(ids)
            rec.timed(
                "/my/cases/<id>",
                lambda case_id=case_id: session.get(
                    f"{url}/my/cases/{case_id}", timeout=30
                ),
            )
            think(rng, stop)
        rec.timed("/my/returns", lambda: session.get(f"{url}/my/returns", timeout=30))
        think(rng, stop)
        rec.timed("/my/pets", lambda: session.get(f"{url}/my/pets", timeout=30))
        think(rng, stop)
        rec.timed("/my/orders", lambda: session.get(f"{url}/my/orders", timeout=30))
        think(rng, stop)


def agent(url, index, stop, rec):
    session = login(url, f"load_agent_{index}")
    rng = random.Random(1000 + index)

    def call(model, method, args, kwargs):
        return session.post(
            f"{url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs,
                },
            },
            timeout=30,
        )

    while not stop.is_set():
        listing = rec.timed(
            "rpc case list",
            lambda: call(
                "aftersales.case",
                "web_search_read",
                [[["is_closed", "=", False]]],
                {
                    "specification": {
                        "reference": {},
                        "name": {},
                        "partner_id": {"fields": {"display_name": {}}},
                        "stage_id": {"fields": {"display_name": {}}},
                        "sla_status": {},
                    },
                    "limit": 80,
                },
            ),
        )
        think(rng, stop)
        records = listing.json()["result"]["records"] if listing is not None else []
        if records:
            case_id = records[index % len(records)]["id"]
            rec.timed(
                "rpc case form",
                lambda case_id=case_id: call(
                    "aftersales.case",
                    "web_read",
                    [[case_id]],
                    {
                        "specification": {
                            "name": {},
                            "description": {},
                            "message_ids": {},
                        }
                    },
                ),
            )
            think(rng, stop)


def wait_for_server(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"Odoo did not answer on {url} within {seconds} s")


def guarded(target, rec, name):
    def run(*args):
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - counted as an error
            with rec.lock:
                rec.errors[name].append(repr(exc)[:200])

    return run


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean think time between a person's clicks (0: back to back)",
    )
    parser.add_argument("--p95-ms", type=float, default=300.0)
    args = parser.parse_args()
    global THINK  # noqa: PLW0603 - one setting for every simulated person
    THINK = args.think
    wait_for_server(args.url)
    rec, stop = Recorder(), threading.Event()
    threads = [
        threading.Thread(
            target=guarded(customer, rec, "portal session"),
            args=(args.url, i, stop, rec),
            daemon=True,
        )
        for i in range(args.customers)
    ] + [
        threading.Thread(
            target=guarded(agent, rec, "agent session"),
            args=(args.url, i, stop, rec),
            daemon=True,
        )
        for i in range(args.agents)
    ]
    # ramp-up over the first third of the warm-up, as people arrive: 55
    # logins in the same instant measure the client's own threads (a GET and
    # its POST more than the worker's 2 s keep-alive apart), not Odoo
    ramp = args.warmup / 3
    started = time.monotonic()
    for index, thread in enumerate(threads):
        time.sleep(max(0.0, started + ramp * index / len(threads) - time.monotonic()))
        thread.start()
    # warm-up: every worker loads its registry and caches; not counted
    time.sleep(max(0.0, started + args.warmup - time.monotonic()))
    with rec.lock:
        rec.times.clear()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    total = sum(len(v) for v in rec.times.values())
    errors = sum(len(v) for v in rec.errors.values())
    print(
        f"{args.customers} portal customers + {args.agents} agents, {args.seconds} s, "
        f"think time {args.think:.1f} s: "
        f"{total} requests ({total / args.seconds:.0f}/s), {errors} errors"
    )
    print(f"{'route':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    slow = []
    for route in sorted(set(rec.times) | set(rec.errors)):
        times = rec.times.get(route) or [0.0]
        p95 = percentile(times, 0.95)
        print(
            f"{route:<18} {len(rec.times.get(route, [])):>6} "
            f"{statistics.median(times):>8.0f} {p95:>8.0f} "
            f"{percentile(times, 0.99):>8.0f}"
        )
        if route.startswith("/my") and p95 > args.p95_ms:
            slow.append(route)
    for route, details in rec.errors.items():
        print(f"  errors on {route}: {sorted(set(details))[:5]}")
    if errors or slow:
        print(
            f"FAILED: {errors} errors; "
            f"p95 above {args.p95_ms:.0f} ms on {slow or 'none'}"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
