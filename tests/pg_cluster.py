"""A throwaway PostgreSQL cluster for the tests: ``initdb`` into a temporary directory, a server
listening on a Unix socket only, stopped at the end (also on failure).

PostgreSQL refuses to run as root, and CI runs as root: there the server runs as the
``postgres`` system user (``runuser -u postgres -- …``), in a directory that user owns. The
binaries are those named by ``pg_config --bindir`` (or the ``PG_BINDIR`` environment variable).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["Cluster", "find_bindir"]


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is not installed."""
    candidates: list[str] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            candidates.append(subprocess.run([pg_config, "--bindir"], capture_output=True,
                                             text=True, check=True, timeout=30).stdout.strip())
    candidates.extend(sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
                             reverse=True))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


class Cluster:
    """One PostgreSQL server of its own, for one test session (use it as a context manager)."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="formation-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.user = "postgres" if self._as_root else None
        self.started = False

    @property
    def dsn(self) -> str:
        """How a client reaches it: the socket folder as host, no password (trust)."""
        user = f" user={self.user}" if self.user else ""
        return f"host={self.socket} port=5432 dbname=postgres{user}"

    def _run(self, *command: str) -> None:
        args = [str(self.bindir / command[0]), *command[1:]]
        if self._as_root:
            args = ["runuser", "-u", "postgres", "--", *args]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}): "
                               f"{done.stdout[-2000:]}{done.stderr[-2000:]}")

    def start(self) -> Cluster:
        if self._as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
            self.root.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--no-sync",
                  "-U", self.user or os.environ.get("USER", "postgres"))
        if not self._as_root:
            self.user = os.environ.get("USER", "postgres")
        # tests need no crash safety of the machine (fsync off); a benchmark of durable
        # commits does (durable=True: every commit flushed to the disk)
        safety = "" if self.durable else "-c fsync=off -c full_page_writes=off "
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' "
                   f"-c synchronous_commit=on {safety}"
                   "-c max_connections=100 -c shared_buffers=128MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        self.started = True
        return self

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
