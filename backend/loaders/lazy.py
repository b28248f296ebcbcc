"""Loaders made on first use, so a request pays only for the DataLoaders it touches.

A context has some thirty DataLoaders; making them all for every request (and again after
every write, see Context.reset_loaders) cost about 0.5 ms of a submission's 5. A group
declares its loaders as class attributes; each is built, bound to the group's database and
primed with any rows the group was given, when it is first read, and then stays in the
instance's __dict__ (a non-data descriptor, so later reads are plain attribute reads).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, Self, TypeVar, overload

from strawberry.dataloader import DataLoader

from backend.db.engine import Database

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
G = TypeVar("G", bound="LoaderGroup")

# {loader name: {key: value}} for loaders, {group name: the same, nested} for groups.
Primed = Mapping[str, Any]


class LoaderGroup:
    """Base of a set of loaders sharing one database; `primed` values are known in advance
    (the loader skips its batch for those keys)."""

    def __init__(self, db: Database, primed: Primed | None = None) -> None:
        self._db = db
        self._primed: Primed = primed or {}

    def made(self) -> list[DataLoader[Any, Any]]:
        """The loaders made so far (the others hold nothing yet)."""
        return [value for value in vars(self).values() if isinstance(value, DataLoader)]


class _MadeOnFirstUse(Generic[T]):
    """A class attribute of a LoaderGroup whose value is made per group on first read."""

    name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def make(self, group: LoaderGroup) -> T:
        raise NotImplementedError

    @overload
    def __get__(self, group: None, owner: type) -> Self: ...
    @overload
    def __get__(self, group: LoaderGroup, owner: type) -> T: ...
    def __get__(self, group: LoaderGroup | None, owner: type) -> Self | T:
        if group is None:
            return self
        made = group.__dict__[self.name] = self.make(group)
        return made


class loader(_MadeOnFirstUse[DataLoader[K, V]]):
    """A DataLoader field of a LoaderGroup, calling `load(db, keys)` per batch."""

    def __init__(self, load: Callable[[Database, list[K]], Awaitable[Sequence[V]]]) -> None:
        self.load = load

    def make(self, group: LoaderGroup) -> DataLoader[K, V]:
        made: DataLoader[K, V] = DataLoader(partial(self.load, group._db))  # type: ignore[arg-type]
        known = group._primed.get(self.name)
        if known:
            made.prime_many(known)
        return made


class subgroup(_MadeOnFirstUse[G]):
    """A nested LoaderGroup (catalog, detail), made on first use like a loader."""

    def __init__(self, kind: type[G]) -> None:
        self.kind = kind

    def make(self, group: LoaderGroup) -> G:
        return self.kind(group._db, group._primed.get(self.name))
