"""N Streamlit replicas behind nginx on one machine: what `make serve` runs.

    .venv/bin/python -m deploy.serve --replicas 2            # http://127.0.0.1:8500, Ctrl-C stops everything
    .venv/bin/python -m deploy.serve --replicas 3 --port 8080 --db /srv/khuyencong/khuyencong.duckdb

Each replica is `streamlit run app.py` on 127.0.0.1 (ports from --base-port up), all with one shared
`server.cookieSecret` (generated once into RUN_DIR/cookie_secret, mode 0600, passed through the environment so it
never shows in `ps`), XSRF protection on and CORS on. nginx starts only after every replica answers "ok" on
/_stcore/health; its configuration is rendered from deploy/nginx.conf.template into RUN_DIR/nginx.conf and checked
with `nginx -t` first. While running, a replica that exits is started again (nginx routes around it meanwhile).
Every replica opens the same database file read-only: publishing new data is replacing that one file atomically
(`python -m etl build` / `etl load` rename a finished file into place), and each replica reconnects to it.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
RUN_DIR = ROOT / "deploy" / "run"  # generated config, pid, logs, the cookie secret (git-ignored)
HEALTH = "/_stcore/health"


def nginx_binary() -> str:
    """Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if os.access(p, os.X_OK)), None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install nginx (or `make serve`, which installs it)")
    return found


def cookie_secret(run_dir: Path) -> str:
    """One secret for every replica, so a signed cookie (st.login) set by one is accepted by all. Created once,
    owner-only from the first byte (O_EXCL + mode 0600: never readable by others, not even briefly)."""
    path = run_dir / "cookie_secret"
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise SystemExit(f"{path} is readable by other users: chmod 600 it (or delete it to make a new one)")
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        value = secrets.token_urlsafe(48)
        f.write(value + "\n")
    return value


def render_nginx(run_dir: Path, listen_port: int, ports: list[int], max_body_mb: int = 12) -> Path:
    """RUN_DIR/nginx.conf from the template: every {{name}} must be known, so a typo fails here, not in nginx."""
    values = {
        "replicas": str(len(ports)),
        "run_dir": str(run_dir.resolve()),
        "listen": f"127.0.0.1:{listen_port}",
        "max_body": f"{max_body_mb}m",
        "servers": "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports),
    }

    def sub(m: re.Match) -> str:
        if m.group(1) not in values:
            raise KeyError(f"{TEMPLATE.name}: unknown placeholder {{{{{m.group(1)}}}}}")
        return values[m.group(1)]

    text = re.sub(r"\{\{(\w+)\}\}", sub, TEMPLATE.read_text(encoding="utf-8"))
    (run_dir / "tmp").mkdir(parents=True, exist_ok=True)
    out = run_dir / "nginx.conf"
    out.write_text(text, encoding="utf-8")
    return out


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a generated file (-e: errors go to stderr, not to /var/log/nginx before the config is read)."""
    return subprocess.run([nginx_binary(), "-t", "-q", "-p", str(conf.parent), "-c", str(conf), "-e", "stderr"],
                          capture_output=True, text=True)


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + HEALTH, timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url}{HEALTH} did not answer ok within {timeout_s:.0f} s")


def streamlit_cmd(port: int) -> list[str]:
    exe = ROOT / ".venv" / "bin" / "python"
    # dashboard.serve: `streamlit run` without the first session's "Page not found" (dashboard/serve.py says why)
    head = [str(exe) if exe.exists() else sys.executable, "-m", "dashboard.serve"]
    return head + ["run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
                   "--server.headless", "true", "--server.enableXsrfProtection", "true",
                   "--server.enableCORS", "true", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]


def start_streamlit(port: int, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:  # the child keeps its own descriptor
        return subprocess.Popen(streamlit_cmd(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """A process and anything it started (its own process group): `sig`, then KILL after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@dataclass
class Cluster:
    port: int
    ports: list[int]
    env: dict
    run_dir: Path
    replicas: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def replica_pids(self) -> list[int]:
        return [p.pid for p in self.replicas]

    def restart_dead(self) -> list[int]:
        """Start again every replica whose process has exited; the ports restarted."""
        again = []
        for i, proc in enumerate(self.replicas):
            if proc.poll() is not None:
                self.replicas[i] = start_streamlit(self.ports[i], self.env, self.run_dir / f"replica-{self.ports[i]}.log")
                again.append(self.ports[i])
        return again

    def stop(self) -> None:
        stop(self.nginx)  # TERM = nginx's fast shutdown: a graceful QUIT would wait up to an hour on open WebSockets
        for proc in self.replicas:
            stop(proc)


def start(replicas: int = 2, port: int = 8500, base_port: int = 8511, db: Path | None = None,
          run_dir: Path = RUN_DIR, log=print) -> Cluster:
    """Replicas first (each healthy), then nginx (config checked, then healthy through it). Stops what it started
    if any step fails."""
    if replicas < 1:
        raise SystemExit("--replicas must be at least 1")
    run_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STREAMLIT_SERVER_COOKIE_SECRET=cookie_secret(run_dir))
    if db:
        env["KHUYENCONG_DB"] = str(Path(db).resolve())
    ports = [base_port + i for i in range(replicas)]
    if port in ports:
        raise SystemExit(f"--port {port} collides with a replica port ({ports[0]}–{ports[-1]})")
    cluster = Cluster(port, ports, env, run_dir)
    try:
        conf = render_nginx(run_dir, port, ports)
        checked = nginx_test(conf)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t rejected {conf}:\n{checked.stderr.strip()}")
        for p in ports:
            cluster.replicas.append(start_streamlit(p, env, run_dir / f"replica-{p}.log"))
        for p, proc in zip(ports, cluster.replicas):
            wait_healthy(f"http://127.0.0.1:{p}", proc)
            log(f"replica 127.0.0.1:{p} healthy (pid {proc.pid})")
        cluster.nginx = subprocess.Popen(
            [nginx_binary(), "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log"),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(cluster.url, cluster.nginx, timeout_s=30)
        log(f"nginx {cluster.url} → {len(ports)} replica(s), sticky by cookie kc_route (config {conf})")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8500, help="nginx listens on 127.0.0.1:PORT (default %(default)s)")
    ap.add_argument("--base-port", type=int, default=8511, help="first replica port (default %(default)s)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default: the app's own)")
    ap.add_argument("--run-dir", type=Path, default=RUN_DIR)
    args = ap.parse_args(argv)
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(1))
    cluster = start(args.replicas, args.port, args.base_port, args.db, args.run_dir)
    print(f"serving {cluster.url} — Ctrl-C stops nginx and the replicas", flush=True)
    try:
        while not stopping:
            time.sleep(1)
            for p in cluster.restart_dead():
                print(f"replica 127.0.0.1:{p} had exited: started again", flush=True)
            if cluster.nginx.poll() is not None:
                print(f"nginx exited ({cluster.nginx.returncode}); see {args.run_dir / 'error.log'}", flush=True)
                return 1
    finally:
        cluster.stop()
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
