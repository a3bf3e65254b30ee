"""The administrators' buttons on a user's page. An account has no workflow states: each button's role is
its permission (等保: the system administrator manages accounts, the security administrator unlocks and
resets second factors), and ``when`` says when it is offered. Nobody acts on their own account here."""

from django.utils.translation import gettext_lazy

from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import forms

ACTIONS = "talentbase.accounts.actions."
SYSADMIN, SECADMIN = [Role.SYSTEM_ADMIN], [Role.SECURITY_ADMIN]


def another_account(user, actor) -> bool:
    return user.pk != actor.user_id


def active_account(user, actor) -> bool:
    return user.is_active and another_account(user, actor)


def disabled_account(user, actor) -> bool:
    return not user.is_active and another_account(user, actor)


def locked_account(user, actor) -> bool:
    return user.is_locked()


def has_active_membership(user, actor) -> bool:
    return user.memberships.filter(is_active=True).exists()


def has_active_token(user, actor) -> bool:
    return user.api_tokens.filter(is_active=True).exists()


USER_WORKFLOW = Workflow(
    model="accounts.User", field=None, object_argument="user", scope_action="view",
    transitions=[
        Transition("disable", roles=SYSADMIN, label=gettext_lazy("停用账号"), form=forms.OptionalReasonForm,
                   action=ACTIONS + "disable_user", when=active_account, comment_field="reason",
                   style="outline-danger"),
        Transition("enable", roles=SYSADMIN, label=gettext_lazy("启用账号"), action=ACTIONS + "enable_user",
                   form=forms.NoFieldsForm, when=disabled_account, style="outline-success"),
        Transition("unlock", roles=SECADMIN, label=gettext_lazy("解除锁定"), action=ACTIONS + "unlock_user",
                   form=forms.NoFieldsForm, when=locked_account, style="outline-warning"),
        Transition("reset-totp", roles=SECADMIN, label=gettext_lazy("重置动态口令"), form=forms.ReasonForm,
                   action=ACTIONS + "reset_second_factor", when=another_account, comment_field="reason",
                   style="outline-danger"),
        Transition("reset-password", roles=SYSADMIN, label=gettext_lazy("重置密码"), form=forms.ResetPasswordForm,
                   action=ACTIONS + "set_password_by_admin", when=another_account, style="outline-primary"),
        Transition("add-membership", roles=SYSADMIN, label=gettext_lazy("增加任职"), form=forms.MembershipForm,
                   action=ACTIONS + "add_membership", style="outline-success"),
        Transition("end-membership", roles=SYSADMIN, label=gettext_lazy("结束任职"), form=forms.EndMembershipForm,
                   action=ACTIONS + "end_user_membership", when=has_active_membership, style="outline-danger"),
        Transition("issue-token", roles=SYSADMIN, label=gettext_lazy("签发令牌"), form=forms.TokenForm,
                   action="talentbase.accounts.tokens.issue_token", style="outline-success"),
        Transition("revoke-token", roles=SYSADMIN, label=gettext_lazy("吊销"), form=forms.RevokeTokenForm,
                   action="talentbase.accounts.tokens.revoke_user_token", when=has_active_token,
                   style="outline-danger"),
    ],
)  # fmt: skip
