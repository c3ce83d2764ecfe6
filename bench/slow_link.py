"""The top pages of the journeys on an emulated slow 3G link, from a cold cache: how long until each is usable
and how much it weighs.

Panah is served as an operator serves it (`panah serve`, no debug, compressed static files) on a database
of its own holding the demo; Chromium (Debian's) opens each page through the DevTools protocol's network
emulation: 400 kbit/s down and up, 400 ms latency. The browser cache is cleared before each page, so every
page pays for its style sheet and scripts. Target: usable (the DOMContentLoaded event) within 3 s.

    .venv/bin/python bench/slow_link.py                 # demo of 2,000 persons
    .venv/bin/python bench/slow_link.py --persons 12000 --kbit 400 --latency 400
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PANAH = [str(Path(sys.executable).parent / "panah")]
CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "panah-demo-2017"  # noqa: S105  (the published password of the demo logins)
# (role, path or "first:<list path>" for the first person or case linked from that list)
PAGES = [
    (None, "/accounts/login/"),
    ("officer.almaty", "/"),
    ("officer.almaty", "/persons/"),
    ("officer.almaty", "first:/persons/"),
    ("officer.almaty", "/persons/new/"),
    ("officer.almaty", "/imports/"),
    ("decider.almaty", "/cases/"),
    ("decider.almaty", "first:/cases/"),
    ("lawyer.kibhr", "/cases/referrals/"),
    ("statistician", "/stats/"),
    ("officer.almaty", "/knowledge/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def panah(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([*PANAH, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*PANAH, "serve", "--port", str(port), "--workers", "2", "--no-worker"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310
            return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"panah serve did not answer:\n{log.read_text()[-3000:]}")


def measure(page: Any, cdp: Any, url: str) -> tuple[float, float, int, int]:
    """(seconds to DOMContentLoaded, seconds to load, bytes over the wire, requests) for one cold load."""
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    cdp.send("Network.clearBrowserCache")
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    ready = time.perf_counter() - start
    page.wait_for_load_state("load")
    loaded = time.perf_counter() - start
    page.wait_for_timeout(300)  # the last loadingFinished events
    return ready, loaded, sum(sizes.values()), len(sizes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--kbit", type=int, default=400, help="down and up, kbit/s")
    parser.add_argument("--latency", type=int, default=400, help="ms")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="panah-slow-") as scratch:
        var = Path(scratch)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PANAH_", "DATABASE_URL", "DJANGO_"))},
            "DATABASE_URL": f"sqlite:///{var / 'panah.sqlite3'}",
            "PANAH_SECRET_KEY": secrets.token_urlsafe(48),
            "PANAH_VAR_DIR": str(var),
            "PANAH_DEBUG": "0",
            "PANAH_HTTPS": "0",  # plain HTTP on loopback: no proxy in front here
            "PANAH_SECURE_COOKIES": "0",
        }
        t0 = time.perf_counter()
        panah(["migrate", "--no-input", "-v0"], env)
        panah(["demo", "--persons", str(args.persons)], env)
        print(f"demo of {args.persons:,} persons loaded in {time.perf_counter() - t0:.0f} s", flush=True)
        server, base = serve(env, var / "serve.log")
        rows = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                signed_in: dict[str | None, Any] = {}
                for role, path in PAGES:
                    if role not in signed_in:
                        context = browser.new_context(
                            base_url=base, locale="ru", viewport={"width": 360, "height": 800}
                        )
                        page = context.new_page()
                        if role:
                            page.goto("/accounts/login/")
                            page.fill("#id_username", role)
                            page.fill("#id_password", DEMO_PASSWORD)
                            page.click("main form button[type=submit]")
                            page.wait_for_load_state("load")
                        cdp = context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        throughput = args.kbit * 1000 / 8
                        cdp.send(
                            "Network.emulateNetworkConditions",
                            {
                                "offline": False,
                                "latency": args.latency,
                                "downloadThroughput": throughput,
                                "uploadThroughput": throughput,
                            },
                        )
                        signed_in[role] = (page, cdp)
                    page, cdp = signed_in[role]
                    if path.startswith("first:"):
                        listing = path.removeprefix("first:")
                        page.goto(base + listing)
                        link = page.locator(f"main a[href^='{listing}']").evaluate_all(
                            "(as) => as.map(a => a.href).filter(h => /\\/(PN-[^/]+|\\d+)\\/$/.test(h))"
                        )
                        if not link:
                            continue
                        path = urlsplit(link[0]).path
                    ready, loaded, size, requests = measure(page, cdp, base + path)
                    rows.append((role or "(signed out)", path, ready, loaded, size, requests))
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"\nslow 3G: {args.kbit} kbit/s down and up, {args.latency} ms latency, cold cache, 360 px, Russian")
    print(f"{'role':16} {'page':34} {'usable':>7} {'loaded':>7} {'weight':>9} {'requests':>8}")
    for role, path, ready, loaded, size, requests in rows:
        mark = "" if ready <= 3.0 else "  over 3 s"
        print(f"{role:16} {path:34} {ready:6.2f}s {loaded:6.2f}s {size / 1024:7.1f}KB {requests:8}{mark}")
    worst = max(r[2] for r in rows)
    print(f"\nslowest page usable in {worst:.2f} s (target 3 s): {'met' if worst <= 3.0 else 'NOT met'}")
    return 0 if worst <= 3.0 else 1


if __name__ == "__main__":
    sys.exit(main())
