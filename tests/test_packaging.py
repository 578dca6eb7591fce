"""Packaging: one version, and the built wheel installs and runs the demo in a clean venv.

The wheel test is part of "done" and runs in CI: it builds the wheel from the source tree
(with the hatchling at hand, else in pip's isolated build environment), creates a fresh
virtual environment without pip, installs the wheel into it (with pip's ``--python``; attrs and
python-dateutil come from the package index, as in CI) and runs ``formation --version`` and
``formation demo`` from it. About 10-30 s.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

import formation
from formation.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_written_once_and_read_by_the_build() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "src/formation/__init__.py"' in pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+", formation.__version__)
    assert importlib.metadata.version("formation") == formation.__version__


def test_formation_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"formation {formation.__version__}"


def test_the_metadata_carries_the_long_description_licence_and_classifiers() -> None:
    metadata = importlib.metadata.metadata("formation")
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert (metadata.get_payload() or "").startswith("# formation\n")  # the README
    classifiers = metadata.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.10" in classifiers
    runtime = sorted(r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r)
    assert runtime == ["attrs>=23.1", "python-dateutil>=2.8.2"]  # the design card


@pytest.mark.packaging
def test_the_built_wheel_installs_in_a_fresh_venv_and_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # Without hatchling at hand (a venv made by the README's command), pip fetches it into an
    # isolated build environment, as for any install from source.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", *isolation, "--quiet",
         "--wheel-dir", str(dist)],
        capture_output=True, text=True, timeout=240)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list(dist.glob("formation-*.whl"))
    assert [w.name for w in wheels] == [f"formation-{formation.__version__}-py3-none-any.whl"]
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(f"formation-{formation.__version__}.dist-info/METADATA").decode()
    assert "formation/data/mcf_sample.csv" in names and "formation/py.typed" in names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert metadata.split("\n\n", 1)[1].strip() == readme.strip()  # the long description
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False, symlinks=sys.platform != "win32")
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = next(p for p in (bin_dir / "python", bin_dir / "python.exe") if p.exists())
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--disable-pip-version-check", str(wheels[0])],
        capture_output=True, text=True, timeout=240)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = bin_dir / "formation"
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.stdout.strip() == f"formation {formation.__version__}"
    demo = subprocess.run([str(command), "demo", "--lang", "en"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "1. The rights earned since 2015" in demo.stdout
    assert "Final balance: rights 3 315,07 €" in demo.stdout
    # the installed package is the wheel's, not the source tree's
    where = subprocess.run([str(python), "-c", "import formation; print(formation.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert str(env_dir) in where.stdout
