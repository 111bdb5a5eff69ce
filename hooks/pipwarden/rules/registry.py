"""Every rule, by code and name. Codes are stable once released; `catalog` must list the same."""

from __future__ import annotations

from pipwarden.model import Severity
from pipwarden.rules.base import Rule
from pipwarden.rules.environment import (
    ActivationNotPersisted,
    BreakSystemPackages,
    ExternallyManaged,
    PipOutsideVenv,
    SourceInSh,
    UserInstallInVenv,
)
from pipwarden.rules.invocation import BarePip, SelfUpgradeBarePip
from pipwarden.rules.privileges import (
    ChownSitePackages,
    NonrootSystemInstall,
    RootUserInstallThenSwitch,
    SudoPip,
)
from pipwarden.rules.tools import GlobalCliTool


class ParseError(Rule):
    """
    ## What it finds
    A file pipwarden could not read as its format: malformed YAML, a Dockerfile heredoc that
    is never closed, a file that is binary or too large. The rest of the run goes on.

    ## Why it breaks
    Nothing in the file was checked, so problems in it stay hidden; often the tool that runs
    the file (docker build, make, the CI service) rejects it too.

    ## Example
    ```dockerfile
    RUN <<EOF
    pip install requests
    ```

    ## Use instead
    ```dockerfile
    RUN <<EOF
    python -m pip install requests
    EOF
    ```

    ## Fix safety
    No automatic fix.

    ## References
    The format's own reference: the Dockerfile reference, the YAML specification, the GNU
    Make manual.
    """

    code = "PW900"
    name = "parse-error"
    severity = Severity.ERROR
    summary = "file could not be read as its format"
    url = ""


RULES: tuple[Rule, ...] = (
    SudoPip(),
    BarePip(),
    SelfUpgradeBarePip(),
    PipOutsideVenv(),
    ActivationNotPersisted(),
    UserInstallInVenv(),
    BreakSystemPackages(),
    ExternallyManaged(),
    SourceInSh(),
    NonrootSystemInstall(),
    RootUserInstallThenSwitch(),
    ChownSitePackages(),
    GlobalCliTool(),
)
PARSE_ERROR = ParseError()
ALL_RULES: tuple[Rule, ...] = (*RULES, PARSE_ERROR)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES}


def lookup(key: str) -> Rule | None:
    """A rule by code (`PW201`) or kebab-case name (`bare-pip`)."""
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
