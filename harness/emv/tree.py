"""What MPM and CPM trees share: objects with optional `children`, walked depth first."""
from __future__ import annotations

from typing import Iterable, Iterator, Protocol, TypeVar


class Node(Protocol):
    @property
    def children(self) -> "tuple | None": ...


N = TypeVar("N", bound=Node)


def walk(objects: Iterable[N]) -> Iterator[N]:
    """Every object, depth first, in payload order."""
    stack = list(reversed(tuple(objects)))
    while stack:
        obj = stack.pop()
        yield obj
        if obj.children:
            stack.extend(reversed(obj.children))
