"""The mesh test bundle's own policy tests (Tests/mesh/bundle/tests) pass under `portcullis test`."""
import re
import subprocess

from mesh_common import BUNDLE, portcullis_bin


def test_mesh_bundle_policy_tests_pass():
    out = subprocess.run([portcullis_bin(), "test", str(BUNDLE)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    passed = re.search(r"(\d+) passed, 0 failed", out.stdout + out.stderr)
    assert passed and int(passed.group(1)) >= 8, out.stdout


def test_mesh_bundle_lints_clean():
    out = subprocess.run([portcullis_bin(), "lint", str(BUNDLE)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "0 errors" in out.stdout + out.stderr, out.stdout + out.stderr


def test_portcullis_policies_in_the_migration_guide_compile(tmp_path):
    """Every Portcullis policy shown in docs/migration.md loads in a bundle (docs cannot drift)."""
    import yaml
    from mesh_common import ROOT
    text = (ROOT / "docs" / "migration.md").read_text()
    policies = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        docs = list(yaml.safe_load_all(block))
        if len(docs) == 1 and isinstance(docs[0], dict) and "rules" in docs[0] and "apiVersion" not in docs[0]:
            policies.append(block)
    assert len(policies) >= 2
    (tmp_path / "manifest.yaml").write_text("name: migration-examples\nrevision: '1'\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tenants.yaml").write_text("active: [acme, globex]\n")
    for i, policy in enumerate(policies):
        (tmp_path / f"example-{i}.yaml").write_text(policy)
    out = subprocess.run([portcullis_bin(), "lint", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
