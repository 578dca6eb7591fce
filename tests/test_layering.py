"""The layers point down, the core has ranks, no module takes part in an import cycle.

The imports of every module are parsed with ``ast`` (every ``import`` statement, at the top, in
a function or under ``TYPE_CHECKING``: a lazy import does not dodge a cycle) and checked:

* the outer layers: core → ports → services → adapters → CLI (a core module that imports a
  service, an adapter, the CLI or the testing helpers fails);
* the ranks of the core (:data:`RANKS`, written down once, and drawn in
  ``docs/architecture.md``): a core module imports only modules of its rank or below;
* the alias modules left at the old paths (:data:`ALIASES`) import only their targets;
* the whole package's import graph has no cycle;
* the core has no clock, no randomness and no I/O.

The checks are functions of a module graph, so that the tests at the end can plant an upward
import and a cycle in a fake graph and see them caught.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
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

# The ranks of the core, lowest first. A module's rank is that of the longest dotted prefix
# listed (``catalog`` ranks every module of ``formation.catalog`` not listed on its own). A core
# module may import modules of its own rank or lower, never higher.
BASICS, CALENDAR, RULES, ACCOUNTS, FUNDING, BOOKINGS, REVIEWS, MATCHING, FACADE = range(9)
RANK_NAMES = ("basics", "calendar", "rules", "accounts and catalogue", "funding", "bookings",
              "reviews and search", "matching", "facade")
RANKS: Mapping[str, int] = {
    # basics: errors, identifiers, money, text folding
    "errors": BASICS, "ids": BASICS, "money": BASICS, "text": BASICS, "labels": BASICS,
    "checks": BASICS, "messages": BASICS,
    # time: territories, instants and local dates, holidays, business days
    "calendar": CALENDAR,
    # the legal parameters as dated data
    "rules": RULES,
    # the money of an account; the catalogue's records
    "topups": ACCOUNTS, "ledger": ACCOUNTS, "accounts": ACCOUNTS, "accrual": ACCOUNTS,
    "holders": ACCOUNTS, "catalog": ACCOUNTS, "learning": ACCOUNTS, "examples": ACCOUNTS,
    # what an order costs and who pays, what comes back
    "funding": FUNDING, "refunds": FUNDING,
    # the registration folder, its deadlines, the employer's consent
    "deadlines": BOOKINGS, "bookings": BOOKINGS, "consent": BOOKINGS,
    # reviews and the catalogue's search
    "reviews": REVIEWS, "catalog.search": REVIEWS,
    # recommendations put everything together
    "matching": MATCHING, "demand": MATCHING,
    # the package's public names
    "__init__": FACADE,
}
# The modules left at their old paths: each imports its target(s) only.
ALIASES: Mapping[str, frozenset[str]] = {
    "actions": frozenset({"rules.actions"}),
    "business_days": frozenset({"calendar.business_days"}),
    "eligibility": frozenset({"catalog.eligibility"}),
    "funders": frozenset({"rules.funders"}),
    "geo": frozenset({"catalog.search.geo"}),
    "geography": frozenset({"catalog.geography"}),
    "holiday_rules": frozenset({"calendar.holiday_rules"}),
    "postings": frozenset({"catalog.search._postings"}),
    "query": frozenset({"catalog.search.query"}),
    "rulebook": frozenset({"rules.rulebook"}),
    "rulebook_defaults": frozenset({"rules.defaults", "rules.rulebook"}),
    "search": frozenset({"catalog.search"}),
    "territories": frozenset({"calendar.territories"}),
}

Graph = Mapping[str, frozenset[str]]


# -- reading the package ------------------------------------------------------------------

def module_name(path: Path, root: Path = SRC) -> str:
    """``calendar/instants.py`` → ``calendar.instants``; a package is its ``__init__``."""
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(tree: ast.AST, name: str, known: Iterable[str]) -> frozenset[str]:
    """The modules of the package that module ``name`` imports, wherever the import stands.

    ``from formation.calendar import instants`` imports ``calendar.instants`` when it is a
    module, else ``calendar``; ``from formation import X`` of a name that is not a module is an
    import of the package's ``__init__``.
    """
    modules = set(known)
    package = name.split(".") if name in modules and _is_package(name) else name.split(".")[:-1]
    found: set[str] = set()

    def add(dotted: str) -> None:
        if dotted == "":
            found.add("__init__")
            return
        parts = dotted.split(".")
        while parts and ".".join(parts) not in modules:
            parts.pop()
        found.add(".".join(parts) if parts else "__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "formation" or alias.name.startswith("formation."):
                    add(alias.name.removeprefix("formation").removeprefix("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            elif node.module == "formation" or (node.module or "").startswith("formation."):
                target = (node.module or "").removeprefix("formation").removeprefix(".")
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                add(sub if sub in modules else target)
    found.discard(name)
    return frozenset(found)


def _is_package(name: str) -> bool:
    return (SRC / Path(*name.split(".")) / "__init__.py").is_file()


def package_graph(root: Path = SRC) -> dict[str, frozenset[str]]:
    """Every module of the package and the modules of the package it imports."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    return {name: imports_of(ast.parse(path.read_text(encoding="utf-8")), name, paths)
            for name, path in paths.items()}


# -- the checks, on any graph -------------------------------------------------------------

def layer_of(name: str) -> str:
    head = name.split(".")[0]
    if head == "__main__":
        return "cli"
    return head if head in UPPER | {"ports"} else "core"


def rank_of(name: str, ranks: Mapping[str, int] = RANKS) -> int | None:
    """The rank of a core module: that of its longest listed prefix (``None``: not ranked)."""
    parts = name.split(".")
    while parts:
        found = ranks.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def layer_problems(graph: Graph) -> list[str]:
    """Each import from an outer layer, or from the core, into a layer it may not use."""
    problems = []
    for name, targets in sorted(graph.items()):
        allowed = ALLOWED.get(layer_of(name), set()) | {"core"}
        for target in sorted(targets):
            if layer_of(target) not in allowed:
                problems.append(f"{name} ({layer_of(name)}) imports {target} ({layer_of(target)})")
    return problems


def rank_problems(graph: Graph, ranks: Mapping[str, int] = RANKS,
                  aliases: Mapping[str, frozenset[str]] = ALIASES) -> list[str]:
    """Each core module not ranked, each upward import, each alias importing beyond its target."""
    problems = []
    for name, targets in sorted(graph.items()):
        if layer_of(name) != "core":
            continue
        if name in aliases:
            extra = targets - aliases[name]
            if extra:
                problems.append(f"alias {name} imports {sorted(extra)} besides its target")
            continue
        rank = rank_of(name, ranks)
        if rank is None:
            problems.append(f"{name} has no rank: add it to RANKS (and docs/architecture.md)")
            continue
        for target in sorted(targets):
            if layer_of(target) != "core" or target in aliases:
                if target in aliases:
                    problems.append(f"{name} imports the alias {target}: import its target")
                continue
            found = rank_of(target, ranks)
            if found is not None and found > rank:
                problems.append(f"{name} (rank {rank}, {RANK_NAMES[rank]}) imports {target} "
                                f"(rank {found}, {RANK_NAMES[found]}): an upward import")
    return problems


def cycles(graph: Graph) -> list[list[str]]:
    """The import cycles of a graph: its strongly connected parts of more than one module
    (or a module importing itself), each sorted (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(iter(children), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1 or node in graph.get(node, ()):
                    found.append(sorted(part))
    return sorted(found)


# -- the package --------------------------------------------------------------------------

GRAPH = package_graph()


def test_the_outer_layers_point_down() -> None:
    assert layer_problems(GRAPH) == []


def test_the_core_modules_import_only_their_rank_or_below() -> None:
    assert rank_problems(GRAPH) == []


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_every_rank_holds_a_module_and_every_listed_name_exists() -> None:
    modules = set(GRAPH)
    for name in RANKS:
        if name == "catalog.search":
            continue  # the search engine's future home: ranked before it moves there
        assert name in modules, f"RANKS lists {name}, which is not a module"
    for name, targets in ALIASES.items():
        assert name in modules and targets <= modules, name
    assert {rank_of(name) for name in modules if layer_of(name) == "core"
            and name not in ALIASES} == set(range(len(RANK_NAMES)))


@pytest.mark.parametrize(
    "path", [p for p in sorted(SRC.rglob("*.py")) if layer_of(module_name(p)) == "core"],
    ids=lambda p: str(p.relative_to(SRC)),
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


# -- the checks catch what they are for, on planted graphs --------------------------------

KNOWN = {"__init__", "errors", "money", "calendar", "calendar.instants", "rules",
         "rules.rulebook", "ledger", "bookings", "deadlines", "cli", "adapters", "adapters.sqlite"}


def _parsed(name: str, source: str) -> frozenset[str]:
    return imports_of(ast.parse(source), name, KNOWN)


def test_the_reader_sees_every_kind_of_import_statement() -> None:
    source = (
        "from formation.cli import main\n"
        "import formation.adapters.sqlite\n"
        "from formation.calendar import instants\n"
        "from formation import Euros\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from formation.bookings import Booking\n"
        "def late():\n"
        "    from formation.rules.rulebook import Rulebook\n"
        "    from .ledger import Ledger\n"
    )
    assert _parsed("money", source) == {"cli", "adapters.sqlite", "calendar.instants",
                                        "__init__", "bookings", "rules.rulebook", "ledger"}
    assert _parsed("rules.rulebook", "from . import defaults\nfrom ..money import Euros\n") == {
        "rules", "money"}


def test_a_planted_upward_import_is_caught() -> None:
    graph = {
        "errors": frozenset(),
        "money": frozenset({"errors"}),
        "calendar.instants": frozenset({"errors"}),
        "rules.rulebook": frozenset({"money", "calendar.instants"}),
        "ledger": frozenset({"money", "bookings"}),  # planted: accounts → bookings
        "bookings": frozenset({"ledger", "rules.rulebook"}),
        "cli": frozenset({"bookings"}),
        "rulebook": frozenset({"rules.rulebook", "ledger"}),  # planted: an alias beyond its target
    }
    assert rank_problems(graph) == [
        "ledger (rank 3, accounts and catalogue) imports bookings (rank 5, bookings): "
        "an upward import",
        "alias rulebook imports ['ledger'] besides its target",
    ]
    assert layer_problems({**graph, "money": frozenset({"adapters.sqlite"})}) == [
        "money (core) imports adapters.sqlite (adapters)"]
    assert rank_problems({"newthing": frozenset()}) == [
        "newthing has no rank: add it to RANKS (and docs/architecture.md)"]


def test_a_planted_cycle_is_caught_even_through_a_lazy_import() -> None:
    lazy = _parsed("deadlines", "def f():\n    from formation.bookings import Booking\n")
    graph = {
        "errors": frozenset(),
        "bookings": frozenset({"deadlines", "errors"}),
        "deadlines": lazy,  # planted: the cycle bookings ↔ deadlines, through a function
        "rules.rulebook": frozenset({"rules.defaults"}),
        "rules.defaults": frozenset({"rules.parameters"}),
        "rules.parameters": frozenset({"rules.rulebook"}),  # planted: a cycle of three
        "money": frozenset({"money"}),  # planted: a module importing itself
    }
    assert cycles(graph) == [["bookings", "deadlines"], ["money"],
                             ["rules.defaults", "rules.parameters", "rules.rulebook"]]
    assert cycles({name: frozenset() for name in graph}) == []
