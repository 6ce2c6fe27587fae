"""The class-room stores against the real things: a SQLite file and a real redis-server.

`running_redis` starts Debian's redis-server on a free loopback port with its own data folder
(installed by `make test` when missing); the e2e class-room test uses it too.
"""

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessons import class_store
from lessons.class_store import RedisStore, SQLiteStore, StoreUnavailable, open_store
from tests.e2e.helpers import free_port

NOW = 1_800_000_000.0
LATER = NOW + 3600


@contextlib.contextmanager
def running_redis() -> Iterator[str]:
    """A redis-server for the `with` block; yields its URL (redis://127.0.0.1:PORT/0)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    folder = Path(tempfile.mkdtemp(prefix="bpl-redis-"))
    port = free_port()
    log = open(folder / "redis.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "yes", "--protected-mode", "yes"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(folder / 'redis.log').read_text()}")
            try:
                if redis.Redis.from_url(url, socket_timeout=1).ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'rooms.db'}")
    else:
        opened = open_store(request.getfixturevalue("redis_url"))
        opened._client.flushdb()
    yield opened
    opened.close()


def test_open_store_picks_the_implementation_from_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("BPL_CLASS_STORE", f"sqlite:///{tmp_path / 'a' / 'b.db'}")
    opened = open_store()
    assert isinstance(opened, SQLiteStore) and opened.path == tmp_path / "a" / "b.db"
    monkeypatch.delenv("BPL_CLASS_STORE")
    monkeypatch.setenv("BPL_DATA_DIR", str(tmp_path / "data"))
    assert class_store.configured_url() == f"sqlite:///{tmp_path / 'data' / 'class_rooms.db'}"
    with pytest.raises(StoreUnavailable, match="sqlite:// or redis://"):
        open_store("postgres://x/y")


def test_sqlite_file_is_in_wal_mode(tmp_path):
    opened = SQLiteStore(tmp_path / "rooms.db")
    mode = opened._connection().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_room_roundtrip_and_add_refuses_a_live_code(store):
    record = {"code": "ABCDEF", "questions": [], "version": 1}
    assert store.add_room("ABCDEF", record, LATER, NOW)
    assert not store.add_room("ABCDEF", {**record, "version": 9}, LATER, NOW)
    assert store.get_room("ABCDEF", NOW) == record
    store.put_room("ABCDEF", {**record, "version": 2}, LATER)
    assert store.get_room("ABCDEF", NOW)["version"] == 2
    assert store.get_room("ZZZZZZ", NOW) is None


def test_one_answer_per_seat_per_question_replaced_on_change(store):
    store.put_answer("ABCDEF", 1, "seat-a", "positive", LATER)
    store.put_answer("ABCDEF", 1, "seat-b", "negative", LATER)
    store.put_answer("ABCDEF", 1, "seat-a", "zero", LATER)
    store.put_answer("ABCDEF", 2, "seat-a", "grows", LATER)
    assert store.answers("ABCDEF", 1, NOW) == {"seat-a": "zero", "seat-b": "negative"}
    assert store.count_answers("ABCDEF", 1, NOW) == 2
    assert store.count_answers("ABCDEF", 2, NOW) == 1
    assert store.answers("OTHERS", 1, NOW) == {}


def test_nicknames_and_hits(store):
    store.put_nickname("ABCDEF", "seat-a", "Ada <b>", LATER)
    assert store.nickname("ABCDEF", "seat-a", NOW) == "Ada <b>"
    assert store.nickname("ABCDEF", "seat-b", NOW) is None
    assert [store.hit("k", NOW, LATER) for _ in range(3)] == [1, 2, 3]
    assert store.hit("k", NOW + 10, LATER) == 1  # a new window starts from 1
    assert store.hit("other", NOW, LATER) == 1


def test_expired_entries_are_gone_and_purged(store):
    """Entries whose expiry passed are not read back and are deleted (Redis by itself)."""
    real_now = time.time()
    past = real_now - 1
    record = {"code": "OLDOLD", "questions": [{"id": 1}], "version": 1}
    store.add_room("OLDOLD", record, past, real_now - 10)
    store.put_answer("OLDOLD", 1, "seat-a", "zero", past)
    store.put_nickname("OLDOLD", "seat-a", "Ada", past)
    store.add_room("LIVE22", {**record, "code": "LIVE22"}, real_now + 60, real_now)
    store.purge(real_now)
    assert store.get_room("OLDOLD", real_now) is None
    assert store.answers("OLDOLD", 1, real_now) == {}
    assert store.nickname("OLDOLD", "seat-a", real_now) is None
    assert store.get_room("LIVE22", real_now) is not None
    if isinstance(store, SQLiteStore):
        rows = store._connection().execute(
            "SELECT (SELECT COUNT(*) FROM rooms) + (SELECT COUNT(*) FROM answers)"
            " + (SELECT COUNT(*) FROM seats)"
        )
        assert rows.fetchone()[0] == 1  # only LIVE22: the expired rows were deleted
    else:
        assert set(store._client.keys("bpl:*")) == {"bpl:room:LIVE22"}
    # An expired code can be used again.
    assert store.add_room("OLDOLD", record, real_now + 60, real_now)


def test_put_room_moves_the_expiry_of_answers_and_seats(store):
    real_now = time.time()
    record = {"code": "MOVEIT", "questions": [{"id": 1}], "version": 1}
    store.add_room("MOVEIT", record, real_now + 5, real_now)
    store.put_answer("MOVEIT", 1, "seat-a", "zero", real_now + 5)
    store.put_nickname("MOVEIT", "seat-a", "Ada", real_now + 5)
    store.put_room("MOVEIT", record, real_now + 1000)
    later = real_now + 100  # past the first expiry, before the moved one
    store.purge(later)
    assert store.get_room("MOVEIT", later) is not None
    assert store.answers("MOVEIT", 1, later) == {"seat-a": "zero"}
    if isinstance(store, RedisStore):
        assert store._client.pttl("bpl:answers:MOVEIT:1") > 900_000


def test_sqlite_store_is_shared_between_two_connections(tmp_path):
    """Two processes (here: two store objects) on one file see each other's writes."""
    first, second = SQLiteStore(tmp_path / "r.db"), SQLiteStore(tmp_path / "r.db")
    first.put_answer("ABCDEF", 1, "seat-a", "zero", LATER)
    assert second.answers("ABCDEF", 1, NOW) == {"seat-a": "zero"}


def test_unreachable_stores_raise_store_unavailable(tmp_path):
    with pytest.raises(StoreUnavailable):
        open_store(f"redis://127.0.0.1:{free_port()}/0")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable):
        open_store(f"sqlite:///{blocker / 'rooms.db'}")


def test_redis_going_away_raises_store_unavailable():
    with running_redis() as url:
        opened = open_store(url)
        opened.put_answer("ABCDEF", 1, "seat-a", "zero", LATER)
    with pytest.raises(StoreUnavailable):
        opened.answers("ABCDEF", 1, NOW)
