"""GitHub Actions expressions as the file decides them: the strings an `env:` value gets."""

from __future__ import annotations

import pytest

from pipwarden.frontends.expressions import UNKNOWN, evaluate

WINDOWS = {"matrix.os": "windows-latest"}


@pytest.mark.parametrize(
    ("text", "known", "value"),
    [
        ("${{ matrix.os == 'windows-latest' && 'Scripts' || 'bin' }}", WINDOWS, "Scripts"),
        ("${{ matrix.os == 'windows-latest' && 'Scripts' || 'bin' }}", {}, None),
        # GitHub writes a boolean or a number into the environment as text.
        ("${{ matrix.os == 'windows-latest' }}", WINDOWS, "true"),
        ("${{ matrix.os != 'windows-latest' }}", WINDOWS, "false"),
        ("${{ matrix.python }}", {"matrix.python": 3.1}, "3.1"),
        ("${{ matrix.jobs }}", {"matrix.jobs": 4.0}, "4"),
        ("${{ matrix.extra }}", {"matrix.extra": None}, ""),
        # Undecided on the left, the value is either side: only its truth is known.
        ("${{ matrix.os || 'bin' }}", {"matrix.os": UNKNOWN}, None),
        ("${{ matrix.os && '' }}", {}, None),
        ("text ${{ matrix.os }}", WINDOWS, None),
    ],
)
def test_env_value_of_an_expression(text: str, known: dict[str, object], value: str | None) -> None:
    assert evaluate(text, known) == value
