"""Load test: N people browsing the dashboard at once, in a real browser, against a local server.

    .venv/bin/python bench/load.py                      # N = 1, 2, 4, 8; every page once per session (~3 min)
    .venv/bin/python bench/load.py --levels 1,4 --rounds 1 --db bench/out/scale100.duckdb

Starts `streamlit run app.py` on 127.0.0.1 (port 8621 by default), opens one headless Chromium with N browser
contexts (N independent sessions) and has each session visit every page of the app in turn, `--rounds` times, by
clicking the sidebar navigation like a person. A page view counts from the click until the server has finished the
script run, the page's title is shown and every chart on it is drawn; a session's first load is not counted.
Reports throughput, p50/p95, errors, the server's memory and CPU per view for each N, and the N at which p95 has
doubled from N = 1. Bounded by rounds, a per-view timeout and --max-seconds; the server is always stopped.
On a small machine the browser shares the CPUs with the server it measures: server CPU per view is the number
that carries over to a real deployment.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Done = the server finished the run, the page's title (its nav label) is shown, and every chart the page has put
# on screen is drawn (plotly is loaded lazily: a chart not yet mounted is not waited for).
DONE_JS = """label => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  if (!h1 || (label && !h1.textContent.includes(label))) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return Array.from(charts).every(c => c.querySelector('.main-svg'));
}"""


def start_server(port: int, db: Path | None, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    if db:
        env["KHUYENCONG_DB"] = str(db.resolve())
    cmd = [str(ROOT / ".venv" / "bin" / "streamlit"), "run", "app.py", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    if not Path(cmd[0]).exists():
        cmd = [sys.executable, "-m", "streamlit", *cmd[1:]]
    out = open(log, "w", encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"the server did not answer on port {port} within 90 s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    """The server and anything it started: its own process group, TERM then KILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def session(browser, base: str, rounds: int, timeout_s: float, deadline: float, views: list, errors: list):
    ctx = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await ctx.new_page()
    try:
        start = time.perf_counter()
        await page.goto(base + "/", timeout=timeout_s * 1000)
        await _done(page, "", timeout_s, [], errors, start, "open the app")  # first load: bundles, not counted
        links = page.locator('[data-testid="stSidebarNav"] a')
        # a link reads "<icon name>\n\n<title>": the title is its last line
        labels = [(await links.nth(i).inner_text()).strip().splitlines()[-1] for i in range(await links.count())]
        for _ in range(rounds):
            for i in list(range(1, len(labels))) + [0]:
                if time.monotonic() > deadline:
                    return
                start = time.perf_counter()
                await links.nth(i).click(timeout=timeout_s * 1000)
                await _done(page, labels[i], timeout_s, views, errors, start, labels[i])
    except Exception as e:  # a broken session is an error, not a crash of the test
        errors.append(f"session: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
    finally:
        await ctx.close()


async def _done(page, label: str, timeout_s: float, views: list, errors: list, start: float, what: str) -> None:
    try:
        await page.wait_for_function(DONE_JS, arg=label, timeout=timeout_s * 1000, polling=50)
        views.append(time.perf_counter() - start)
        shown = page.locator('[data-testid="stException"]')
        if await shown.count():
            text = " ".join((await shown.first.inner_text()).split())
            errors.append(f"{what}: exception shown: {text[:140]}")
    except Exception as e:
        errors.append(f"{what}: {type(e).__name__}")


async def run_level(n: int, base: str, rounds: int, timeout_s: float, max_s: float, server_pid: int) -> dict:
    from playwright.async_api import async_playwright
    views: list[float] = []
    errors: list[str] = []
    peak = [rss_mb(server_pid)]

    async def sample():
        while True:
            peak[0] = max(peak[0], rss_mb(server_pid))
            await asyncio.sleep(0.5)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sampler = asyncio.create_task(sample())
            cpu0 = cpu_s(server_pid)
            start = time.perf_counter()
            deadline = time.monotonic() + max_s
            await asyncio.gather(*[session(browser, base, rounds, timeout_s, deadline, views, errors) for _ in range(n)])
            wall = time.perf_counter() - start
            server_cpu = cpu_s(server_pid) - cpu0
            sampler.cancel()
        finally:
            await browser.close()
    views.sort()
    pct = lambda q: views[min(len(views) - 1, int(round(q / 100 * (len(views) - 1))))] if views else float("nan")  # noqa: E731
    return {"sessions": n, "views": len(views), "errors": len(errors), "error_samples": errors[:5], "wall_s": wall,
            "views_per_s": len(views) / wall if wall else 0.0, "p50_s": pct(50), "p95_s": pct(95),
            "max_s": views[-1] if views else float("nan"), "server_rss_mb": peak[0],
            "server_cpu_per_view_s": server_cpu / len(views) if views else float("nan")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8621)
    ap.add_argument("--levels", default="1,2,4,8", help="concurrent sessions to try, comma-separated")
    ap.add_argument("--rounds", type=int, default=1, help="visits of every page per session (default 1)")
    ap.add_argument("--db", type=Path, default=None, help="database to serve (default: the app's own)")
    ap.add_argument("--timeout", type=float, default=90, help="seconds one page view may take before it is an error")
    ap.add_argument("--max-seconds", type=float, default=240, help="per level: no new page view after this")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the server on a kill too
    levels = [int(x) for x in args.levels.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{args.port}"
    started = time.perf_counter()
    print(f"# load test · {os.cpu_count()} CPUs (shared by server and browser) · load average "
          f"{os.getloadavg()[0]:.1f} · {args.rounds} round(s) of every page per session", flush=True)
    server = start_server(args.port, args.db, args.out / "load-server.log")
    results = []
    try:
        print("warm-up: one session visits every page once (not counted) …", flush=True)
        asyncio.run(run_level(1, base, 1, args.timeout, args.max_seconds, server.pid))
        for n in levels:
            print(f"N = {n} …", flush=True)
            results.append(asyncio.run(run_level(n, base, args.rounds, args.timeout, args.max_seconds, server.pid)))
    finally:
        stop_server(server)
    print("\n N  views  errors  wall s  views/s  p50 s  p95 s  max s  server MB  server CPU s/view")
    for r in results:
        print(f"{r['sessions']:>2}  {r['views']:>5}  {r['errors']:>6}  {r['wall_s']:>6.1f}  {r['views_per_s']:>7.2f}  "
              f"{r['p50_s']:>5.2f}  {r['p95_s']:>5.2f}  {r['max_s']:>5.2f}  {r['server_rss_mb']:>9.0f}  "
              f"{r['server_cpu_per_view_s']:>17.2f}")
        for e in r["error_samples"]:
            print(f"    error: {e}")
    base_p95 = results[0]["p95_s"] if results else float("nan")
    doubled = next((r["sessions"] for r in results[1:] if r["p95_s"] >= 2 * base_p95), None)
    verdict = (f"p95 doubles (≥ {2 * base_p95:.2f} s) at N = {doubled}" if doubled else
               f"p95 did not double up to N = {levels[-1]}")
    print(f"\n{verdict} (p95 at N = {results[0]['sessions'] if results else '?'}: {base_p95:.2f} s)")
    elapsed = time.perf_counter() - started
    print(f"(load test took {elapsed:.0f} s; server stopped)")
    (args.out / "load.json").write_text(json.dumps({"levels": results, "verdict": verdict, "elapsed_s": elapsed},
                                                   indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
