"""Every subcommand, every option that takes a value, given bad values: never a traceback.

The subcommands and their options are found by walking the argument parser, so a new option is
covered without editing this test. Each bad command line must exit with 0, 1 or 2 and print no
traceback and no "internal error" (an exception that is not a ``FormationError``); a
``FormationError`` is told on one line.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from formation.cli import build_parser, main

# a command line each subcommand accepts, for its required options; a subcommand not listed is
# run with its name only (and its required options filled with the bad value)
VALID: dict[tuple[str, ...], tuple[str, ...]] = {
    ("rules",): ("--on", "2026-03-01"),
    ("holidays",): ("2026",),
    ("business-days", "add"): ("2026-12-24", "2"),
    ("business-days", "count"): ("2026-11-26", "2026-12-31"),
    ("quote",): ("--price", "1000", "--balance", "950", "--on", "2024-06-01"),
    ("rights",): ("--year", "2024", "--hours", "1607"),
    ("deadlines",): ("--requested", "2026-04-02T18:00", "--start", "2026-04-27"),
    ("recommend",): ("--on", "2026-03-02", "--theme", "excel", "--budget", "150"),
    ("search",): ("excel",),
}

BAD = ("", "x", "-1", "0", "9" * 5000, "1e309", "nan", "inf", "a\x00b", "٢١", "0001-01-01",
       "9999-12-31T23:59+14:00", "-9" * 40, "/nonexistent/dir/file.csv", "é" * 300, "[" * 3000)


def commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
             ) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(commands(sub, (*prefix, name)))
    return found or [(prefix, parser)]


def options() -> list[tuple[tuple[str, ...], str | None, int]]:
    """(command, option string or None for a positional, its index) for every value taken."""
    cases = []
    for path, parser in commands(build_parser()):
        positionals = 0
        for action in parser._actions:
            if action.nargs == 0 or isinstance(action, argparse._HelpAction):
                continue
            if action.option_strings:
                cases.append((path, action.option_strings[-1], 0))
            else:
                cases.append((path, None, positionals))
                positionals += 1
    return cases


def command_line(path: tuple[str, ...], option: str | None, index: int, bad: str,
                 tmp: Path) -> list[str]:
    valid = list(VALID.get(path, ()))
    if path == ("store", "export") or path == ("export",):
        valid = []
    if option is None:
        positional = [a for a in valid if not a.startswith("-")]
        others = [a for a in valid if a not in positional]
        while len(positional) <= index:
            positional.append(bad)
        positional[index] = bad
        return [*path, *positional, *others]
    argv = [*path, *valid]
    if option in argv:
        argv[argv.index(option) + 1] = bad
    else:
        argv += [option, bad]
    if option != "--db" and path[-1] in ("export", "import", "demo"):
        argv += ["--db", str(tmp / "store.db")]
    return argv


CASES = options()


def test_every_subcommand_is_covered() -> None:
    names = {path for path, _, _ in CASES}
    assert {("rules",), ("search",), ("recommend",), ("deadlines",), ("quote",)} <= names
    assert len(CASES) > 40


@pytest.mark.parametrize(("path", "option", "index"), CASES,
                         ids=[f"{' '.join(p)} {o or f'#{i}'}" for p, o, i in CASES])
def test_bad_values_never_print_a_traceback(
        path: tuple[str, ...], option: str | None, index: int, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a bad --db or --out such as "x" is a file of the test's own
    for bad in BAD:
        if path[-1] == "demo" and option not in (None, "--db", "--lang"):
            continue
        argv = command_line(path, option, index, bad, tmp_path)
        code = main(argv, io.StringIO())
        err = capsys.readouterr().err
        assert code in (0, 1, 2), (argv[:6], code, err[-300:])
        assert "Traceback" not in err and "internal error" not in err, (argv[:6], err[-300:])
        if code != 0 and not err.startswith("usage:"):
            assert len(err.splitlines()) == 1 or "rejet" in err, (argv[:6], err[-500:])


def test_a_catalogue_file_with_bad_rows_is_reported_on_stderr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_text("siret;type_referentiel\n123;RS\n", encoding="utf-8")
    for command in (("search", "--catalog", str(path)),
                    ("recommend", *VALID["recommend",], "--catalog", str(path))):
        code = main(list(command), io.StringIO())
        err = capsys.readouterr().err
        assert code == 2
        assert "ligne 2" in err and "siret" in err


def test_a_binary_catalogue_exits_2_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"\x00\x01\x02\xff" * 100)
    assert main(["search", "--catalog", str(path)], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "file.undecodable" in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from formation.errors import StorageError

    with pytest.raises(StorageError):
        main(["--debug", "search", "--catalog", str(tmp_path / "absent.csv")], io.StringIO())
