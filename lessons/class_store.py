"""Where class rooms live: one small interface, a SQLite file (the default) or a Redis server.

A class behind several replicas is spread over processes, so a room's state is never kept in
one process's memory. The setting `BPL_CLASS_STORE` picks the store:

- `sqlite:///relative/rooms.db` or `sqlite:////absolute/rooms.db` (default: class_rooms.db in
  the data folder, `BPL_DATA_DIR` or `./data`): one file in WAL mode, for one process or several on
  one machine; needs no set-up.
- `redis://host:port/db`: a Redis server shared by replicas on several machines.

What is stored, per room code: the room record (a JSON text written only by the teacher's
requests), each seat's answer per question (seat = one student's browser session), each seat's
optional nickname, and short rate-limit counters. Every entry carries an absolute expiry time
(`expires_at`, seconds since the epoch); the room model moves it forward on every activity and
expired entries are deleted (Redis deletes them itself; SQLite on `purge`).

Any failure to reach the store raises `StoreUnavailable`; pages show "class rooms are
unavailable" and the rest of the app keeps working.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

STORE_SETTING = "BPL_CLASS_STORE"
DATA_DIR_SETTING = "BPL_DATA_DIR"
STORE_TIMEOUT_SECONDS = 2.0  # a store that does not answer within this is "unavailable"


class StoreUnavailable(RuntimeError):
    """The class-room store cannot be reached (bad setting, file not writable, server down)."""


class ClassStore(Protocol):
    """The operations the room model needs; times are seconds since the epoch."""

    def put_room(self, code: str, record: dict[str, Any], expires_at: float) -> None:
        """Write the room record (replacing any) and its expiry; also moves the expiry of
        the room's answers and seats, so a room's data all expires together."""

    def add_room(self, code: str, record: dict[str, Any], expires_at: float, now: float) -> bool:
        """Write a new room; False (and nothing written) if `code` is taken by a live room."""

    def get_room(self, code: str, now: float) -> dict[str, Any] | None:
        """The room record, or None if there is none or it expired."""

    def put_answer(
        self, code: str, question_id: int, seat: str, answer: str, expires_at: float
    ) -> None:
        """Set (or replace) one seat's answer to one question."""

    def answers(self, code: str, question_id: int, now: float) -> dict[str, str]:
        """Every seat's answer to one question: {seat: answer}."""

    def count_answers(self, code: str, question_id: int, now: float) -> int:
        """How many seats answered one question."""

    def put_nickname(self, code: str, seat: str, nickname: str, expires_at: float) -> None:
        """Remember a seat's nickname (shown back only to that student)."""

    def nickname(self, code: str, seat: str, now: float) -> str | None:
        """A seat's nickname, or None."""

    def hit(self, key: str, window_start: float, expires_at: float) -> int:
        """Count one event for `key` in the window starting at `window_start`; returns the
        window's count so far (a new window starts from 1)."""

    def purge(self, now: float) -> int:
        """Delete everything that expired before `now`; returns how many rows went."""

    def close(self) -> None:
        """Release connections."""


def default_url() -> str:
    """The SQLite store in the data folder (BPL_DATA_DIR, default ./data)."""
    folder = Path(os.environ.get(DATA_DIR_SETTING) or "data")
    return f"sqlite:///{folder.resolve() / 'class_rooms.db'}"


def configured_url() -> str:
    """The store chosen by BPL_CLASS_STORE, else the default SQLite file."""
    return os.environ.get(STORE_SETTING, "").strip() or default_url()


def open_store(url: str | None = None) -> ClassStore:
    """The store at `url` (default: the configured one). Raises StoreUnavailable for an unknown
    scheme or a store that cannot be opened."""
    url = url or configured_url()
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return SQLiteStore(unquote(url[len("sqlite:///") :]))
    if scheme in ("redis", "rediss", "unix"):
        return RedisStore(url)
    raise StoreUnavailable(f"{STORE_SETTING} must start with sqlite:// or redis://; got {url!r}.")


# --- SQLite ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY, record TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    code TEXT NOT NULL, question_id INTEGER NOT NULL, seat TEXT NOT NULL, answer TEXT NOT NULL,
    expires_at REAL NOT NULL, PRIMARY KEY (code, question_id, seat));
CREATE TABLE IF NOT EXISTS seats (
    code TEXT NOT NULL, seat TEXT NOT NULL, nickname TEXT NOT NULL, expires_at REAL NOT NULL,
    PRIMARY KEY (code, seat));
CREATE TABLE IF NOT EXISTS hits (
    key TEXT PRIMARY KEY, window_start REAL NOT NULL, count INTEGER NOT NULL,
    expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS rooms_expiry ON rooms (expires_at);
CREATE INDEX IF NOT EXISTS answers_expiry ON answers (expires_at);
CREATE INDEX IF NOT EXISTS seats_expiry ON seats (expires_at);
CREATE INDEX IF NOT EXISTS hits_expiry ON hits (expires_at);
"""
_TABLES = ("rooms", "answers", "seats", "hits")


class SQLiteStore:
    """One SQLite file in WAL mode; one connection per thread (Streamlit runs each session's
    script in its own thread), every statement in autocommit or a short transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._connection()  # fail now, not at the first question

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=STORE_TIMEOUT_SECONDS, isolation_level=None
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints
            connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            message = f"cannot open the class-room file {self.path}: {error}"
            raise StoreUnavailable(message) from error
        self._local.connection = connection
        return connection

    def _run(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._connection().execute(sql, parameters)
        except sqlite3.Error as error:
            raise StoreUnavailable(f"class-room file {self.path}: {error}") from error

    def put_room(self, code: str, record: dict[str, Any], expires_at: float) -> None:
        connection = self._connection()
        try:
            with connection:  # one transaction: the record and every expiry move together
                connection.execute("BEGIN IMMEDIATE")
                connection.execute(
                    "INSERT INTO rooms (code, record, expires_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (code) DO UPDATE SET record = excluded.record,"
                    " expires_at = excluded.expires_at",
                    (code, json.dumps(record), expires_at),
                )
                for table in ("answers", "seats"):
                    connection.execute(
                        f"UPDATE {table} SET expires_at = ? WHERE code = ?", (expires_at, code)
                    )
        except sqlite3.Error as error:
            raise StoreUnavailable(f"class-room file {self.path}: {error}") from error

    def add_room(self, code: str, record: dict[str, Any], expires_at: float, now: float) -> bool:
        self._run("DELETE FROM rooms WHERE code = ? AND expires_at <= ?", (code, now))
        cursor = self._run(
            "INSERT OR IGNORE INTO rooms (code, record, expires_at) VALUES (?, ?, ?)",
            (code, json.dumps(record), expires_at),
        )
        return cursor.rowcount == 1

    def get_room(self, code: str, now: float) -> dict[str, Any] | None:
        row = self._run(
            "SELECT record FROM rooms WHERE code = ? AND expires_at > ?", (code, now)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def put_answer(
        self, code: str, question_id: int, seat: str, answer: str, expires_at: float
    ) -> None:
        self._run(
            "INSERT INTO answers (code, question_id, seat, answer, expires_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, question_id, seat)"
            " DO UPDATE SET answer = excluded.answer, expires_at = excluded.expires_at",
            (code, question_id, seat, answer, expires_at),
        )

    def answers(self, code: str, question_id: int, now: float) -> dict[str, str]:
        rows = self._run(
            "SELECT seat, answer FROM answers WHERE code = ? AND question_id = ?"
            " AND expires_at > ?",
            (code, question_id, now),
        ).fetchall()
        return dict(rows)

    def count_answers(self, code: str, question_id: int, now: float) -> int:
        return self._run(
            "SELECT COUNT(*) FROM answers WHERE code = ? AND question_id = ? AND expires_at > ?",
            (code, question_id, now),
        ).fetchone()[0]

    def put_nickname(self, code: str, seat: str, nickname: str, expires_at: float) -> None:
        self._run(
            "INSERT INTO seats (code, seat, nickname, expires_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (code, seat) DO UPDATE SET nickname = excluded.nickname,"
            " expires_at = excluded.expires_at",
            (code, seat, nickname, expires_at),
        )

    def nickname(self, code: str, seat: str, now: float) -> str | None:
        row = self._run(
            "SELECT nickname FROM seats WHERE code = ? AND seat = ? AND expires_at > ?",
            (code, seat, now),
        ).fetchone()
        return None if row is None else row[0]

    def hit(self, key: str, window_start: float, expires_at: float) -> int:
        row = self._run(
            "INSERT INTO hits (key, window_start, count, expires_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN hits.window_start = excluded.window_start"
            " THEN hits.count + 1 ELSE 1 END,"
            " window_start = excluded.window_start, expires_at = excluded.expires_at"
            " RETURNING count",
            (key, window_start, expires_at),
        ).fetchone()
        return int(row[0])

    def purge(self, now: float) -> int:
        return sum(
            self._run(f"DELETE FROM {table} WHERE expires_at <= ?", (now,)).rowcount
            for table in _TABLES
        )

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


# --- Redis ----------------------------------------------------------------------------------


class RedisStore:
    """Keys `bpl:room:{code}` (JSON text), `bpl:answers:{code}:{question}` (hash seat ->
    answer), `bpl:seats:{code}` (hash seat -> nickname) and `bpl:hit:{key}`, each with an
    absolute expiry (PEXPIREAT), so Redis deletes what expired by itself."""

    PREFIX = "bpl:"

    def __init__(self, url: str):
        import redis  # only a Redis deployment needs the client package loaded

        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=STORE_TIMEOUT_SECONDS,
            socket_connect_timeout=STORE_TIMEOUT_SECONDS,
            decode_responses=True,
        )
        self._call(self._client.ping)

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except self._errors as error:
            raise StoreUnavailable(f"class-room Redis server: {error}") from error

    def _room(self, code: str) -> str:
        return f"{self.PREFIX}room:{code}"

    def _answers(self, code: str, question_id: int) -> str:
        return f"{self.PREFIX}answers:{code}:{int(question_id)}"

    def _seats(self, code: str) -> str:
        return f"{self.PREFIX}seats:{code}"

    @staticmethod
    def _ms(seconds: float) -> int:
        return int(seconds * 1000)

    def put_room(self, code: str, record: dict[str, Any], expires_at: float) -> None:
        keys = [self._seats(code)]
        keys += [self._answers(code, q["id"]) for q in record.get("questions", [])]
        pipe = self._client.pipeline(transaction=True)
        pipe.set(self._room(code), json.dumps(record), pxat=self._ms(expires_at))
        for key in keys:
            pipe.pexpireat(key, self._ms(expires_at))
        self._call(pipe.execute)

    def add_room(self, code: str, record: dict[str, Any], expires_at: float, now: float) -> bool:
        created = self._call(
            self._client.set,
            self._room(code),
            json.dumps(record),
            pxat=self._ms(expires_at),
            nx=True,
        )
        return bool(created)

    def get_room(self, code: str, now: float) -> dict[str, Any] | None:
        text = self._call(self._client.get, self._room(code))
        return None if text is None else json.loads(text)

    def put_answer(
        self, code: str, question_id: int, seat: str, answer: str, expires_at: float
    ) -> None:
        key = self._answers(code, question_id)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(key, seat, answer)
        pipe.pexpireat(key, self._ms(expires_at))
        self._call(pipe.execute)

    def answers(self, code: str, question_id: int, now: float) -> dict[str, str]:
        return self._call(self._client.hgetall, self._answers(code, question_id))

    def count_answers(self, code: str, question_id: int, now: float) -> int:
        return int(self._call(self._client.hlen, self._answers(code, question_id)))

    def put_nickname(self, code: str, seat: str, nickname: str, expires_at: float) -> None:
        key = self._seats(code)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(key, seat, nickname)
        pipe.pexpireat(key, self._ms(expires_at))
        self._call(pipe.execute)

    def nickname(self, code: str, seat: str, now: float) -> str | None:
        return self._call(self._client.hget, self._seats(code), seat)

    def hit(self, key: str, window_start: float, expires_at: float) -> int:
        name = f"{self.PREFIX}hit:{key}:{int(window_start)}"
        pipe = self._client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.pexpireat(name, self._ms(expires_at))
        count, _ = self._call(pipe.execute)
        return int(count)

    def purge(self, now: float) -> int:
        return 0  # Redis deletes expired keys itself

    def close(self) -> None:
        self._client.close()
