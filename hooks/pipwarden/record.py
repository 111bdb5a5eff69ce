"""`Record`: `typing.NamedTuple` as type checkers see it, built at run time by
`collections.namedtuple` directly. `typing.NamedTuple` turns each field's annotation, a string
under `from __future__ import annotations`, into a `ForwardRef` that compiles it: for the eighty
records a check imports, that was a tenth of a five-file commit's run."""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:

    class _RecordType(type):
        """Makes `class Name(Record): field: type = default ...` the `namedtuple` of those
        fields and defaults, with the class body's docstring, methods and properties, as
        `typing.NamedTuple` does (without evaluating the annotations)."""

        def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
            if not bases:  # Record itself
                return super().__new__(mcs, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            with_default = [field for field in fields if field in namespace]
            # namedtuple gives its defaults to the last fields.
            if with_default != fields[len(fields) - len(with_default) :]:
                raise TypeError(f"{name}: a field without a default follows one with a default")
            record = namedtuple(
                name,
                fields,
                defaults=[namespace[field] for field in with_default],
                module=namespace["__module__"],
            )
            for key, value in namespace.items():
                if key not in fields:
                    setattr(record, key, value)
            return record

    class Record(metaclass=_RecordType):
        """The base of a record class: `class Position(Record): line: int; column: int`."""
