"""Test configuration: Hypothesis profiles (``ci`` when ``CI=true``)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=200, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


# -- a throwaway PostgreSQL server for the tests of PostgresStore ------------------------------

import itertools  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

_SCHEMAS = itertools.count()


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """The DSN of a PostgreSQL server started for this test session (stopped at its end).

    Where PostgreSQL or psycopg is not installed the tests that need it skip, saying why,
    except under ``CI=true``, where they fail: CI must run them.
    """
    import pg_cluster

    in_ci = os.environ.get("CI", "").lower() == "true"
    bindir = pg_cluster.find_bindir()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        bindir = None if not in_ci else bindir
        if in_ci:
            pytest.fail("CI runs the PostgreSQL tests: psycopg is not installed")
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    if bindir is None:
        if in_ci:
            pytest.fail("CI runs the PostgreSQL tests: no PostgreSQL binaries (pg_config "
                        "--bindir, initdb, pg_ctl) on this machine")
        pytest.skip("PostgreSQL is not installed here (no pg_config --bindir with initdb "
                    "and pg_ctl): the PostgresStore tests need its binaries")
    with pg_cluster.Cluster(bindir) as cluster:
        yield cluster.dsn


def new_schema() -> str:
    """A schema name no other store of this test session uses."""
    return f"t{os.getpid()}_{next(_SCHEMAS)}"
