from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).parent / "conftest.py"


def test_fixture_files_are_never_collected(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    # The project's own pytest settings (pyproject.toml) do not reach the inner run.
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.mkdir("cases")
    (pytester.path / "cases" / "test_install.py").write_text("def test_x():\n    pass\n")
    pytester.makepyfile(test_real="def test_y():\n    pass\n")
    result = pytester.runpytest("--collect-only", "-q")
    assert result.outlines[:1] == ["test_real.py::test_y"]
