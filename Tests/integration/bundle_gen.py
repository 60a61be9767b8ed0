"""Generated rule bundles (for the benchmark's 10,000-rule case)."""
from pathlib import Path


def write_rules_bundle(directory: Path, rules: int):
    raise NotImplementedError("waiting for the policy language")
