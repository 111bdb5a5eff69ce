"""--fix, --unsafe-fixes, --diff: the exact text a fix leaves, and that files are written the
way they were (mode, BOM, line endings, bytes that are not UTF-8), only when asked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipwarden.cli import main
from pipwarden.config import Settings
from pipwarden.rules.catalog import CATALOG
from pipwarden.run import fix_files, run

from .conftest import write


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", "--fix", "--output-format", "concise", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_dockerfile_crlf_continuation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = (
        b"FROM python:3.12-slim\r\nRUN pip install -r req.txt \\\r\n    && pip3 download x\r\n"
    )
    write(project, {"Dockerfile": original})
    code, out, err = fix(capsys, "--extend-select", "PW203", "Dockerfile")
    assert (code, out, err) == (0, "All checks passed!\n", "Fixed 2 findings.\n")
    assert (project / "Dockerfile").read_bytes() == (
        b"FROM python:3.12-slim\r\nRUN python -m pip install -r req.txt \\\r\n    && python3 -m pip download x\r\n"
    )


def test_workflow_run_block_changes_nothing_else(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = (
        "name: ci   # keep this comment\n"
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/setup-python@v5\n"
        "      - run: |\n"
        "          python3 -m venv .venv\n"
        "          pip3 install .\n"
        "        shell: bash\n"
    )
    write(project, {".github/workflows/ci.yml": workflow})
    assert fix(capsys, "--select", "ALL", ".")[0] == 0
    assert (project / ".github/workflows/ci.yml").read_text() == workflow.replace(
        "          pip3 install .\n", "          python3 -m pip install .\n"
    )


def test_make_variable_is_fixed_at_its_assignment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        project,
        {
            "Makefile": "PIP := pip3\ntest:\n\t$(PIP) install -e .\n\t$(PIP) check\n\tpython3 -m pytest\n"
        },
    )
    assert fix(capsys, "--extend-select", "PW203", ".")[0] == 0
    assert (
        (project / "Makefile").read_text()
        == "PIP := python3 -m pip\ntest:\n\t$(PIP) install -e .\n\t$(PIP) check\n\tpython3 -m pytest\n"
    )


FIXABLE = {
    # rule: (file, text, fixed text)
    "PW101": (  # a CI job in a container runs as root: sudo adds nothing
        ".gitlab-ci.yml",
        "test:\n  image: python:3.12\n  script:\n    - sudo -H python -m pip install x\n",
        "test:\n  image: python:3.12\n  script:\n    - python -m pip install x\n",
    ),
    "PW201": (
        "a.sh",
        "#!/bin/sh\npip3.12 install x\npython3 -c 'import x'\n",
        "#!/bin/sh\npython3 -m pip install x\npython3 -c 'import x'\n",
    ),
    "PW202": (
        ".github/workflows/b.yml",
        "on: push\njobs:\n  t:\n    runs-on: windows-latest\n    steps:\n      - run: pip install -U pip\n",
        "on: push\njobs:\n  t:\n    runs-on: windows-latest\n    steps:\n      - run: python -m pip install -U pip\n",
    ),
    "PW303": (
        "c.sh",
        "#!/bin/sh\n. venv/bin/activate && python -m pip install --user x\n",
        "#!/bin/sh\n. venv/bin/activate && python -m pip install x\n",
    ),
    "PW306": ("d.sh", "#!/bin/sh\nsource venv/bin/activate\n", "#!/bin/sh\n. venv/bin/activate\n"),
    "PW307": (
        "f.sh",
        "#!/bin/sh\n./venv/bin/activate && sh venv/bin/activate\n",
        "#!/bin/sh\n. ./venv/bin/activate && . venv/bin/activate\n",
    ),
    "PW100": (
        "e.sh",
        "#!/bin/sh\n# pipwarden: ignore[PW201] old\npython3 -m pip install x  # noqa: PW101, PW201\n",
        "#!/bin/sh\npython3 -m pip install x\n",
    ),
}


@pytest.mark.parametrize("code", sorted(FIXABLE))
def test_each_fixable_rule_and_a_second_fix_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    name, text, fixed = FIXABLE[code]
    write(project, {name: text})
    main(["check", "--output-format", "concise", name])
    assert f" {code} " in capsys.readouterr().out
    assert fix(capsys, name)[0] == 0
    assert (project / name).read_text() == fixed
    assert fix(capsys, name)[1:] == ("All checks passed!\n", "")
    assert (project / name).read_text() == fixed


def test_unsafe_fixes_only_when_asked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Dropping sudo where the shell is not root: unsafe (the install then needs a venv).
    write(project, {"install.sh": "#!/bin/bash\nsudo pip install x\napt-get install -y git\n"})
    code, out, _ = fix(capsys, "install.sh")
    assert code == 1 and "(1 more fixable with `--fix --unsafe-fixes`.)" in out
    assert (
        project / "install.sh"
    ).read_text() == "#!/bin/bash\nsudo pip install x\napt-get install -y git\n"
    assert fix(capsys, "--unsafe-fixes", "install.sh")[0] == 0
    assert (
        project / "install.sh"
    ).read_text() == "#!/bin/bash\npip install x\napt-get install -y git\n"


def test_fixes_land_after_characters_wider_than_a_byte(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tree-sitter counts bytes, an edit characters: "→", "完成" and "🐍" before a fix on
    the same line must not move it."""
    write(
        project,
        {
            "setup.sh": '#!/bin/sh\necho "→ 完成 🐍" && source venv/bin/activate; '
            'echo "✔"; source .venv/bin/activate\n'
        },
    )
    assert fix(capsys, "setup.sh")[0] == 0
    assert (project / "setup.sh").read_text() == (
        '#!/bin/sh\necho "→ 完成 🐍" && . venv/bin/activate; echo "✔"; . .venv/bin/activate\n'
    )


def test_diff_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project, {"d.sh": "#!/bin/sh\nsource venv/bin/activate\n"})
    assert main(["check", "--diff", "d.sh"]) == 1
    out, err = capsys.readouterr()
    assert (
        out
        == "--- a/d.sh\n+++ b/d.sh\n@@ -1,2 +1,2 @@\n #!/bin/sh\n-source venv/bin/activate\n+. venv/bin/activate\n"
    )
    assert err == "Would fix 1 finding.\n"
    assert (project / "d.sh").read_text() == "#!/bin/sh\nsource venv/bin/activate\n"
    write(project, {"d.sh": "#!/bin/sh\n. venv/bin/activate\n"})
    assert main(["check", "--diff", "d.sh"]) == 0


def test_mode_bom_and_undecodable_bytes_are_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = b"\xef\xbb\xbf#!/bin/sh\n# caf\xe9\nsource venv/bin/activate\n"
    write(project, {"run.sh": original})
    os.chmod(project / "run.sh", 0o750)
    assert fix(capsys, "run.sh")[0] == 0
    assert (
        project / "run.sh"
    ).read_bytes() == b"\xef\xbb\xbf#!/bin/sh\n# caf\xe9\n. venv/bin/activate\n"
    assert (project / "run.sh").stat().st_mode & 0o777 == 0o750


def test_a_file_changed_since_it_was_read_is_not_overwritten(project: Path) -> None:
    write(project, {"d.sh": "#!/bin/sh\nsource venv/bin/activate\n"})
    settings = Settings(frozenset(CATALOG))
    result = run(["d.sh"], settings)
    write(project, {"d.sh": "#!/bin/sh\nsource venv/bin/activate\necho edited\n"})
    outcome = fix_files(result, settings, unsafe=False, write=True)
    assert outcome.errors and "not fixed" in outcome.errors[0]
    assert (project / "d.sh").read_text().endswith("echo edited\n")


def test_json_and_text_mark_fixable_findings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"d.sh": "#!/bin/sh\nsource venv/bin/activate\n"})
    main(["check", "--output-format", "concise", "d.sh"])
    out = capsys.readouterr().out
    assert out.splitlines() == [
        'd.sh:2:1: PW306 [*] `source` is not a command in /bin/sh (dash on Debian and Ubuntu): it fails with "source: not found" and nothing is activated',
        "Found 1 finding (1 error).",
        "[*] 1 fixable with `--fix`.",
    ]


def test_a_wrapper_calls_pip_is_fixed_at_the_call(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run pip install six` runs that pip through `"$@"`: the fix rewrites the call's words,
    not the wrapper's body, and a second `--fix` changes nothing."""
    script = (
        '#!/bin/bash\nrun() {\n    echo "+ $*"\n    "$@"\n}\n'
        "run pip install six\nrun pip3 install --upgrade wheel\n"
    )
    write(project, {"setup.sh": script})
    assert fix(capsys, "--select", "ALL", "--unsafe-fixes", "setup.sh")[2] == "Fixed 2 findings.\n"
    fixed = script.replace("run pip install", "run python3 -m pip install").replace(
        "run pip3 install", "run python3 -m pip install"
    )
    assert (project / "setup.sh").read_text() == fixed
    assert fix(capsys, "--select", "ALL", "--unsafe-fixes", "setup.sh")[:2] == (
        0,
        "All checks passed!\n",
    )
    assert (project / "setup.sh").read_text() == fixed
