"""The JSON round trip of the typed records in `storyline.models`: ``as_dict`` and ``from_dict``,
driven by each dataclass's fields and resolved type hints."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T", bound="Record")


class Record:
    """Mixin: JSON-friendly round trip for the dataclass records below."""

    def as_dict(self) -> dict[str, Any]:
        return _to_jsonable(self)

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        return _from_jsonable(cls, data)


# --- JSON round trip -------------------------------------------------------------------------


_PLAIN = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _record_fields(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, looked up once per class (``dataclasses.fields`` is slow on hot paths)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def _to_jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    kind: type = type(value)
    names = _record_fields(kind)
    if names is not None:
        return {name: _to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    return value


@functools.cache
def _field_hints(tp: type) -> tuple[tuple[str, Any], ...]:
    """(field name, resolved type) of a record class, resolved once: get_type_hints is slow."""
    hints = typing.get_type_hints(tp)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(tp))


def _from_jsonable(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_jsonable(options[0], data) if len(options) == 1 else data
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return [_from_jsonable(item, v) for v in data]
    if origin is tuple:
        args = typing.get_args(tp)
        return tuple(_from_jsonable(a, v) for a, v in zip(args, data, strict=False))
    if origin is dict:
        return dict(data)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        kwargs = {name: _from_jsonable(hint, data[name]) for name, hint in _field_hints(tp) if name in data}
        return tp(**kwargs)
    if tp is datetime:
        return datetime.fromisoformat(data)
    if tp is date:
        return date.fromisoformat(data)
    return data
