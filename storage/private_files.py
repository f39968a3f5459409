"""Files that hold personal data: readable by the bot's own user only, whatever the umask.

Folders the bot creates are 0700 and its database files 0600. SQLite gives the
write-ahead log and the shared-memory file the database file's mode, so creating the
database file 0600 before SQLite opens it covers them too; files left by an older
version with wider modes are narrowed when the bot opens them.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents 0700; existing folders are left as they are."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(path, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened


def make_private_file(path: Path) -> None:
    """Create `path` empty if missing, and make it and its SQLite companions 0600."""
    make_private_dirs(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    narrow_companions(path)


def narrow_companions(path: Path) -> None:
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, FILE_MODE)
