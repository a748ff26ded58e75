"""What ships: the dependency locks agree with pyproject.toml, and the image is labelled with its version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import monitor

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$")


def pins(lock: Path) -> dict[str, str]:
    """Each pinned package of a pip-compile lock, after checking that it carries at least one hash."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    found = {}
    for number, line in enumerate(lines):
        if m := PIN.match(line):
            assert lines[number + 1].strip().startswith("--hash=sha256:"), f"{lock.name}: {line} has no hash"
            found[canonicalize_name(m.group(1))] = m.group(2)
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        ("requirements-test.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]),
    ],
)
def test_each_lock_pins_every_declared_dependency_within_its_range(
    lock: str, requirements: list[str]
) -> None:
    pinned = pins(ROOT / lock)
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} lacks {name}: refresh it (README: refreshing the locks)"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock}: {name} {pinned[name]}"
        )


def test_the_image_is_labelled_with_the_package_version() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    (default,) = re.findall(r"^ARG VERSION=(\S+)$", dockerfile, flags=re.MULTILINE)
    assert default == PROJECT["version"] == monitor.__version__
    assert 'org.opencontainers.image.version="${VERSION}"' in dockerfile
    assert "--require-hashes" in dockerfile and "COPY requirements.lock" in dockerfile
