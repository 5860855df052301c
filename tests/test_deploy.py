"""Past one machine: nginx in front of replicas (deploy/serve.py), the container image and the Kubernetes manifest.

Docker and Kubernetes do not run here: their files are parsed and cross-checked. nginx does (CI installs it through
.ci/run): its generated configuration passes `nginx -t`, and two replicas behind it keep each browser on one replica.
"""
from __future__ import annotations

import asyncio
import gzip
import json
import re
import shutil
import socket
import stat
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from deploy import serve  # noqa: E402

K8S = ROOT / "deploy" / "k8s" / "khuyencong.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
HAS_NGINX = bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
needs_nginx = pytest.mark.skipif(not HAS_NGINX, reason="nginx is not installed (CI installs it: .ci/run)")


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


# ---------------------------------------------------------------- shared secret

def test_cookie_secret_is_owner_only_and_the_same_for_every_start(tmp_path):
    first = serve.cookie_secret(tmp_path)
    path = tmp_path / "cookie_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 48 and serve.cookie_secret(tmp_path) == first  # generated once, reused by every replica
    path.chmod(0o644)
    with pytest.raises(SystemExit, match="readable by other users"):
        serve.cookie_secret(tmp_path)


# ---------------------------------------------------------------- nginx

@needs_nginx
@pytest.mark.parametrize("replicas", [1, 3])
def test_generated_nginx_config_passes_nginx_t(tmp_path, replicas):
    conf = serve.render_nginx(tmp_path, 8500, [8511 + i for i in range(replicas)])
    result = serve.nginx_test(conf)
    assert result.returncode == 0, result.stderr
    text = conf.read_text(encoding="utf-8")
    assert "{{" not in text
    assert len(re.findall(r"server 127\.0\.0\.1:85\d\d max_fails", text)) == replicas
    assert re.search(r"listen 127\.0\.0\.1:8500;", text)  # never on every interface


def test_an_unknown_placeholder_fails_before_nginx(tmp_path, monkeypatch):
    bad = tmp_path / "bad.template"
    bad.write_text("listen {{listen}}; {{lisen}}\n", encoding="utf-8")
    monkeypatch.setattr(serve, "TEMPLATE", bad)
    with pytest.raises(KeyError, match="lisen"):
        serve.render_nginx(tmp_path, 8500, [8511])


@needs_nginx
def test_two_replicas_behind_nginx_keep_each_browser_on_one_replica(tmp_path, db_path):
    """`make serve` for real: both replicas healthy, nginx sets the route cookie once, every request with a cookie
    reaches the same replica, different cookies reach both, and a whole page run works over the proxied WebSocket."""
    import load  # bench/load.py: the protocol driver
    port, base = free_ports(2)
    cluster = serve.start(2, port, base, db_path, tmp_path / "run", log=lambda *_: None)
    try:
        with urllib.request.urlopen(cluster.url + "/", timeout=30) as r:
            set_cookie = r.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("kc_route=") and "HttpOnly" in c for c in set_cookie)
        routes = [f"browser{i}" for i in range(12)]
        for route in routes:
            for _ in range(3):  # back to back: round-robin would send the second to the other replica
                req = urllib.request.Request(cluster.url + "/_stcore/health", headers={"Cookie": f"kc_route={route}"})
                with urllib.request.urlopen(req, timeout=30) as r:
                    assert r.read().strip() == b"ok"
                    assert not any(c.startswith("kc_route=") for c in r.headers.get_all("Set-Cookie") or [])
        served: dict[str, set] = {}
        for line in (tmp_path / "run" / "access.log").read_text().splitlines():
            m = re.search(r"upstream=(\S+) route=(browser\d+)", line)
            if m:
                served.setdefault(m.group(2), set()).add(m.group(1))
        assert set(served) == set(routes)
        assert all(len(s) == 1 for s in served.values()), served  # sticky
        assert {s.pop() for s in served.values()} == {f"127.0.0.1:{p}" for p in cluster.ports}  # both used

        async def one_page():
            tab = load.Tab(cluster.url, 120)
            await tab.open()
            try:
                await tab.view()
                await tab.view(*tab.pages[1])
                return tab.pages
            finally:
                await tab.close()
        assert len(asyncio.run(one_page())) >= 8
        # the maps' borders pass through nginx from app/static/, compressed and cacheable
        req = urllib.request.Request(cluster.url + "/app/static/geo/provinces_63.json?v=1",
                                     headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = gzip.decompress(r.read()) if r.headers.get("Content-Encoding") == "gzip" else None
            assert body and len(json.loads(body)["features"]) == 65
            assert "max-age=86400" in r.headers.get("Cache-Control", "")
    finally:
        cluster.stop()
    assert all(p.poll() is not None for p in cluster.replicas) and cluster.nginx.poll() is not None


# ---------------------------------------------------------------- container image and Kubernetes

def manifests() -> dict[str, dict]:
    return {d["kind"]: d for d in yaml.safe_load_all(K8S.read_text(encoding="utf-8")) if d}


def test_k8s_manifest_deployment_service_ingress_fit_together():
    m = manifests()
    assert {"Deployment", "Service", "Ingress"} <= set(m)
    dep, svc, ing = m["Deployment"], m["Service"], m["Ingress"]
    pod = dep["spec"]["template"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert svc["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (c,) = pod["spec"]["containers"]
    port_names = {p["name"]: p["containerPort"] for p in c["ports"]}
    probe = c["readinessProbe"]["httpGet"]
    assert probe["path"] == "/_stcore/health" and probe["port"] in port_names
    assert {p["targetPort"] for p in svc["spec"]["ports"]} <= set(port_names)
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in svc["spec"]["ports"]}
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert "nginx.ingress.kubernetes.io/session-cookie-name" in notes
    # the database: mounted read-only, and the app told where it is
    env = {e["name"]: e for e in c["env"]}
    (mount,) = [v for v in c["volumeMounts"] if v["name"] == "data"]
    assert mount["readOnly"] is True
    assert env["KHUYENCONG_DB"]["value"].startswith(mount["mountPath"] + "/")
    (vol,) = [v for v in pod["spec"]["volumes"] if v["name"] == "data"]
    assert vol["persistentVolumeClaim"]["readOnly"] is True
    # one cookie secret for every replica, from a Secret, never written in the manifest
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]["key"]


def test_dockerfile_serves_the_port_the_manifest_probes():
    text = DOCKERFILE.read_text(encoding="utf-8")
    (c,) = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    port = c["ports"][0]["containerPort"]
    assert re.search(rf"^EXPOSE {port}$", text, re.M)
    cmd = re.search(r"^CMD (\[.*?\])\s*$", text, re.M | re.S).group(1)
    args = yaml.safe_load(cmd.replace("\\\n", ""))  # a JSON array is YAML
    assert args[:5] == ["python", "-m", "dashboard.serve", "run", "app.py"]  # streamlit run, see dashboard/serve.py
    opts = dict(zip(args[5::2], args[6::2]))
    assert opts["--server.port"] == str(port) and opts["--server.enableXsrfProtection"] == "true"
    assert "_stcore/health" in text and re.search(r"^USER \d+", text, re.M)  # health-checked, not root
    for copied in re.findall(r"^COPY (\S+) ", text, re.M):  # everything the image copies exists in the repository
        assert (ROOT / copied).exists(), copied
