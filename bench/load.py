"""Load test: many people browsing the dashboard at once, spoken in Streamlit's own WebSocket protocol.

    .venv/bin/python bench/load.py                                   # 30 sessions, 60 s, one `streamlit run`
    .venv/bin/python bench/load.py --sessions 60 --seconds 120 --db bench/out/scale100.duckdb
    .venv/bin/python bench/load.py --via-nginx --replicas 1,2        # through nginx (deploy/serve.py), 1 then 2 replicas

Each session does what a browser tab does on the wire, without a browser: GET / (which also collects nginx's
sticky-session cookie), open the WebSocket /_stcore/stream (subprotocol "streamlit", same-origin Origin header),
send a BackMsg `rerun_script` for the default page, then, for every page of the app's navigation in turn (each session
starting at a different page), a `rerun_script` with that page's script hash — what a click in the sidebar sends —
reporting the message hashes it has cached, as the browser does. A page view counts from the request until the
`script_finished` ForwardMsg; an exception element, a `page_not_found`, a closed socket or a view longer than
--timeout is an error. Parsing protobuf costs the driver a few milliseconds per view, so the CPU it measures is the
server's, not a browser's: the driver's own CPU time is printed beside it.

Phases: start the server(s); warm-up (one session per replica visits every page, not counted); all sessions connect
and load the default page (not counted); then the measured window: --seconds of page views, after which no view
starts and the ones in flight finish. Reports views/s, p50/p95/max latency, errors, the server's CPU-seconds per view
(/proc/<pid>/stat before and after the window, all replicas summed) and memory per session (the servers' RSS with
every session open minus before they connected, divided by the sessions). Prints, asserts nothing; stops every
process it started. Results also go to bench/out/load.json (load-nginx.json with --via-nginx).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import signal
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repository, to import from

from deploy import serve  # noqa: E402
from etl.paths import ROOT  # noqa: E402


# ---------------------------------------------------------------- the server's side, from /proc

def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def driver_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- one browser tab, on the wire

class ViewError(Exception):
    pass


@dataclass
class Tab:
    base: str  # http://127.0.0.1:PORT
    timeout_s: float
    ws: object = None
    pages: list = field(default_factory=list)  # (script hash, url path) from the navigation message
    cached: set = field(default_factory=set)

    async def open(self) -> None:
        from websockets.asyncio.client import connect
        cookies = await asyncio.to_thread(_first_get, self.base, self.timeout_s)
        headers = {"Origin": self.base}
        if cookies:
            headers["Cookie"] = cookies
        self.ws = await connect(self.base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                additional_headers=headers, max_size=None, open_timeout=self.timeout_s,
                                ping_interval=None)

    async def view(self, page_hash: str = "", url_path: str = "") -> None:
        """One script run of a page; returns when the server says it finished, raises ViewError otherwise."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = ""
        cs.page_script_hash = page_hash
        cs.page_name = url_path
        cs.cached_message_hashes.extend(sorted(self.cached))
        cs.context_info.timezone = "Asia/Ho_Chi_Minh"
        cs.context_info.timezone_offset = -420
        cs.context_info.locale = "vi-VN"
        cs.context_info.url = f"{self.base}/{url_path}"
        cs.context_info.color_scheme = "light"
        await self.ws.send(msg.SerializeToString())
        problem = None
        async with asyncio.timeout(self.timeout_s):
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await self.ws.recv())
                if fm.metadata.cacheable and fm.hash:
                    self.cached.add(fm.hash)
                kind = fm.WhichOneof("type")
                if kind == "navigation":
                    self.pages = [(p.page_script_hash, p.url_pathname) for p in fm.navigation.app_pages]
                elif kind == "page_not_found":
                    problem = f"page not found: {url_path}"
                elif (kind == "delta" and fm.delta.WhichOneof("type") == "new_element"
                      and fm.delta.new_element.WhichOneof("type") == "exception"):
                    e = fm.delta.new_element.exception
                    problem = problem or f"{url_path or '/'}: {e.type}: {e.message.splitlines()[0][:120] if e.message else ''}"
                elif kind == "script_finished":
                    status = fm.script_finished
                    if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # the page reran itself (st.rerun): the view ends with the next run
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        problem = problem or f"{url_path}: compile error"
                    break
        if problem:
            raise ViewError(problem)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _first_get(base: str, timeout_s: float) -> str:
    """GET / as the browser's first request: the cookies it is given (nginx's route, Streamlit's XSRF token)."""
    with urllib.request.urlopen(base + "/", timeout=timeout_s) as r:
        r.read()
        return "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])


# ---------------------------------------------------------------- a run: N tabs for T seconds

@dataclass
class Run:
    label: str
    sessions: int
    seconds: float
    views: list = field(default_factory=list)
    errors: list = field(default_factory=list)


async def _session(i: int, base: str, run: Run, timeout_s: float, ready: list, go: asyncio.Event,
                   window: dict) -> Tab | None:
    tab = Tab(base, timeout_s)
    try:
        await tab.open()
        await tab.view()  # the default page: what opening the link costs, not counted
        if not tab.pages:
            raise ViewError("no navigation message: is this the khuyến công app?")
    except Exception as e:
        run.errors.append(f"open: {type(e).__name__}: {str(e)[:120]}")
        await tab.close()
        tab = None
    ready.append(i)
    await go.wait()
    if tab is None:
        return None
    order = tab.pages[i % len(tab.pages):] + tab.pages[:i % len(tab.pages)]
    k = 0
    while time.monotonic() < window["deadline"]:
        page_hash, path = order[k % len(order)]
        k += 1
        start = time.perf_counter()
        try:
            await tab.view(page_hash, path)
            run.views.append(time.perf_counter() - start)
        except ViewError as e:
            run.errors.append(str(e))
        except Exception as e:  # a timeout or a closed socket ends this tab
            run.errors.append(f"{path}: {type(e).__name__}: {str(e)[:100]}")
            break
    return tab


async def drive(base: str, n: int, seconds: float, timeout_s: float, pids: list[int], label: str) -> dict:
    run = Run(label, n, seconds)
    rss0 = sum(rss_mb(p) for p in pids)
    ready: list[int] = []
    go = asyncio.Event()
    window = {"deadline": float("inf")}
    tasks = [asyncio.create_task(_session(i, base, run, timeout_s, ready, go, window)) for i in range(n)]
    while len(ready) < n:  # every tab open and its first page drawn before the clock starts
        await asyncio.sleep(0.05)
    connect_errors = len(run.errors)
    rss_open = sum(rss_mb(p) for p in pids)
    cpu0, drv0 = sum(cpu_s(p) for p in pids), driver_cpu_s()
    t0 = time.perf_counter()
    window["deadline"] = time.monotonic() + seconds
    go.set()
    tabs = await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    cpu = sum(cpu_s(p) for p in pids) - cpu0
    drv = driver_cpu_s() - drv0
    rss_end = sum(rss_mb(p) for p in pids)
    for tab in tabs:
        if tab:
            await tab.close()
    v = sorted(run.views)
    return {"label": label, "sessions": n, "window_s": seconds, "wall_s": wall, "views": len(v),
            "views_per_s": len(v) / wall, "p50_s": _pct(v, 50), "p95_s": _pct(v, 95), "max_s": v[-1] if v else None,
            "errors": len(run.errors), "connect_errors": connect_errors, "error_samples": sorted(set(run.errors))[:8],
            "server_cpu_s": cpu, "server_cpu_s_per_view": cpu / len(v) if v else None,
            "server_rss_before_mb": rss0, "server_rss_open_mb": rss_open, "server_rss_end_mb": rss_end,
            "mb_per_session": (max(rss_open, rss_end) - rss0) / n, "driver_cpu_s": drv,
            "replicas": len(pids)}


async def warm_up(base: str, timeout_s: float) -> None:
    """One tab visits every page once: the first run of each page pays imports and empty caches."""
    tab = Tab(base, timeout_s)
    await tab.open()
    try:
        await tab.view()
        for page_hash, path in tab.pages:
            try:
                await tab.view(page_hash, path)
            except ViewError:
                pass  # the measured run reports it
    finally:
        await tab.close()


def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ---------------------------------------------------------------- servers

def one_server(port: int, db: Path | None, log: Path) -> "serve.subprocess.Popen":
    env = dict(os.environ)
    if db:
        env["KHUYENCONG_DB"] = str(db.resolve())
    proc = serve.start_streamlit(port, env, log)
    try:
        serve.wait_healthy(f"http://127.0.0.1:{port}", proc)
    except BaseException:
        serve.stop(proc)
        raise
    return proc


def report(results: list[dict]) -> str:
    def f(v, spec):
        return "–" if v is None else format(v, spec)
    lines = ["run                        sessions  wall s  views  views/s  p50 s  p95 s  max s  errors  "
             "CPU s/view  MB/session  server MB  driver CPU s"]
    for r in results:
        lines.append(f"{r['label']:<26} {r['sessions']:>8}  {r['wall_s']:>6.1f}  {r['views']:>5}  {r['views_per_s']:>7.2f}  "
                     f"{f(r['p50_s'], '5.2f')}  {f(r['p95_s'], '5.2f')}  {f(r['max_s'], '5.2f')}  {r['errors']:>6}  "
                     f"{f(r['server_cpu_s_per_view'], '10.3f')}  {r['mb_per_session']:>10.1f}  "
                     f"{r['server_rss_end_mb']:>9.0f}  {r['driver_cpu_s']:>12.1f}")
        for e in r["error_samples"]:
            lines.append(f"    error: {e}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30, help="concurrent sessions (default %(default)s)")
    ap.add_argument("--seconds", type=float, default=60, help="measured window (default %(default)s)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds one page view may take before it is an error")
    ap.add_argument("--db", type=Path, default=None, help="database to serve (default: the app's own)")
    ap.add_argument("--port", type=int, default=8621, help="the server's (or nginx's) port (default %(default)s)")
    ap.add_argument("--via-nginx", action="store_true", help="through nginx and replicas started by deploy/serve.py")
    ap.add_argument("--replicas", default="1,2", help="with --via-nginx: replica counts to run, comma-separated")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers on a kill too
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load0 = os.getloadavg()[0]
    print(f"# load test {date.today().isoformat()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
          f"load average {load0:.1f} before (other work on the machine inflates every time) · "
          f"{args.sessions} sessions × {args.seconds:g} s", flush=True)
    results = []
    plans = ([(f"nginx, {r} replica{'s' if int(r) > 1 else ''}", int(r)) for r in args.replicas.split(",")]
             if args.via_nginx else [("streamlit run, direct", 0)])
    for label, replicas in plans:
        cluster = proc = None
        try:
            if replicas:
                cluster = serve.start(replicas, args.port, args.port + 11, args.db, args.out / "serve-run",
                                      log=lambda m: print("  " + m, flush=True))
                base, pids = cluster.url, cluster.replica_pids
                direct = [f"http://127.0.0.1:{p}" for p in cluster.ports]  # warm every replica, not just one
            else:
                proc = one_server(args.port, args.db, args.out / "load-server.log")
                base, pids, direct = f"http://127.0.0.1:{args.port}", [proc.pid], [f"http://127.0.0.1:{args.port}"]
            print(f"{label}: warm-up (every page once per replica, not counted) …", flush=True)
            for url in direct:
                asyncio.run(warm_up(url, args.timeout))
            print(f"{label}: {args.sessions} sessions open, then {args.seconds:g} s of page views …", flush=True)
            results.append(asyncio.run(drive(base, args.sessions, args.seconds, args.timeout, pids, label)))
        finally:
            if cluster:
                cluster.stop()
            serve.stop(proc)
    print()
    print(report(results))
    print("\nwall s: the window plus the views in flight at its end (no view starts after it); views/s = views ÷ wall s."
          "\nCPU s/view: the servers' CPU time over the window ÷ views (all replicas); MB/session: the servers' RSS "
          "with every session open, minus before they connected, ÷ sessions; driver CPU s: this process's own.")
    elapsed = time.perf_counter() - started
    out = args.out / ("load-nginx.json" if args.via_nginx else "load.json")
    print(f"(took {elapsed:.0f} s; load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after; every server "
          f"stopped; results in {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out})")
    out.write_text(json.dumps({
        "date": date.today().isoformat(), "cpus": os.cpu_count(), "load_before": load0,
        "command": "bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "runs": results, "elapsed_s": elapsed}, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
