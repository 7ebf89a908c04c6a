"""Followed feeds (`newsqa follow`): one row per feed URL in a small SQLite file under NEWSQA_HOME."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_EVERY = 30 * 60  # seconds between two checks of a feed unless `--every` says otherwise
MIN_EVERY = 60  # more often than once a minute is a burden on the site and finds nothing more
MAX_BACKOFF = 24 * 60 * 60  # a failing feed is still tried at least once a day (or every `every`, if longer)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"(\d+)([smhd])")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    every INTEGER NOT NULL,
    next_due TEXT NOT NULL,
    last_checked TEXT,
    last_new TEXT,
    etag TEXT,
    last_modified TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
)
"""
_TIMES = ("next_due", "last_checked", "last_new")


def parse_every(text: str) -> int:
    """Seconds of an interval written 90s, 30m, 2h or 1d; ValueError says what is expected."""
    match = _EVERY.fullmatch(text.strip().lower())
    if not match:
        raise ValueError(f"expected an interval like 90s, 30m, 2h or 1d, got {text!r}")
    seconds = int(match[1]) * _UNITS[match[2]]
    if seconds < MIN_EVERY:
        raise ValueError(f"a feed is checked at most once a minute; {text!r} is too often")
    return seconds


def format_every(seconds: int) -> str:
    """An interval in the largest unit that writes it exactly: 1800 -> 30m, 90 -> 90s."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def format_moment(moment: datetime | None) -> str:
    """A stored time as the feed lists show it (UTC, to the minute), or "never"."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC (every time stored here is)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Subscription:
    """A followed feed: how often to check it and what the last checks found."""

    url: str
    every: int  # seconds between checks
    next_due: datetime
    last_checked: datetime | None = None
    last_new: datetime | None = None  # when a check last found an article not stored before
    etag: str | None = None  # validators of the last full answer, sent back in a conditional GET
    last_modified: str | None = None
    failures: int = 0  # failed checks in a row; a success resets it
    last_error: str | None = None  # why the last check failed

    def checked(
        self,
        now: datetime,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        found_new: bool = False,
    ) -> Subscription:
        """After a successful check (a 304 included): due again in `every`; new validators replace old."""
        return replace(
            self,
            next_due=now + timedelta(seconds=self.every),
            last_checked=now,
            last_new=now if found_new else self.last_new,
            etag=etag or self.etag,
            last_modified=last_modified or self.last_modified,
            failures=0,
            last_error=None,
        )

    def failed(self, now: datetime, reason: str) -> Subscription:
        """After a failed check: due again after every * 2**failures, at most a day (or `every`)."""
        failures = self.failures + 1
        delay = min(self.every * 2 ** min(failures, 20), max(MAX_BACKOFF, self.every))
        return replace(
            self,
            next_due=now + timedelta(seconds=delay),
            last_checked=now,
            failures=failures,
            last_error=reason,
        )

    def to_json(self) -> dict[str, Any]:
        """The record with times as ISO 8601 strings (UTC) and `every` in seconds."""
        data = asdict(self)
        for key in _TIMES:
            data[key] = data[key].isoformat() if data[key] else None
        return data


class Subscriptions:
    """The followed feeds of one home; each call opens the file, so several processes may share it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A refresh and a `follow` in another terminal may meet: wait for the other's write, not fail.
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.row_factory = sqlite3.Row
            with db:  # one transaction: committed on success, rolled back on an error
                db.execute(_SCHEMA)
                yield db

    def follow(
        self, url: str, every: int = DEFAULT_EVERY, now: datetime | None = None
    ) -> tuple[Subscription, bool]:
        """Follow a feed (due at once), or set the interval of one already followed; True when new."""
        now = now or utc_now()
        with self._db() as db:
            old = _get(db, url)
            if old is None:
                sub = Subscription(url=url, every=every, next_due=now)
            else:
                since = old.last_checked or now
                sub = replace(old, every=every, next_due=min(old.next_due, since + timedelta(seconds=every)))
            _put(db, sub)
        return sub, old is None

    def unfollow(self, url: str) -> bool:
        """Stop following a feed (its articles stay in the index); False when it was not followed."""
        with self._db() as db:
            return db.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def get(self, url: str) -> Subscription | None:
        """The subscription of a URL, if followed."""
        with self._db() as db:
            return _get(db, url)

    def all(self) -> list[Subscription]:
        """Every followed feed, in the order they were followed."""
        with self._db() as db:
            return [_record(row) for row in db.execute("SELECT * FROM feeds ORDER BY rowid")]

    def due(self, now: datetime | None = None) -> list[Subscription]:
        """The feeds whose next check is due by now."""
        now = now or utc_now()
        return [sub for sub in self.all() if sub.next_due <= now]

    def save(self, sub: Subscription) -> None:
        """Store a check's outcome; a feed unfollowed meanwhile stays unfollowed."""
        with self._db() as db:
            if _get(db, sub.url) is not None:
                _put(db, sub)


def _get(db: sqlite3.Connection, url: str) -> Subscription | None:
    row = db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
    return _record(row) if row else None


def _put(db: sqlite3.Connection, sub: Subscription) -> None:
    data = sub.to_json()
    names = [f.name for f in fields(Subscription)]
    # An upsert, not INSERT OR REPLACE: the row keeps its rowid, so the list keeps the order of following.
    db.execute(
        f"INSERT INTO feeds ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
        f"ON CONFLICT(url) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names if n != 'url')}",
        [data[name] for name in names],
    )


def _record(row: sqlite3.Row) -> Subscription:
    data = dict(row)
    for key in _TIMES:
        data[key] = datetime.fromisoformat(data[key]) if data[key] else None
    return Subscription(**data)
