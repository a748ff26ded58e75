"""What ships: the dependency locks agree with pyproject.toml, the image is labelled with its version, and
of the source tree it holds only the wheel built from the package's own files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
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


def test_ci_installs_the_hash_checked_test_lock() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes -r requirements-test\.lock", ci)


# -- the build context --------------------------------------------------------------------------------------


def dockerignore_rule(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: `**` any depth, `*` and `?` within one path segment."""
    parts = re.split(r"(\*\*/?|\*|\?)", pattern.strip("/"))
    glob = {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(glob.get(part, re.escape(part)) for part in parts))


def in_build_context(path: str) -> bool:
    """Whether .dockerignore lets `path` in: the last pattern that matches it or a folder above it wins."""
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    parts = path.split("/")
    candidates = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    included = True
    for pattern in patterns:
        rule = dockerignore_rule(pattern.removeprefix("!"))
        if any(rule.fullmatch(candidate) for candidate in candidates):
            included = pattern.startswith("!")
    return included


def test_every_package_file_enters_the_build_context() -> None:
    shipped = subprocess.run(
        ["git", "ls-files", "monitor", "pyproject.toml", "requirements.lock"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    package = [path for path in shipped if not path.endswith(".md") or path == "README.md"]
    assert len(package) > 100
    assert [path for path in package if not in_build_context(path)] == []


@pytest.mark.parametrize(
    "stray",
    [
        "monitor/notes.txt",
        "monitor/monitor.db",
        "monitor/user.session",
        # pyproject.toml packages every *.toml under monitor/, so this one must stay out of the context
        "monitor/x.toml",
        # what `monitor sandbox --write-config monitor/sandbox/try.toml --record-posts ...` leaves behind
        "monitor/sandbox/try.toml",
        "monitor/sandbox/try.sandbox_key.pem",
        "monitor/sandbox/posts.jsonl",
        "monitor/store/dump.json",
        "monitor/store/migrations/scratch.sql.bak",
        "tests/data/samples/td_export.json",
        "deploy/secrets/api_hash",
    ],
)
def test_stray_files_stay_out_of_the_build_context(stray: str) -> None:
    assert not in_build_context(stray)


def tracked(*paths: str) -> list[str]:
    """The files git tracks under `paths`."""
    listed = subprocess.run(
        ["git", "ls-files", *paths], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return listed.split()


def test_the_wheel_built_from_the_build_context_holds_the_package_files_and_no_stray_one(
    tmp_path: Path,
) -> None:
    """What the image takes from the source tree is this wheel. A stray file without a dot in its name
    gets into the build context (.dockerignore cannot tell it from a source file), so the wheel is what
    keeps it out: it packages the modules and the data files pyproject.toml names, nothing else."""
    strays = ["monitor/user_session", "monitor/store/api_hash", "monitor/sandbox/token", "monitor/x.toml"]
    context = tmp_path / "context"
    for path in [*tracked("pyproject.toml", "README.md", "monitor"), *strays]:
        if in_build_context(path):
            (context / path).parent.mkdir(parents=True, exist_ok=True)
            source = ROOT / path
            if source.is_file():
                shutil.copy(source, context / path)
            else:
                (context / path).write_text("not for the image\n", encoding="utf-8")
    assert (context / "monitor" / "user_session").is_file()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            "dist",
            ".",
        ],
        cwd=context,
        capture_output=True,
        check=True,
    )
    (wheel,) = (context / "dist").glob("monitor-*.whl")
    packaged = {name for name in zipfile.ZipFile(wheel).namelist() if not name.startswith("monitor-")}
    package = {path for path in tracked("monitor") if in_build_context(path)}
    assert packaged == package


# -- the Dockerfile's stages --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Stage:
    """One FROM of the Dockerfile: the image or stage it starts from and its instructions."""

    base: str
    instructions: list[str]


def dockerfile_stages() -> dict[str, Stage]:
    """The Dockerfile's stages in order, by name (`#N` for an unnamed one), each instruction on one line."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    stages: dict[str, Stage] = {}
    for instruction in re.sub(r"\\\n\s*", " ", lines).splitlines():
        words = instruction.split()
        if words and words[0] == "FROM":
            name = words[3] if len(words) == 4 and words[2].upper() == "AS" else f"#{len(stages)}"
            stages[name] = Stage(words[1], [])
        elif words and stages:
            stages[next(reversed(stages))].instructions.append(" ".join(words))
    return stages


def image_lineage(stages: dict[str, Stage]) -> list[Stage]:
    """The last stage (the image) and every stage it grows from."""
    stage = stages[next(reversed(stages))]
    lineage = [stage]
    while stage.base in stages:
        stage = stages[stage.base]
        lineage.append(stage)
    return lineage


def test_the_image_takes_nothing_of_the_source_tree_but_the_wheel_the_build_stage_made() -> None:
    """A stray file in the build context may reach the build stage, never the image: the image and the
    stages it grows from copy the dependency lock from the context and the wheel from the build stage."""
    stages = dockerfile_stages()
    assert "build" in stages, "no build stage: the image is made from the source tree itself"
    lineage = image_lineage(stages)
    assert stages["build"] not in lineage
    assert any(
        re.fullmatch(r"RUN python3 -m pip wheel --no-deps --wheel-dir /wheel \.", line)
        for line in stages["build"].instructions
    )
    instructions = [line for stage in reversed(lineage) for line in stage.instructions]
    copies = [line for line in instructions if line.startswith(("COPY", "ADD"))]
    assert copies == ["COPY requirements.lock /tmp/", "COPY --from=build /wheel/ /tmp/wheel/"]
    assert any(
        re.match(r"RUN python3 -m pip install --no-deps .*/tmp/wheel/monitor-\*\.whl", line)
        for line in instructions
    )
