"""Generated rule bundles (the benchmark's 10,000-rule case)."""
from pathlib import Path


def write_rules_bundle(directory: Path, rules: int):
    """One policy (default deny) with `rules` allow rules, each for one caller and one path
    prefix. Only the last rule matches the benchmark's request (the storefront reading
    /v1/orders/...), so a decision must find it among all the others."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.yaml").write_text(f"name: generated-{rules}\nrevision: r1\n")
    lines = ["name: generated", "default: deny", "rules:"]
    for i in range(rules):
        if i == rules - 1:
            principal, path = "spiffe://cluster.local/ns/shop/sa/storefront", "/v1/orders/*"
        else:
            principal, path = f"spiffe://cluster.local/ns/ns{i % 500}/sa/sa{i}", f"/svc{i}/items/*"
        lines += [
            f"  - name: r{i}",
            "    action: allow",
            f"    from: [{{principals: [\"{principal}\"]}}]",
            f"    to: [{{methods: [GET, POST], paths: [\"{path}\"]}}]",
        ]
    (directory / "policies.yaml").write_text("\n".join(lines) + "\n")
