"""deploy/compose.yaml and deploy/k8s/ checked offline: schemas, then what they must say.

Kubernetes manifests are validated strictly (unknown fields fail) with kubernetes-validate's
bundled schemas; the Compose file against the Compose specification schema that
check-jsonschema ships. Neither needs a network, Docker or a cluster. Then the settings that
make the deployment work: health probes, the shared cookie secret, sticky sessions with the
same cookie as deploy/nginx.conf, WebSocket timeouts, CPU autoscaling, production settings.
"""

import copy
import importlib.resources
import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy.replicas import AFFINITY_COOKIE, PROJECT_ROOT, nginx_config, production_env

K8S = PROJECT_ROOT / "deploy" / "k8s"
COMPOSE = PROJECT_ROOT / "deploy" / "compose.yaml"
K8S_VERSION = "1.37.0"
HEALTH = "/_stcore/health"


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _manifests() -> dict[str, dict]:
    """Every Kubernetes object in deploy/k8s by kind (one object of each kind)."""
    found = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in _documents(path):
            assert doc["kind"] not in found, f"two {doc['kind']} objects"
            found[doc["kind"]] = doc
    return found


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_kubernetes_manifest_is_valid_against_the_api_schema(path):
    for doc in _documents(path):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_kubernetes_validator_rejects_a_broken_deployment():
    broken = copy.deepcopy(_manifests()["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    unknown = copy.deepcopy(_manifests()["Deployment"])
    unknown["spec"]["replica"] = 2  # a typo: strict mode refuses unknown fields
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown, K8S_VERSION, strict=True)


def test_every_kind_a_cluster_needs_is_there():
    assert set(_manifests()) == {
        "ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Secret", "Service",
    }  # fmt: skip


def test_deployment_probes_health_and_takes_the_shared_cookie_secret():
    objects = _manifests()
    container = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": 8501}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": HEALTH, "port": "http"}, probe
    # Liveness must be more patient than readiness: a busy replica is taken out of rotation
    # long before it is restarted (and its students' sessions lost).
    live, ready = container["livenessProbe"], container["readinessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] > (
        ready["periodSeconds"] * ready["failureThreshold"]
    )
    env = {item["name"]: item for item in container["env"]}
    reference = env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]
    secret = objects["Secret"]
    assert reference["name"] == secret["metadata"]["name"]
    assert reference["key"] in secret["stringData"]
    assert container["envFrom"] == [{"configMapRef": {"name": "backprop-lab-settings"}}]


def test_configmap_holds_exactly_the_production_settings():
    assert _manifests()["ConfigMap"]["data"] == production_env()


def test_resources_are_one_core_per_replica_with_memory_headroom():
    container = _manifests()["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    resources = container["resources"]
    assert resources["requests"]["cpu"] == "1"  # one Streamlit process runs on one core
    assert "cpu" not in resources.get("limits", {})  # no throttling mid-click

    def mebibytes(text: str) -> int:
        number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", text).groups()
        return int(number) * (1024 if unit == "Gi" else 1)

    assert mebibytes(resources["limits"]["memory"]) > mebibytes(resources["requests"]["memory"])


def test_service_and_ingress_reach_the_pods_with_sticky_websockets():
    objects = _manifests()
    pod_labels = objects["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = objects["Service"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    ingress = objects["Ingress"]
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == AFFINITY_COOKIE
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600  # a lesson-long WebSocket
    assert int(notes[prefix + "proxy-send-timeout"]) >= 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}


def test_autoscaler_scales_the_deployment_on_cpu_and_scales_down_slowly():
    objects = _manifests()
    hpa = objects["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "name": objects["Deployment"]["metadata"]["name"],
    }  # fmt: skip
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert 0 < metric["resource"]["target"]["averageUtilization"] < 100
    assert hpa["minReplicas"] >= 2
    assert hpa["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 300


def _compose_schema() -> dict:
    schema_file = (
        importlib.resources.files("check_jsonschema")
        / "builtin_schemas"
        / "vendor"
        / "compose-spec.json"
    )
    return json.loads(schema_file.read_text())


def test_compose_file_is_valid_against_the_compose_specification():
    schema = _compose_schema()
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(COMPOSE.read_text()))


def test_the_compose_schema_rejects_a_broken_file():
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["app"]["healtcheck"] = broken["services"]["app"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_compose_schema()).validate(broken)


def test_compose_runs_healthy_replicas_with_one_secret_behind_the_sticky_nginx():
    compose = yaml.safe_load(COMPOSE.read_text())
    app, nginx = compose["services"]["app"], compose["services"]["nginx"]
    assert app["deploy"]["replicas"] >= 2
    assert app["env_file"] == ["production.env"]
    # Required from the environment (`:?`), the same for every replica.
    assert re.fullmatch(r"\$\{STREAMLIT_SERVER_COOKIE_SECRET:\?[^}]+\}",
                        app["environment"]["STREAMLIT_SERVER_COOKIE_SECRET"])  # fmt: skip
    assert any(HEALTH in part for part in app["healthcheck"]["test"])
    assert nginx["depends_on"]["app"]["condition"] == "service_healthy"
    # The nginx configuration is deploy/replicas.py's, with `app` (every replica) upstream;
    # Compose would interpolate `$name`, so nginx's variables are written `$$name`.
    content = compose["configs"]["nginx_conf"]["content"].replace("$$", "$")
    expected = nginx_config(
        [8501], listen="0.0.0.0:8080", prefix="/var/cache/nginx/backprop-lab", upstream_host="app"
    )
    assert content.splitlines()[1:] == expected.splitlines()[1:]
    assert "hash $bpl_affinity consistent;" in content
    assert nginx["configs"][0]["source"] == "nginx_conf"
    assert "/etc/nginx/backprop-lab.conf" in " ".join(nginx["command"])


def test_the_image_holds_every_package_the_app_imports():
    """The Dockerfile copies each first-party package the app imports (lessons/ was once missed)."""
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\S+?)/? ", dockerfile, re.M))
    packages = {
        path.parent.name
        for path in PROJECT_ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    sources = "\n".join(p.read_text() for p in PROJECT_ROOT.glob("app_pages/**/*.py"))
    imported = {
        name for name in packages if re.search(rf"^\s*(from|import) {name}\b", sources, re.M)
    }
    assert imported <= copied, f"not copied into the image: {sorted(imported - copied)}"
    assert "lessons" in imported
