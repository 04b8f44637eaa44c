"""The replicated deployment (deploy/), checked without Docker or a cluster.

HAProxy's own parser checks its config; the compose file and the Kubernetes
manifests are parsed and held to what several replicas need: affinity by
cookie, long WebSocket tunnels, health checks on Streamlit's endpoint, one
shared runs volume.  The loopback run of it all is tests/e2e/test_replicas.py.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
HAPROXY_CFG = DEPLOY / "haproxy.cfg"
HEALTH_PATH = "/_stcore/health"
K8S_VERSION = "1.30.0"
LESSON_S = 2 * 3600  # a WebSocket must outlive a lesson
HAPROXY_ENV = {"MECHGAN_HTTP_PORT": "8501", "MECHGAN_LAB_HOST": "localhost", "MECHGAN_LAB_PORT": "8501",
               "MECHGAN_COOKIE_KEY": "test"}


def haproxy_check(path: Path) -> subprocess.CompletedProcess:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.fail("haproxy missing: apt-get install haproxy (the README's test command does)")
    return subprocess.run([haproxy, "-c", "-f", str(path)], env={**os.environ, **HAPROXY_ENV},
                          capture_output=True, text=True, timeout=30)


def haproxy_section(name: str) -> list[str]:
    """The directives of one section of the config (``"backend lab"``), comments dropped."""
    lines, inside = [], False
    for raw in HAPROXY_CFG.read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line and not line[0].isspace():
            inside = line.strip() == name
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()
    return int(number) * {"ms": 0.001, "s": 1, None: 0.001, "m": 60, "h": 3600, "d": 86400}[unit]


def test_haproxy_accepts_the_config():
    result = haproxy_check(HAPROXY_CFG)
    assert result.returncode == 0, result.stdout + result.stderr


def test_haproxy_check_is_live(tmp_path):
    """The same file with one misspelt keyword is refused, so the check above can fail."""
    bad = tmp_path / "haproxy.cfg"
    bad.write_text(HAPROXY_CFG.read_text().replace("balance leastconn", "balance leastconnections"))
    assert haproxy_check(bad).returncode != 0


def test_haproxy_balances_sessions_by_cookie_and_keeps_websockets():
    backend = haproxy_section("backend lab")
    defaults = haproxy_section("defaults")
    assert "balance leastconn" in backend
    assert not any(d.startswith("balance source") for d in backend), "client IP affinity: one NAT, one replica"
    cookie = next(d for d in backend if d.startswith("cookie "))
    assert " insert " in f"{cookie} " and "dynamic" in cookie.split(), cookie
    assert any(d.startswith("dynamic-cookie-key") for d in backend)
    assert "option httpchk" in backend
    assert f"http-check send meth GET uri {HEALTH_PATH}" in backend
    assert any(d.startswith("server-template lab ") for d in backend)
    assert "check" in next(d for d in backend if d.startswith("default-server")).split()
    assert "option redispatch" in defaults, "a dead replica's students must reach a live one"
    tunnel = next(d.split()[2] for d in defaults if d.startswith("timeout tunnel"))
    assert seconds(tunnel) >= LESSON_S
    log_format = next(d for d in defaults if d.startswith("log-format"))
    logged = set(re.findall(r"%(?:\{[^}]*\})?(\w+)", log_format))
    assert "HPO" in logged and not logged & {"r", "HU", "HQ"}, \
        "a request line with its query would log a teacher's ?teacher= token"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def test_compose_scales_the_lab_on_one_runs_volume():
    spec = compose()
    lab = spec["services"]["lab"]
    assert "ports" not in lab and "container_name" not in lab, "--scale lab=N needs no fixed host port or name"
    assert (DEPLOY / lab["build"] / "Dockerfile").is_file()
    runs_dir = lab["environment"]["MECHGAN_RUNS_DIR"]
    volume, mount = lab["volumes"][0].split(":")[:2]
    assert mount == runs_dir and volume in spec["volumes"], "every replica must share one named runs volume"
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in lab["environment"], "a session moved by failover keeps its XSRF"
    assert "MECHGAN_TEACHER_TOKEN" in lab["environment"]
    cpus = float(lab["deploy"]["resources"]["limits"]["cpus"])
    assert 1 <= int(lab["environment"]["MECHGAN_MAX_TRAINING"]) <= cpus


def test_compose_balancer_points_at_the_lab_service():
    spec = compose()
    balancer = spec["services"]["balancer"]
    env = balancer["environment"]
    assert env["MECHGAN_LAB_HOST"] in spec["services"] and env["MECHGAN_LAB_HOST"] == "lab"
    assert env["MECHGAN_LAB_PORT"] in spec["services"]["lab"]["expose"]
    assert balancer["ports"] == [f"{env['MECHGAN_HTTP_PORT']}:{env['MECHGAN_HTTP_PORT']}"]
    config, target = balancer["volumes"][0].split(":")[:2]
    assert (DEPLOY / config).resolve() == HAPROXY_CFG and target.endswith("haproxy.cfg")
    assert "lab" in balancer["depends_on"]
    assert re.fullmatch(r"haproxy:2\.\d+.*", balancer["image"])


def manifests() -> dict[str, dict]:
    docs = yaml.safe_load_all((DEPLOY / "kubernetes" / "mechgan.yaml").read_text())
    return {doc["kind"]: doc for doc in docs}


def test_kubernetes_manifests_validate():
    docs = manifests()
    assert set(docs) == {"PersistentVolumeClaim", "Deployment", "Service", "Ingress"}
    for doc in docs.values():
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kubernetes_validation_is_live():
    deployment = manifests()["Deployment"]
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_kubernetes_replicas_share_a_read_write_many_runs_volume():
    docs = manifests()
    claim, deployment = docs["PersistentVolumeClaim"], docs["Deployment"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    volume = next(v["name"] for v in pod["volumes"]
                  if v.get("persistentVolumeClaim", {}).get("claimName") == claim["metadata"]["name"])
    mount = next(m["mountPath"] for m in container["volumeMounts"] if m["name"] == volume)
    assert mount == env["MECHGAN_RUNS_DIR"]["value"]
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == HEALTH_PATH


def test_kubernetes_ingress_keeps_sessions_on_their_pod():
    docs = manifests()
    service, ingress = docs["Service"], docs["Ingress"]
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= LESSON_S
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
