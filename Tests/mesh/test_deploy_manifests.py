"""deploy/ must parse, be well-formed for its kinds, and agree with the binary it deploys.

Every YAML document under deploy/ is parsed; each manifest's apiVersion/kind is known and its
required fields are present; kustomizations name files that exist; the ports, paths, flags and
environment variables the manifests use are the ones `portcullis serve` accepts; the Dockerfile
builds the product Package.swift declares and installs the libraries the binary loads.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mesh_common import BUNDLE, DEPLOY, ROOT, Portcullis, free_port, http_get, portcullis_bin, wait_until

# (apiVersion, kind) -> dotted paths that must be present and non-empty.
KNOWN_KINDS = {
    ("install.istio.io/v1alpha1", "IstioOperator"): ["metadata.name", "spec"],
    ("networking.istio.io/v1", "ServiceEntry"): ["metadata.name", "spec.hosts", "spec.ports", "spec.resolution"],
    ("security.istio.io/v1", "AuthorizationPolicy"): ["metadata.name", "spec.action"],
    ("v1", "ConfigMap"): ["metadata.name"],
    ("v1", "Secret"): ["metadata.name"],
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): [],
}
K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def yaml_files():
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


def all_docs():
    out = []
    for path in yaml_files():
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                out.append((path, doc))
    return out


def dig(doc, dotted):
    cur = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def docs_of_kind(kind):
    return [(p, d) for p, d in all_docs() if d.get("kind") == kind]


def one(kind, name=None):
    found = [d for _, d in docs_of_kind(kind) if name is None or dig(d, "metadata.name") == name]
    assert len(found) == 1, f"expected one {kind} {name or ''} in deploy/, found {len(found)}"
    return found[0]


def injection_pod():
    """The pod fragment of the custom injection template (a YAML string inside the IstioOperator)."""
    templates = [dig(d, "spec.values.sidecarInjectorWebhook.templates") for _, d in docs_of_kind("IstioOperator")]
    templates = [t for t in templates if t]
    assert len(templates) == 1, "one IstioOperator must carry sidecarInjectorWebhook.templates"
    assert set(templates[0]) == {"portcullis"}
    pod = yaml.safe_load(templates[0]["portcullis"])
    assert isinstance(pod, dict) and "spec" in pod
    return pod


def portcullis_container():
    containers = injection_pod()["spec"]["containers"]
    assert [c["name"] for c in containers] == ["portcullis"]
    return containers[0]


def extension_provider():
    providers = [dig(d, "spec.meshConfig.extensionProviders") for _, d in docs_of_kind("IstioOperator")]
    providers = [p for ps in providers if ps for p in ps]
    assert len(providers) == 1
    return providers[0]


def flag_value(args, flag):
    values = [a.split("=", 1)[1] for a in args if a.startswith(flag + "=")]
    values += [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]
    assert len(values) == 1, f"{flag} must be given once in {args}"
    return values[0]


def host_port(address):
    host, port = address.rsplit(":", 1)
    return host.strip("[]"), int(port)


def kustomizations():
    return sorted(DEPLOY.rglob("kustomization.yaml"))


def generated_literals(name):
    """KEY=VALUE literals of the configMapGenerator `name`, per overlay directory."""
    out = {}
    for path in kustomizations():
        k = yaml.safe_load(path.read_text())
        for gen in k.get("configMapGenerator") or []:
            if gen["name"] == name:
                out[path.parent.name] = dict(lit.split("=", 1) for lit in gen.get("literals") or [])
    return out


def env_to_flag(name):
    assert name.startswith("PORTCULLIS_"), name
    return "--" + name[len("PORTCULLIS_"):].lower().replace("_", "-")


# ---------------------------------------------------------------- parsing and required fields

def test_every_yaml_document_parses_and_has_a_known_kind_and_its_required_fields():
    docs = all_docs()
    assert len(yaml_files()) >= 8 and len(docs) >= 8
    for path, doc in docs:
        where = path.relative_to(ROOT)
        assert isinstance(doc, dict), f"{where}: a document must be a mapping"
        key = (doc.get("apiVersion"), doc.get("kind"))
        assert key in KNOWN_KINDS, f"{where}: unknown apiVersion/kind {key}"
        for field in KNOWN_KINDS[key]:
            assert dig(doc, field) not in (None, "", [], {}), f"{where}: {key[1]} needs {field}"
        name = dig(doc, "metadata.name")
        if key[1] != "Kustomization":
            assert K8S_NAME.match(name) and len(name) <= 253, f"{where}: bad metadata.name {name!r}"


def test_kustomizations_reference_files_that_exist_and_cover_every_namespaced_manifest():
    referenced = set()
    for path in kustomizations():
        k = yaml.safe_load(path.read_text())
        assert k.get("resources"), f"{path}: no resources"
        for res in k["resources"]:
            target = (path.parent / res).resolve()
            assert target.exists(), f"{path}: resource {res} does not exist"
            if target.is_dir():
                assert (target / "kustomization.yaml").is_file(), f"{path}: {res} is not a kustomization"
            else:
                referenced.add(target)
                assert list(yaml.safe_load_all(target.read_text())), f"{res} is empty"
        for gen in (k.get("configMapGenerator") or []) + (k.get("secretGenerator") or []):
            assert gen.get("name")
            for f in gen.get("files") or []:
                assert (path.parent / f.split("=", 1)[-1]).is_file(), f"{path}: generator file {f} missing"
            for lit in gen.get("literals") or []:
                assert re.match(r"^[A-Z_][A-Z0-9_]*=.+$", lit), f"{path}: bad literal {lit!r}"
    # Every namespaced manifest is applied by some kustomization; mesh-wide IstioOperator
    # files are the only ones installed by istioctl instead.
    for path, doc in all_docs():
        if doc["kind"] not in ("Kustomization", "IstioOperator"):
            assert path.resolve() in referenced, f"{path.relative_to(ROOT)} is not in any kustomization"
    for overlay in (DEPLOY / "overlays").iterdir():
        assert "../../base" in yaml.safe_load((overlay / "kustomization.yaml").read_text())["resources"]


def test_istio_resources_are_well_formed():
    se = one("ServiceEntry")["spec"]
    assert se["resolution"] in ("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN")
    for port in se["ports"]:
        assert 1 <= port["number"] <= 65535 and port["name"]
        assert port["protocol"] in ("HTTP", "HTTPS", "GRPC", "HTTP2", "MONGO", "TCP", "TLS")
    assert se["resolution"] != "STATIC" or se.get("endpoints"), "STATIC resolution needs endpoints"
    for _, ap in docs_of_kind("AuthorizationPolicy"):
        spec = ap["spec"]
        assert spec["action"] in ("ALLOW", "DENY", "AUDIT", "CUSTOM")
        if spec["action"] == "CUSTOM":
            assert dig(spec, "provider.name"), "CUSTOM needs provider.name"
        assert spec.get("rules"), "a CUSTOM policy without rules sends nothing to the provider"
        for rule in spec["rules"]:
            assert set(rule) <= {"from", "to", "when"}
            for entry in rule.get("to") or []:
                assert set(entry) == {"operation"}
                for key, value in entry["operation"].items():
                    assert key in ("hosts", "notHosts", "ports", "notPorts", "methods", "notMethods",
                                   "paths", "notPaths") and value, key


# ---------------------------------------------------------------- the pieces agree with each other

def test_extension_provider_reaches_the_sidecar_through_the_service_entry():
    provider = extension_provider()
    grpc = provider["envoyExtAuthzGrpc"]
    se = one("ServiceEntry")["spec"]
    assert grpc["service"] in se["hosts"]
    assert grpc["port"] in [p["number"] for p in se["ports"] if p["protocol"] == "GRPC"]
    assert [e["address"] for e in se["endpoints"]] == ["127.0.0.1"]
    # The container listens where the ServiceEntry points, and only on loopback.
    listen_host, listen_port = host_port(flag_value(portcullis_container()["args"], "--listen"))
    assert (listen_host, listen_port) == ("127.0.0.1", grpc["port"])
    # The provider fails closed, with a bounded timeout and a real HTTP status on error.
    assert grpc["failOpen"] is False
    assert re.fullmatch(r"\d+(\.\d+)?(ms|s)", grpc["timeout"])
    seconds = float(re.sub(r"(ms|s)$", "", grpc["timeout"])) / (1000 if grpc["timeout"].endswith("ms") else 1)
    assert 0 < seconds <= 5
    assert isinstance(grpc["statusOnError"], str) and 400 <= int(grpc["statusOnError"]) <= 599
    body = grpc["includeRequestBodyInCheck"]
    assert body["maxRequestBytes"] > 0 and isinstance(body["allowPartialMessage"], bool)
    # Every CUSTOM policy names this provider.
    for _, ap in docs_of_kind("AuthorizationPolicy"):
        if ap["spec"]["action"] == "CUSTOM":
            assert ap["spec"]["provider"]["name"] == provider["name"]


def test_injected_container_is_locked_down_and_probed_on_the_admin_endpoint():
    pod = injection_pod()
    c = portcullis_container()
    assert c["args"][0] == "serve"
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["runAsNonRoot"] is True
    assert sc["runAsUser"] > 0 and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    admin_host, admin_port = host_port(flag_value(c["args"], "--admin"))
    assert [p["containerPort"] for p in c["ports"]] == [admin_port]
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": admin_port}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": admin_port}
    # The kubelet probes the pod address, so the admin endpoint cannot be loopback-only.
    assert admin_host in ("0.0.0.0", "::", "")
    # Requests sized for a sidecar (docs/BENCHMARKS.md: ~20 MB RSS), with a memory limit above them.
    res = c["resources"]
    mem = {k: int(v[:-2]) for k, v in (("req", res["requests"]["memory"]), ("lim", res["limits"]["memory"]))}
    assert all(res["requests"][k].endswith(("m", "Mi")) for k in ("cpu", "memory"))
    assert 24 <= mem["req"] <= mem["lim"] <= 512
    assert int(res["requests"]["cpu"].rstrip("m")) <= 250
    # Every mount has a volume; the only writable mount is --persist-dir.
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    writable = [m["mountPath"] for m in c["volumeMounts"] if not m.get("readOnly")]
    assert all(m["name"] in volumes for m in c["volumeMounts"])
    assert writable == [flag_value(c["args"], "--persist-dir")]
    # The label the example AuthorizationPolicy selects is the one the template sets.
    labels = pod["metadata"]["labels"]
    for _, ap in docs_of_kind("AuthorizationPolicy"):
        for k, v in ap["spec"]["selector"]["matchLabels"].items():
            assert labels.get(k) == v


def mebibytes(quantity):
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|M|G)", quantity)
    assert m, f"unsupported memory quantity {quantity!r}"
    return float(m.group(1)) * units[m.group(2)]


def test_memory_request_and_limit_cover_the_measured_rss():
    """docs/BENCHMARKS.md's server table (scripts/bench_server.py) gives RSS idle and peak per bundle."""
    bench = ROOT / "docs" / "BENCHMARKS.md"
    if not bench.is_file():
        pytest.skip("docs/BENCHMARKS.md not written yet")
    peaks = {}
    for table in re.findall(r"(?m)^\|[^\n]*RSS peak[^\n]*\|\n(?:\|[^\n]*\n)+", bench.read_text()):
        rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.strip().splitlines()]
        col = rows[0].index("RSS peak")
        for row in rows[2:]:
            m = re.fullmatch(r"(\d+(?:\.\d+)?) MB", row[col]) if len(row) > col else None
            if m:
                peaks[row[0]] = float(m.group(1))
    if not peaks:
        pytest.skip("docs/BENCHMARKS.md has no server RSS table yet")
    res = portcullis_container()["resources"]
    request, limit = mebibytes(res["requests"]["memory"]), mebibytes(res["limits"]["memory"])
    example = peaks.get("example", max(peaks.values()))
    assert request >= example, f"memory request {request} MiB below the example bundle's peak {example} MB"
    assert limit >= 2 * max(peaks.values()), f"memory limit {limit} MiB leaves no headroom over {peaks}"


def test_overlays_fill_what_the_injection_template_mounts():
    pod = injection_pod()
    c = portcullis_container()
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    config_name = c["envFrom"][0]["configMapRef"]["name"]
    literals = generated_literals(config_name)
    assert set(literals) == {"configmap-bundle", "url-bundle"}
    # ConfigMap bundle: the ConfigMap the template mounts exists, and PORTCULLIS_BUNDLE is its mount.
    bundle_volume = next(n for n, v in volumes.items() if "configMap" in v)
    one("ConfigMap", volumes[bundle_volume]["configMap"]["name"])
    assert literals["configmap-bundle"]["PORTCULLIS_BUNDLE"] == mounts[bundle_volume]
    # URL bundle: an https URL, and a verification key inside the mounted Secret.
    url = literals["url-bundle"]
    assert url["PORTCULLIS_BUNDLE"].startswith("https://")
    key_volume = next(n for n, v in volumes.items() if "secret" in v)
    key_path = Path(url["PORTCULLIS_VERIFICATION_KEY"])
    assert str(key_path.parent) == mounts[key_volume]
    secret = yaml.safe_load((DEPLOY / "overlays/url-bundle/kustomization.yaml").read_text())["secretGenerator"][0]
    assert secret["name"] == volumes[key_volume]["secret"]["secretName"]
    assert key_path.name in secret["files"]
    pem = (DEPLOY / "overlays/url-bundle" / key_path.name).read_text()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----") and "PRIVATE" not in pem


# ---------------------------------------------------------------- the manifests agree with the binary

def serve_help():
    out = subprocess.run([portcullis_bin(), "serve", "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout + out.stderr


def flags_used_in_deploy():
    """(flag, where) for every `--flag` in container args, the Dockerfile and PORTCULLIS_* settings."""
    used = []
    for arg in portcullis_container()["args"][1:]:
        assert arg.startswith("--"), f"unexpected argument {arg!r}"
        used.append((arg.split("=", 1)[0], "injection template"))
    cmd = json_array(dockerfile_instruction("CMD"))
    assert cmd[0] == "serve"
    used += [(a.split("=", 1)[0], "Dockerfile CMD") for a in cmd[1:] if a.startswith("--")]
    for overlay, lits in generated_literals(portcullis_container()["envFrom"][0]["configMapRef"]["name"]).items():
        used += [(env_to_flag(name), f"{overlay} {name}") for name in lits]
    return used


def test_every_flag_and_environment_variable_in_deploy_is_one_serve_accepts():
    help_text = serve_help()
    accepted = set(re.findall(r"--[a-z][a-z0-9-]*", help_text))
    assert "--bundle" in accepted and "--listen" in accepted
    missing = sorted({f"{flag} ({where})" for flag, where in flags_used_in_deploy() if flag not in accepted})
    assert not missing, "deploy/ uses options `portcullis serve --help` does not list: " + ", ".join(missing)


def test_serve_takes_its_bundle_from_PORTCULLIS_BUNDLE(tmp_path):
    # The overlays configure the container only through PORTCULLIS_* variables.
    server = Portcullis([], env={"PORTCULLIS_BUNDLE": str(BUNDLE)})
    try:
        assert server.port > 0
    finally:
        server.stop()


def test_admin_endpoint_serves_the_probe_paths_the_template_uses():
    c = portcullis_container()
    port = free_port()
    server = Portcullis(["--bundle", str(BUNDLE), "--admin", f"127.0.0.1:{port}"])
    try:
        for probe in ("livenessProbe", "readinessProbe"):
            path = c[probe]["httpGet"]["path"]
            status = wait_until(lambda: http_get(f"http://127.0.0.1:{port}{path}")[0] == 200, timeout=10)
            assert status, f"{probe} {path} did not answer 200 on the admin endpoint:\n{server.log}"
        assert http_get(f"http://127.0.0.1:{port}/no-such-path")[0] == 404
    finally:
        server.stop()


def configmap_bundle_files():
    cm = one("ConfigMap", "portcullis-bundle")
    assert "manifest.yaml" in cm["data"]
    return cm["data"]


def test_configmap_bundle_is_a_valid_bundle(tmp_path):
    for name, text in configmap_bundle_files().items():
        assert "/" not in name
        (tmp_path / name).write_text(text)
    out = subprocess.run([portcullis_bin(), "lint", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr


def test_configmap_bundle_loads_from_the_kubelet_volume_layout(tmp_path):
    # The kubelet mounts a ConfigMap as links: name -> ..data/name, ..data -> ..<timestamp>/.
    volume = tmp_path / "bundle"
    stamp = volume / "..2026_11_22_08_00_00.000000001"
    stamp.mkdir(parents=True)
    for name, text in configmap_bundle_files().items():
        (stamp / name).write_text(text)
        (volume / name).symlink_to(Path("..data") / name)
    (volume / "..data").symlink_to(stamp.name)
    server = Portcullis(["--bundle", str(volume)])
    server.stop()


# ---------------------------------------------------------------- the Dockerfile

def dockerfile():
    return (DEPLOY / "Dockerfile").read_text()


def dockerfile_instruction(name, stage=-1):
    stages = re.split(r"(?m)^FROM ", dockerfile())[1:]
    text = re.sub(r"\\\n", " ", stages[stage])
    found = [line.split(None, 1)[1] for line in text.splitlines() if line.split(None, 1)[:1] == [name]]
    assert found, f"no {name} in the Dockerfile's stage {stage}"
    return found[-1]


def json_array(text):
    import json
    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def test_dockerfile_builds_the_declared_product_in_two_stages():
    text = dockerfile()
    froms = re.findall(r"(?m)^FROM (\S+)(?: AS (\S+))?", text)
    assert len(froms) == 2, "multi-stage: a build stage and a runtime stage"
    (build_image, build_name), (runtime_image, _) = froms
    assert build_image.startswith("swift:") and build_name
    assert runtime_image.endswith("-slim")
    assert f"--from={build_name}" in text
    package = (ROOT / "Package.swift").read_text()
    products = re.findall(r'\.executable\(\s*name:\s*"([^"]+)"', package)
    assert products == ["portcullis"]
    build = re.search(r"swift build ([^&\n]*)", text).group(1)
    assert "-c release" in build and f"--product {products[0]}" in build and "--static-swift-stdlib" in build
    # The image's Swift is the toolchain the package is tested with (major.minor).
    version = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout
    local = re.search(r"Swift version (\d+\.\d+)", version).group(1)
    assert build_image.split(":", 1)[1].startswith(local + "-"), f"{build_image} vs local Swift {local}"
    tools = re.search(r"swift-tools-version:\s*(\d+\.\d+)", package).group(1)
    assert tuple(map(int, tools.split("."))) <= tuple(map(int, local.split(".")))
    # Every directory the build copies exists, and every non-test target's sources are copied.
    copied = re.findall(r"(?m)^COPY (?!--)(\S+)", text)
    for src in copied:
        assert (ROOT / src).exists(), f"COPY {src}: not in the repository"
    for path in re.findall(r'path:\s*"([^"]+)"', package):
        assert any(path == c or path.startswith(c.rstrip("/") + "/") for c in copied), f"{path} is not copied"
    entry = json_array(dockerfile_instruction("ENTRYPOINT"))
    assert entry == ["/usr/local/bin/portcullis"] and f"/out/{products[0]}" in text


def test_dockerfile_runtime_runs_as_the_templates_user_and_exposes_its_ports():
    user = dockerfile_instruction("USER")
    c = portcullis_container()
    assert user == f"{c['securityContext']['runAsUser']}:{c['securityContext']['runAsGroup']}"
    exposed = {int(p) for p in dockerfile_instruction("EXPOSE").split()}
    grpc_port = host_port(flag_value(c["args"], "--listen"))[1]
    admin_port = host_port(flag_value(c["args"], "--admin"))[1]
    assert exposed == {grpc_port, admin_port}


def _depends_closure(packages):
    seen, todo = set(), list(packages)
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        seen.add(pkg)
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Depends},${Pre-Depends}", pkg],
                             capture_output=True, text=True)
        for alt in out.stdout.split(","):
            name = alt.split("|")[0].strip().split(" ")[0].split(":")[0]
            if name:
                todo.append(name)
    return seen


@pytest.mark.skipif(shutil.which("ldd") is None or shutil.which("dpkg-query") is None, reason="needs ldd and dpkg")
def test_dockerfile_runtime_installs_every_shared_library_the_binary_loads():
    runtime_install = re.search(r"apt-get install -y --no-install-recommends ([^&]*)",
                                dockerfile_instruction("RUN")).group(1).split()
    # What debian:bookworm-slim already has (its Essential/required set).
    base = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g", "libzstd1", "liblzma5", "libbz2-1.0",
            "libselinux1", "libpcre2-8-0", "libcrypt1", "libgmp10", "libacl1", "libattr1"}
    provided = _depends_closure(runtime_install) | base
    ldd = subprocess.run(["ldd", portcullis_bin()], capture_output=True, text=True, timeout=30).stdout
    swift_root = Path(shutil.which("swift")).resolve().parents[1]
    missing = []
    for m in re.finditer(r"=>\s+(/\S+)", ldd):
        lib = Path(m.group(1)).resolve()
        if str(lib).startswith(str(swift_root)):
            continue  # the Swift runtime: linked statically in the image (--static-swift-stdlib)
        owner = subprocess.run(["dpkg", "-S", str(lib)], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", m.group(1)], capture_output=True, text=True)
        assert owner.returncode == 0, f"{lib}: no Debian package owns it"
        pkg = owner.stdout.split(":")[0]
        if pkg not in provided:
            missing.append(f"{lib.name} ({pkg})")
    assert not missing, "the runtime image lacks: " + ", ".join(missing)
    assert "libgrpc29" in runtime_install and "libprotobuf-c1" in runtime_install
