"""A dict kept on disk as 256 JSON shards, so a build that changed a few entries rewrites
a few small files instead of one holding the whole catalogue (tens of MB at 10,000 datasets).

Each shard carries a version (the code's hash): shards of another version are ignored.
Entries are data, never code (see cache_codec): each is kept as its JSON text and only
decoded when asked for, so a build pays only for the entries it uses, and an entry that
does not decode is made again and its shard rewritten.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
import pydantic

from .cache_codec import Codec

FORMAT = 2
"""Of the shard files; shards in another format are ignored."""


@dataclass(frozen=True)
class _Shard:
    format: Literal[2]
    version: str
    entries: dict[str, str]
    """key -> the entry's seal (of its key) and JSON text"""


_SHARD: pydantic.TypeAdapter[_Shard] = pydantic.TypeAdapter(_Shard)


def _shard(key: str) -> str:
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:2]


def _seal(key: str) -> str:
    """Written before each entry's text: an entry moved under another key (a damaged or planted
    shard) no longer matches its key and is ignored, instead of answering for another input."""
    return hashlib.sha256(key.encode()).hexdigest()[:32] + ":"


class ShardedCache:
    """read() the remembered entries, get(key) one of them, write(entries) to remember exactly
    these next time. `codec_for(key)` says how an entry is stored; None: it is not kept."""

    def __init__(self, folder: Path | None, version: str,
                 codec_for: Callable[[str], Codec[Any] | None]) -> None:
        self.folder = folder
        self.version = version
        self.codec_for = codec_for
        self._texts: dict[str, str] = {}
        self._decoded: dict[str, Any] = {}
        self._keys: dict[str, set[str]] = {}
        """Shard name -> the keys its file holds (without those that did not decode)."""

    def read(self) -> None:
        self._texts, self._decoded, self._keys = {}, {}, {}
        if self.folder is None or not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("??.json")):
            try:
                shard = _SHARD.validate_json(path.read_bytes())
            except (OSError, ValueError):  # a torn write or a foreign file: rewritten when written
                continue
            if shard.version == self.version:
                sealed = {key: text.removeprefix(_seal(key)) for key, text in shard.entries.items()
                          if text.startswith(_seal(key)) and _shard(key) == path.stem}
                self._texts.update(sealed)
                self._keys[path.stem] = set(sealed)

    def get(self, key: str) -> Any | None:
        """The remembered value of `key`, or None when there is none that decodes."""
        if key in self._decoded:
            return self._decoded[key]
        text = self._texts.get(key)
        codec = self.codec_for(key) if text is not None else None
        value = codec.decode(text) if codec is not None and text is not None else None
        if value is None:
            if text is not None:  # its shard no longer holds it: rewritten at the next write
                del self._texts[key]
                self._keys.get(_shard(key), set()).discard(key)
            return None
        self._decoded[key] = value
        return value

    def _text(self, key: str, value: Any) -> str | None:
        if self._decoded.get(key) is value:
            return self._texts[key]  # read this build and unchanged: not encoded again
        codec = self.codec_for(key)
        return codec.encode(value) if codec is not None else None

    def write(self, entries: dict[str, Any]) -> None:
        if self.folder is None:
            return
        shards: dict[str, dict[str, str]] = {}
        for key, value in entries.items():
            text = self._text(key, value)
            if text is not None:
                shards.setdefault(_shard(key), {})[key] = text
        for name in sorted(set(shards) | set(self._keys)):
            shard = shards.get(name, {})
            if set(shard) == self._keys.get(name, set()):
                continue
            target = self.folder / f"{name}.json"
            if not shard:
                target.unlink(missing_ok=True)
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            sealed = {key: _seal(key) + text for key, text in shard.items()}
            partial.write_bytes(orjson.dumps({"format": FORMAT, "version": self.version, "entries": sealed}))
            os.replace(partial, target)
        self._keys = {name: set(shard) for name, shard in shards.items()}
        self._texts = {key: text for shard in shards.values() for key, text in shard.items()}
        self._decoded = {key: value for key, value in entries.items() if key in self._texts}
