"""Every rule, by code and name. Codes are stable once released; `catalog` must list the same."""

from __future__ import annotations

from pipwarden.model import Severity
from pipwarden.rules.base import Rule
from pipwarden.rules.environment import (
    ActivateNotSourced,
    ActivationNotPersisted,
    BreakSystemPackages,
    ExternallyManaged,
    PipOutsideVenv,
    SourceInSh,
    UserInstallInVenv,
)
from pipwarden.rules.invocation import (
    BarePip,
    BarePipConsistency,
    PipInternalApi,
    SelfUpgradeBarePip,
    SubprocessPip,
    SubprocessPipAnywhere,
)
from pipwarden.rules.privileges import (
    ChownSitePackages,
    ChownSitePackagesAnywhere,
    NonrootSystemInstall,
    RootUserInstallThenSwitch,
    SudoPip,
    SudoPipAnywhere,
)
from pipwarden.rules.tools import GlobalCliTool


class ParseError(Rule):
    """
    ## What it finds
    A file pipwarden could not read as its format: malformed YAML, a Dockerfile heredoc that
    is never closed, a file that is binary or too large. The rest of the run goes on. (Python
    that the interpreter running pipwarden cannot parse is not one: the rest of the module is
    checked, and the run says which lines were not.)

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
    caller_dependent = False  # decided by the file's own text


class UnusedSuppression(Rule):
    """
    ## What it finds
    A `# pipwarden: ignore[CODE]` (or `# noqa: CODE`) comment that suppresses nothing: the
    finding it was written for is gone, or it names the wrong code or the wrong line.

    ## Why it breaks
    A stale suppression hides the next real problem on that line, and it tells readers the line
    does something it no longer does.

    ## Example
    ```sh
    python3 -m pip install -r requirements.txt  # pipwarden: ignore[PW201]
    ```

    ## Use instead
    ```sh
    python3 -m pip install -r requirements.txt
    ```

    ## Fix safety
    No automatic fix yet: delete the comment, or the codes in it that are named in the message.

    ## References
    Suppression comments are described in this project's README.
    """

    code = "PW100"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "suppression comment that suppresses nothing"
    url = ""
    caller_dependent = False  # decided by the file's own text


RULES: tuple[Rule, ...] = (
    SudoPip(),
    SudoPipAnywhere(),
    BarePip(),
    SelfUpgradeBarePip(),
    BarePipConsistency(),
    PipOutsideVenv(),
    ActivationNotPersisted(),
    UserInstallInVenv(),
    BreakSystemPackages(),
    ExternallyManaged(),
    SourceInSh(),
    ActivateNotSourced(),
    NonrootSystemInstall(),
    RootUserInstallThenSwitch(),
    ChownSitePackages(),
    ChownSitePackagesAnywhere(),
    GlobalCliTool(),
    SubprocessPip(),
    PipInternalApi(),
    SubprocessPipAnywhere(),
)
PARSE_ERROR = ParseError()
UNUSED_SUPPRESSION = UnusedSuppression()
ALL_RULES: tuple[Rule, ...] = (UNUSED_SUPPRESSION, *RULES, PARSE_ERROR)
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES}


def lookup(key: str) -> Rule | None:
    """A rule by code (`PW201`) or kebab-case name (`bare-pip`)."""
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
