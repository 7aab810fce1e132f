"""Build caches as data: JSON read back through a typed adapter, never code.

The caches used to be pickles, and loading a pickle runs code: a cache folder planted in
a checkout ran it during `mifa build`. Now every entry is JSON whose shape a pydantic
adapter checks as it is read. An entry that does not parse or has the wrong shape reads
as missing, so its value is made again; an entry is written only when it reads back equal
to the value it came from (text with lone surrogates, or an infinite number, would not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
import pydantic

T = TypeVar("T")


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one kind of value is stored: `dump` writes it as JSON, `adapter` checks the stored
    JSON and `from_data` turns the checked data back into the value."""

    adapter: pydantic.TypeAdapter[Any]
    dump: Callable[[T], bytes]
    from_data: Callable[[Any], T] = _same
    context: dict[str, Any] | None = None
    """Passed to the adapter's validators."""

    @classmethod
    def of(cls, kind: Any) -> Codec[Any]:
        """A codec for a type pydantic can check by itself (dataclasses, models, containers)."""
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(kind)
        return cls(adapter, adapter.dump_json)

    @classmethod
    def parts(cls, kind: Any, to_data: Callable[[T], Any], from_data: Callable[[Any], T],
              context: dict[str, Any] | None = None) -> Codec[T]:
        """A codec for a value stored as parts: `to_data` gives JSON-able parts, checked as `kind`."""
        return cls(pydantic.TypeAdapter(kind), lambda value: orjson.dumps(to_data(value)), from_data, context)

    def encode(self, value: T) -> str | None:
        """The value as JSON text, or None when it would not read back as the same value."""
        try:
            text = self.dump(value).decode("utf-8")
        except (TypeError, ValueError):  # orjson's and pydantic's errors are these
            return None
        return text if self.decode(text) == value else None

    def decode(self, text: str | bytes) -> T | None:
        """The value stored as `text`, or None when the text is not that kind of value."""
        try:
            return self.from_data(self.adapter.validate_json(text, context=self.context))
        except (ValueError, TypeError):  # pydantic.ValidationError is a ValueError
            return None
