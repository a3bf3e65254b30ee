"""Password rules (等保 level 3): at least 8 characters (12 for back-office roles), at least three of the
four character classes, and nothing built from the user's own data."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
BACK_OFFICE_MIN_LENGTH = 12

CLASSES = (
    ("lower", re.compile(r"[a-z]")),
    ("upper", re.compile(r"[A-Z]")),
    ("digit", re.compile(r"[0-9]")),
    ("other", re.compile(r"[^A-Za-z0-9]")),
)


def required_length(user) -> int:
    """12 for a user who holds, or is about to be given (``user.pending_roles``), a back-office role."""
    if user is None:
        return MIN_LENGTH
    pending = getattr(user, "pending_roles", ())
    return BACK_OFFICE_MIN_LENGTH if user.is_back_office(extra_roles=pending) else MIN_LENGTH


class RoleLengthValidator:
    def validate(self, password, user=None):
        minimum = required_length(user)
        if len(password) < minimum:
            raise ValidationError(
                _("密码至少需要 %(minimum)d 个字符"), code="password_too_short", params={"minimum": minimum}
            )

    def get_help_text(self):
        return _("密码至少 8 个字符；管理部门和管理员账号至少 12 个字符。")


def character_classes(password: str) -> int:
    return sum(1 for _name, pattern in CLASSES if pattern.search(password))


class CharacterClassesValidator:
    def validate(self, password, user=None):
        if character_classes(password) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes"
            )

    def get_help_text(self):
        return _("须包含大写字母、小写字母、数字、符号中的至少三类。")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


class PersonalDataValidator:
    """Refuse a password that contains the username, the e-mail's name or the person's name."""

    def validate(self, password, user=None):
        if user is None:
            return
        folded = _fold(password)
        email_name = (getattr(user, "email", "") or "").partition("@")[0]
        for value in (getattr(user, "username", ""), email_name, getattr(user, "full_name", "")):
            value = _fold(value)
            if len(value) >= 3 and value in folded:
                raise ValidationError(_("密码不能包含用户名、邮箱或姓名"), code="password_personal_data")

    def get_help_text(self):
        return _("不能包含用户名、邮箱或姓名。")
