"""A validation problem of a scenario: what `validation.validate` and the simulation checks report.

Pure Python. The message is an English template marked with `N_()`; `Problem.text(gettext)`
translates and fills it (a condition's own error, `detail`, translated with it).
"""
from dataclasses import dataclass, field

from rtcm_xblocks.common.quoting import excerpts

__all__ = ["Problem"]


def _identity(message):
    return message


@dataclass(frozen=True)
class Problem:
    """A validation problem: stable `code`, English `message` template, the node concerned."""

    code: str
    message: str
    params: dict = field(default_factory=dict)
    node: str | None = None
    severity: str = "error"
    detail: object = None  # a conditions.ConditionError the message's {detail} names

    def text(self, gettext=_identity):
        """The message translated with `gettext` and filled with its parameters (text quoted as a short prefix)."""
        params = excerpts(self.params)
        if self.detail is not None:
            params["detail"] = self.detail.text(gettext)
        return gettext(self.message).format(**params)
