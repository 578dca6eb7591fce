"""The layers point down: core → ports → services → adapters → CLI, and the core has no clock.

The imports of every module are parsed with ``ast``; a core module that imports a service, an
adapter, the CLI or the testing helpers, or that calls a clock, a random source or ``uuid4``,
fails this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "formation"

UPPER = {"services", "adapters", "cli", "testing"}
# what each outer layer may import, besides the core
ALLOWED = {
    "ports": {"ports"},
    "services": {"ports", "services"},
    "adapters": {"ports", "adapters"},
    "testing": {"ports", "testing", "adapters", "services"},
    "cli": UPPER | {"ports"},
}
CLOCKS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
          ("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("uuid", "uuid4"),
          ("uuid", "uuid1")}
FORBIDDEN_CORE_MODULES = {"random", "secrets", "os", "subprocess", "socket", "sqlite3"}


def layer_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    head = parts[0].removesuffix(".py")
    if head == "__main__":
        return "cli"
    return head if head in UPPER | {"ports"} else "core"


def imported_layers(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "formation" and len(parts) > 1:
                found.add(parts[1] if parts[1] in UPPER | {"ports"} else "core")
    return found


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    layer = layer_of(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = imported_layers(tree) - {"core"} - ALLOWED.get(layer, set())
    assert not upward, f"{path.name} ({layer}) imports {sorted(upward)}"


@pytest.mark.parametrize(
    "path", [p for p in modules() if layer_of(p) == "core"], ids=lambda p: str(p.relative_to(SRC))
)
def test_core_modules_have_no_clock_nor_randomness_nor_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            owner = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            assert (owner, node.func.attr) not in CLOCKS, f"{path.name}:{node.lineno} calls a clock"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "open", f"{path.name}:{node.lineno} opens a file"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""])
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_CORE_MODULES, (
                    f"{path.name}:{node.lineno} imports {name}")


def test_the_checker_catches_an_upward_import() -> None:
    tree = ast.parse("from formation.cli import main\nimport formation.adapters.sqlite\n")
    assert imported_layers(tree) == {"cli", "adapters"}
