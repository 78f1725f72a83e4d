"""Serialized responses kept in memory, keyed by what they show and the store's change token.

A write anywhere (any worker, any process) adds a history row; the change token is the
newest history id, read with one indexed query per request. So a cached body is never
served after a write, and unchanged data is answered with ETag/304 or precompressed
bytes without touching the projects table.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
import zlib
from collections import OrderedDict

try:  # optional: brotli is pinned in requirements.txt, but gzip alone is enough
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

import sqlalchemy as sa


def change_token(store) -> str:
    """Changes whenever any project or its history changes: the newest history id. Every write
    adds a history row and ids are never handed out twice (a PostgreSQL sequence; SQLite
    AUTOINCREMENT, even after seed --force clears the table), so one primary-key lookup tells.
    (No row count: counting grows with the store, 19 ms at 100,000 projects.)"""
    with store._tx(write=False) as conn:
        newest = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM history")).scalar_one()
    return str(newest)


KEEP_PLAIN_UP_TO = 4 * 1024 * 1024  # larger bodies are kept gzip-compressed only (100,000 projects: 103 MB -> ~15 MB)


class Entry:
    """One serialized body: plain, or (when large) gzip only, with brotli made on first demand."""

    __slots__ = ("etag", "_identity", "_gzip", "_br")

    def __init__(self, etag: str, identity: bytes | None, compressed: bytes | None = None):
        self.etag, self._br = etag, None
        if identity is not None and len(identity) > KEEP_PLAIN_UP_TO:
            self._identity, self._gzip = None, gzip.compress(identity, compresslevel=6, mtime=0)
        else:
            self._identity, self._gzip = identity, compressed

    @classmethod
    def from_chunks(cls, salt: bytes, chunks) -> "Entry":
        """Built from text pieces: kept plain while small, gzip-streamed once past
        KEEP_PLAIN_UP_TO, so a large body is never whole in memory."""
        digest, plain, size, packer, packed = hashlib.sha256(salt), [], 0, None, []
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            digest.update(data)
            size += len(data)
            if packer is None:
                plain.append(data)
                if size > KEEP_PLAIN_UP_TO:
                    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip framing
                    packed = [packer.compress(b"".join(plain))]
                    plain = []
            else:
                packed.append(packer.compress(data))
        etag = '"' + digest.hexdigest()[:32] + '"'
        if packer is None:
            return cls(etag, b"".join(plain))
        packed.append(packer.flush())
        return cls(etag, None, b"".join(packed))

    @property
    def identity(self) -> bytes:
        return self._identity if self._identity is not None else gzip.decompress(self._gzip)

    def size(self) -> int:
        """Bytes held in memory."""
        return sum(len(b) for b in (self._identity, self._gzip, self._br) if b is not None)

    def encoded(self, encoding: str) -> bytes:
        if encoding == "br" and brotli is not None:
            if self._br is None:
                self._br = brotli.compress(self.identity, quality=5)
            return self._br
        if encoding == "gzip":
            if self._gzip is None:
                self._gzip = gzip.compress(self._identity, compresslevel=6, mtime=0)
            return self._gzip
        return self.identity


class ResponseCache:
    """A small LRU of serialized bodies; thread-safe (gunicorn threads or Flask's dev server)."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: tuple, token: str, build) -> Entry:
        full = key + (token,)
        with self._lock:
            entry = self._items.get(full)
            if entry is not None:
                self._items.move_to_end(full)
                self.hits += 1
                return entry
        body = build()
        entry = Entry.from_chunks(repr(full).encode(), [body] if isinstance(body, (str, bytes)) else body)
        with self._lock:
            self.misses += 1
            self._items[full] = entry
            for stale in [k for k in self._items if k[:-1] == key and k != full]:
                del self._items[stale]  # older versions of the same view
            while len(self._items) > self.max_entries or self._size() > self.max_bytes:
                self._items.popitem(last=False)
        return entry

    def _size(self) -> int:
        return sum(e.size() for e in self._items.values())


def negotiate_encoding(accept_encoding: str) -> str:
    """br when the client takes it (and brotli is installed), else gzip, else identity."""
    offered = {}
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if name:
            offered[name.lower()] = q
    for name in (("br",) if brotli is not None else ()) + ("gzip",):
        if offered.get(name, offered.get("*", 0)) > 0:
            return name
    return "identity"


def etag_matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
