from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class AccountError(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    IP_THROTTLED = "ip_throttled"
    NO_MEMBERSHIP = "no_membership"
    BAD_CODE = "bad_code"
    ROLE_KIND = "role_kind"
    ADMIN_SEPARATION = "admin_separation"
    SELF_ACTION = "self_action"
    NOT_OWN = "not_own"
    USERNAME_TAKEN = "username_taken"
    MEMBERSHIP_EXISTS = "membership_exists"
    PASSWORD_POLICY = "password_policy"  # noqa: S105 — an error code, not a password


MESSAGES = {
    AccountError.BAD_CREDENTIALS: _("用户名或密码错误"),
    AccountError.IP_THROTTLED: _("该地址登录失败次数过多，请 15 分钟后再试"),
    AccountError.NO_MEMBERSHIP: _("账号尚未分配单位和角色，请联系系统管理员"),
    AccountError.BAD_CODE: _("动态口令不正确或已使用，请输入验证器上的最新 6 位数字"),
    AccountError.ADMIN_SEPARATION: _("系统管理员、安全管理员、审计管理员须由不同人员担任"),
    AccountError.SELF_ACTION: _("不能对自己的账号执行此操作"),
}
