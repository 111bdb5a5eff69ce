"""`Record` is what `typing.NamedTuple` was to the records: the same class a type checker sees."""

from __future__ import annotations

import pickle

import pytest

from pipwarden.model import Hit, Position, Span
from pipwarden.record import Record


class Sample(Record):
    """A record with a default and a property."""

    name: str
    count: int = 0

    @property
    def twice(self) -> int:
        return 2 * self.count


def test_a_record_is_a_named_tuple_with_its_defaults_methods_and_docstring() -> None:
    sample = Sample("a")
    assert sample == ("a", 0) and sample.count == 0 and Sample("a", count=2).twice == 4
    assert sample._replace(count=3) == Sample("a", 3) and Sample._fields == ("name", "count")
    assert Sample._field_defaults == {"count": 0}
    assert Sample.__doc__ == "A record with a default and a property."
    assert Sample.__qualname__ == "Sample" and Sample.__module__ == __name__
    assert repr(Position(3, 5)) == "Position(line=3, column=5)"


def test_records_cross_to_a_worker_process() -> None:
    hit = Hit(Span(1, 4), "sudo pip")
    assert pickle.loads(pickle.dumps(hit)) == hit


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="Late: a field without a default follows"):

        class Late(Record):
            first: int = 0
            second: int
