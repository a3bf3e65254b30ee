"""统一社会信用代码 (GB 32100-2015), checked with python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc


def normalise_credit_code(value: str) -> str:
    """Upper case, without spaces or full-width characters (people paste codes from Word and WeChat)."""
    import unicodedata

    return unicodedata.normalize("NFKC", value or "").replace(" ", "").replace("-", "").upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    try:
        uscc.validate(code)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)s 位"),
            code="credit_code_length",
            params={"length": len(code)},
        ) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(
            _("统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）"), code="credit_code_format"
        ) from None
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对后重新输入"), code="credit_code_checksum"
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("统一社会信用代码无效"), code="credit_code_invalid") from None
