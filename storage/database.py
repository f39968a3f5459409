"""The single SQLite connection of the bot: pragmas, migrations and transactions.

All access goes through one aiosqlite connection guarded by one asyncio lock, so a
transaction started by one handler can never interleave with statements of another.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from storage.migrations import Migration, load_migrations
from storage.private_files import make_private_file, narrow_companions

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class Executor(Protocol):
    """What repositories need: the database itself or an open transaction."""

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None: ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return lastrowid for INSERT, else the changed row count."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None: ...


class Transaction:
    """Statements run inside `Database.transaction()`; the lock is already held."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._conn.execute(sql, params) as cursor:
            if sql.lstrip()[:6].upper() == "INSERT":
                return cursor.lastrowid or 0
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)


class Database:
    """Owns the connection; applies migrations when it connects."""

    def __init__(self, path: Path, migrations: list[Migration] | None = None) -> None:
        self.path = path
        self._migrations = migrations if migrations is not None else load_migrations()
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def schema_version(self) -> int:
        return self._migrations[-1].version if self._migrations else 0

    async def connect(self) -> None:
        make_private_file(self.path)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            # WAL lets a backup or a reader run beside the bot; secure_delete overwrites
            # deleted personal data instead of leaving it in free pages.
            for pragma in (
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 5000",
                "PRAGMA secure_delete = ON",
            ):
                await conn.execute(pragma)
            self._conn = conn
            await self._migrate()
            narrow_companions(self.path)
        except BaseException:
            self._conn = None
            await conn.close()
            raise

    async def close(self) -> None:
        if self._conn is None:
            return
        async with self._lock:
            await self._conn.execute("PRAGMA optimize")
            await self._conn.close()
            self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not connected")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on any exception."""
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock:
            return await Transaction(self.conn).fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return await Transaction(self.conn).fetch_all(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._lock:
            return await Transaction(self.conn).execute(sql, params)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.execute_many(sql, rows)

    async def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file and truncate it."""
        async with self._lock:
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API), 0600."""
        make_private_file(target)
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self.conn.backup(dest)
            finally:
                await dest.close()

    async def _migrate(self) -> None:
        conn = self.conn
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row else 0
        if current > self.schema_version:
            raise RuntimeError(
                f"database {self.path} has schema version {current}, newer than this "
                f"code's {self.schema_version}; run a newer version of the bot"
            )
        for migration in self._migrations:
            if migration.version <= current:
                continue
            log.info("applying migration %04d_%s", migration.version, migration.name)
            script = (
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;\n"
                f"PRAGMA user_version = {migration.version};\n"
                "COMMIT;"
            )
            try:
                await conn.executescript(script)
            except Exception:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise
