"""The public contract: a sorted, importable ``__all__`` and the README's promises."""

from __future__ import annotations

import importlib
import pkgutil

import formation


def test_all_is_sorted_and_importable() -> None:
    assert list(formation.__all__) == sorted(formation.__all__)
    for name in formation.__all__:
        assert hasattr(formation, name), name


def test_every_module_has_a_sorted_all_that_resolves() -> None:
    for info in pkgutil.walk_packages(formation.__path__, "formation."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        assert names is not None, f"{info.name} has no __all__"
        assert list(names) == sorted(names), info.name
        for name in names:
            assert hasattr(module, name), f"{info.name}.{name}"


def test_the_issue_acceptance_line() -> None:
    parsed = formation.Euros.parse("1 234,5 €")
    parts = formation.allocate(formation.Euros(100), [1, 1, 1])
    assert str(parsed) == "1 234,50 €"
    assert [p.cents for p in parts] == [34, 33, 33]


def test_package_ships_py_typed() -> None:
    from importlib.resources import files

    assert files("formation").joinpath("py.typed").is_file()
