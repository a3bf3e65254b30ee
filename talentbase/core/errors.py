"""The one error type of domain refusals, and core's own codes.

An action refuses with ``DomainError(code, message)``; pages show the message next to the field, the
API answers 400 with the code. Each app keeps its codes in its own ``errors.py``.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class CoreError(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    TRANSITION_REFUSED = "transition_refused"
    COMMENT_REQUIRED = "comment_required"
    STALE_STATE = "stale_state"
    INVALID = "invalid"
    PROTECTED = "protected"
    OWNER_INACTIVE = "job_owner_inactive"


OUT_OF_SCOPE_MESSAGE = _("该记录不在您的管辖范围内")
PROTECTED_MESSAGE = _("该记录已被其他数据引用，不能删除；可改为停用")
