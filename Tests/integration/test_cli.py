"""The command line a policy author uses: eval, check, test and lint, with their exit codes."""
import json
import shutil
import subprocess

from conftest import ROOT, portcullis_bin

EXAMPLE_REQUEST = ROOT / "docs" / "examples" / "check-request.json"


def run(*args, stdin=None):
    return subprocess.run([portcullis_bin(), *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_eval_prints_cel_literals():
    cases = {
        "1 + 2": "3",
        "1u": "1u",
        "1.0": "1.0",
        'b"\\x00"': 'b"\\x00"',
        '"s" + "t"': '"st"',
        "[1, 2]": "[1, 2]",
        '{"a": true}': '{"a": true}',
        "null": "null",
        'duration("1s")': 'duration("1s")',
    }
    for expr, want in cases.items():
        r = run("eval", expr)
        assert r.returncode == 0, (expr, r.stderr)
        assert r.stdout.strip() == want, expr


def test_eval_binds_variables_and_input(tmp_path):
    r = run("eval", 'request.path.startsWith("/v1") && "acme" in tenants',
            "--var", 'request={"path":"/v1/orders"}', "--var", 'tenants=["acme"]')
    assert (r.returncode, r.stdout.strip()) == (0, "true"), r.stderr
    doc = tmp_path / "input.json"
    doc.write_text(json.dumps({"jwt": {"claims": {"role": "admin"}}}))
    r = run("eval", 'jwt.claims.role in ["admin", "ops"]', "--input", str(doc))
    assert (r.returncode, r.stdout.strip()) == (0, "true"), r.stderr


def test_eval_exit_codes_and_positions():
    r = run("eval", "1 / 0")
    assert r.returncode == 1, r.stdout
    assert "1:3: divide by zero" in r.stderr and "^" in r.stderr, r.stderr
    r = run("eval", "1 +\n  (2")
    assert r.returncode == 2
    out = r.stdout + r.stderr
    assert "2:" in out and "^" in out, out
    r = run("eval", "nosuchvariable == 1")
    assert r.returncode == 2, r.stdout + r.stderr


def test_check_allows_and_explains():
    r = run("check", "--bundle", str(ROOT / "policies"), "--input", str(EXAMPLE_REQUEST))
    assert r.returncode == 0, r.stdout + r.stderr
    decision = json.loads(r.stdout)
    assert decision["allowed"] is True
    assert decision["headers"] == {"x-tenant-plan": "gold"}
    assert decision["policy"] == "orders-api"
    r = run("check", "--bundle", str(ROOT / "policies"), "--input", str(EXAMPLE_REQUEST), "--explain")
    assert r.returncode == 0
    assert "orders-api/create-order" in r.stdout + r.stderr


def test_check_denies_with_exit_1_and_refuses_bad_input(tmp_path):
    request = json.loads(EXAMPLE_REQUEST.read_text())
    request["attributes"]["source"]["principal"] = "spiffe://cluster.local/ns/shop/sa/intruder"
    denied = tmp_path / "denied.json"
    denied.write_text(json.dumps(request))
    r = run("check", "--bundle", str(ROOT / "policies"), "--input", str(denied))
    assert r.returncode == 1, r.stdout + r.stderr
    assert json.loads(r.stdout)["allowed"] is False
    broken = tmp_path / "broken.json"
    broken.write_text('{"attributes": ')
    r = run("check", "--bundle", str(ROOT / "policies"), "--input", str(broken))
    assert r.returncode == 2


def test_test_and_lint_on_the_example_bundle():
    r = run("test", str(ROOT / "policies"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1].endswith("0 failed")
    r = run("lint", str(ROOT / "policies"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_lint_stats_reports_the_compiled_bundles_heap(tmp_path):
    import re
    from bundle_gen import write_rules_bundle
    sizes = {}
    for n in (10, 1000):
        write_rules_bundle(tmp_path / str(n), n)
        r = run("lint", "--stats", str(tmp_path / str(n)))
        assert r.returncode == 0, r.stdout + r.stderr
        m = re.search(r"compiled: (\d+) rules, loaded in \d+ ms, retains (\d+) bytes", r.stdout)
        assert m, r.stdout
        assert int(m.group(1)) == n
        sizes[n] = int(m.group(2))
    # The figure is the bundle's own: it grows with the rules (a few hundred bytes to a few KB a rule).
    assert 0 < sizes[10] < sizes[1000]
    assert 100 * 1000 < sizes[1000] < 20 * 1000 * 1000


def test_a_failing_policy_test_and_a_broken_bundle_exit_non_zero(tmp_path):
    bundle = tmp_path / "b"
    shutil.copytree(ROOT / "policies", bundle)
    tests = bundle / "tests" / "storefront.yaml"
    text = tests.read_text()
    # Flip one expectation: the run must report one failure and exit 1.
    assert "allow: true" in text
    tests.write_text(text.replace("allow: true", "allow: false", 1))
    r = run("test", str(bundle))
    assert r.returncode == 1
    assert r.stdout.strip().splitlines()[-1].endswith("1 failed")
    (bundle / "broken.yaml").write_text("name: broken\nrules:\n  - action: allow\n    when: ['request.method ==']\n")
    r = run("lint", str(bundle))
    assert r.returncode == 1
    assert "broken.yaml:4:" in r.stdout + r.stderr
    r = run("check", "--bundle", str(bundle), "--input", str(EXAMPLE_REQUEST))
    assert r.returncode == 2


def test_apikey_hash_is_sha256_hex():
    import hashlib
    r = run("apikey", "hash", "s3cr3t-key")
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(b"s3cr3t-key").hexdigest() in r.stdout
