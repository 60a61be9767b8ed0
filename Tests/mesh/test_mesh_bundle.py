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
