from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class AccountError(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    IP_THROTTLED = "ip_throttled"
    NO_MEMBERSHIP = "no_membership"
    BAD_CODE = "bad_code"
    CODE_REUSED = "code_reused"
    ROLE_KIND = "role_kind"
    ADMIN_SEPARATION = "admin_separation"
    SELF_ACTION = "self_action"
    NOT_OWN = "not_own"
    USERNAME_TAKEN = "username_taken"
    MEMBERSHIP_EXISTS = "membership_exists"
    NOT_STAFF = "not_staff"
    HAS_EMPLOYER = "has_employer"
    NOTHING_CHOSEN = "nothing_chosen"
    HAS_ACCOUNT = "has_account"
    NO_ACCOUNT = "no_account"
    BAD_ACTIVATION = "bad_activation"
    PASSWORD_POLICY = "password_policy"  # noqa: S105 — an error code, not a password


MESSAGES = {
    AccountError.BAD_CREDENTIALS: _("用户名或密码错误"),
    AccountError.NO_MEMBERSHIP: _("账号尚未分配单位和角色，请联系系统管理员"),
    AccountError.BAD_ACTIVATION: _("登录名或激活码不正确，或激活码已过期"),
    AccountError.BAD_CODE: _("动态口令不正确，请输入验证器上的最新 6 位数字"),
    AccountError.CODE_REUSED: _("该验证码刚刚用过，请等待下一个验证码"),
    AccountError.ADMIN_SEPARATION: _("系统管理员、安全管理员、审计管理员须由不同人员担任"),
    AccountError.SELF_ACTION: _("不能对自己的账号执行此操作"),
}
