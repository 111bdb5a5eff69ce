"""Rule documentation has one source, the rules themselves; what is generated from it is
current, and every page a rule links is on a checked list of authoritative documentation."""

from __future__ import annotations

import re
from pathlib import Path

from pipwarden.frontends import (
    azure,
    circleci,
    codebuild,
    dockerfile,
    github,
    gitlab,
    makefile,
    readthedocs,
    taskfile,
)
from pipwarden.rules.docs import generated_pages, with_environments_table, with_rules_table
from pipwarden.rules.registry import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent

# Checked by hand against the documentation itself (see shared/research/remedies.md): a new
# link is added here only once its page and anchor have been seen.
AUTHORITATIVE = {
    "https://circleci.com/docs/set-environment-variable/#set-an-environment-variable-in-a-shell-command",
    "https://docs.astral.sh/uv/guides/tools/#installing-tools",
    "https://docs.brew.sh/Homebrew-and-Python#pep-668-and-virtual-environments",
    "https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-cmd.html",
    "https://docs.docker.com/build/building/best-practices/#user",
    "https://docs.docker.com/reference/dockerfile/#env",
    "https://docs.docker.com/reference/dockerfile/#shell-form",
    "https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-system-path",
    "https://docs.gitlab.com/ci/yaml/#after_script",
    "https://docs.python.org/3/installing/index.html#installing-into-the-system-python-on-linux",
    "https://docs.readthedocs.io/en/stable/build-customization.html",
    "https://github.com/actions/runner-images/blob/main/images/ubuntu/scripts/build/install-python.sh",
    "https://docs.python.org/3/installing/index.html#work-with-multiple-versions-of-python-installed-in-parallel",
    "https://docs.python.org/3/library/site.html#site.USER_BASE",
    "https://docs.python.org/3/library/venv.html#how-venvs-work",
    "https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands",
    "https://packaging.python.org/en/latest/guides/installing-stand-alone-command-line-tools/",
    "https://packaging.python.org/en/latest/guides/installing-using-pip-and-virtual-environments/#create-a-new-virtual-environment",
    "https://packaging.python.org/en/latest/specifications/externally-managed-environments/#keep-the-marker-file-in-container-images",
    "https://packaging.python.org/en/latest/specifications/externally-managed-environments/#marking-an-interpreter-as-using-an-external-package-manager",
    "https://peps.python.org/pep-0668/",
    "https://pip.pypa.io/en/stable/installation/#upgrading-pip",
    "https://pip.pypa.io/en/stable/topics/configuration/#environment-variables",
    "https://pip.pypa.io/en/stable/user_guide/#running-pip",
    "https://pip.pypa.io/en/stable/user_guide/#using-pip-from-your-program",
    "https://pip.pypa.io/en/stable/user_guide/#user-installs",
    "https://pip.pypa.io/warnings/venv",
    "https://pipx.pypa.io/stable/#pip-vs-pipx",
    "https://taskfile.dev/faq/",
    "https://www.gnu.org/software/make/manual/html_node/Execution.html",
}


def test_rule_pages_are_current() -> None:
    pages = ROOT / "docs" / "rules"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in pages.glob("*.md")}
    assert on_disk == generated_pages(ALL_RULES), "run: python scripts/update_docs.py"


def test_readme_tables_are_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_rules_table(readme, ALL_RULES), "run: python scripts/update_docs.py"
    assert readme == with_environments_table(readme), "run: python scripts/update_docs.py"


def test_every_link_is_authoritative() -> None:
    linked = {rule.url for rule in ALL_RULES if rule.url}
    for rule in ALL_RULES:
        linked |= set(re.findall(r"https://\S+", rule.documentation()))
    for module in (
        dockerfile,
        makefile,
        github,
        gitlab,
        circleci,
        azure,
        codebuild,
        readthedocs,
        taskfile,
    ):
        linked.add(module.BOUNDARY.url)
    assert linked <= AUTHORITATIVE, sorted(linked - AUTHORITATIVE)
    assert len(linked) > 15
