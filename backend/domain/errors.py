"""Business failures: every problem names the input field it is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input. `path` is relative to the mutation's input object."""

    path: tuple[str, ...]
    code: str
    message: str


class DomainError(Exception):
    """Raised to abort a write: the transaction rolls back and the problems go to the caller."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{'.'.join(p.path)}: {p.message}" for p in self.problems))

    @classmethod
    def single(cls, path: str | tuple[str, ...] | None, code: str, message: str) -> DomainError:
        if path is None:
            parts: tuple[str, ...] = ()
        elif isinstance(path, str):
            parts = (path,)
        else:
            parts = path
        return cls([Problem(parts, code, message)])


def not_found(path: str, what: str) -> DomainError:
    return DomainError.single(path, "NOT_FOUND", f"{what} not found.")


def forbidden(message: str = "You are not allowed to do this.") -> DomainError:
    return DomainError.single(None, "FORBIDDEN", message)
