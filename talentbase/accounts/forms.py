import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentbase.core import scoping
from talentbase.core.forms import ScopedFilterSet, ScopedForm, style_widgets
from talentbase.core.roles import Role
from talentbase.orgs.models import Organisation
from talentbase.registry.identity import IdType
from talentbase.registry.models import Person

from .models import ApiToken, Membership, User


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名（从业人员也可用手机号码或证件号码）"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))  # fmt: skip
    new_password = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip
    new_password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class UserCreateForm(ScopedForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("单位"), queryset=Organisation.objects.filter(is_active=True)
    )
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    password = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip


class UserEditForm(ScopedForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class MembershipForm(ScopedForm):
    organisation = forms.ModelChoiceField(
        label=_("单位"), queryset=Organisation.objects.filter(is_active=True)
    )
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)


class ResetPasswordForm(ScopedForm):
    new_password = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip


class TokenForm(ScopedForm):
    name = forms.CharField(label=_("令牌用途"), max_length=100)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=730, initial=365)


class ReasonForm(ScopedForm):
    reason = forms.CharField(label=_("事由"), max_length=200)


class OptionalReasonForm(ScopedForm):
    reason = forms.CharField(label=_("事由"), max_length=200, required=False)


class NoFieldsForm(ScopedForm):
    """A button that asks for nothing."""


class EndMembershipForm(ScopedForm):
    membership = forms.ModelChoiceField(label=_("任职"), queryset=Membership.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this user's current memberships: a membership of another account is no choice here.
        if self.subject is not None:
            mine = self.subject.memberships.filter(is_active=True)
            self.fields["membership"].queryset = scoping.visible_to(self.actor, mine)


class RevokeTokenForm(ScopedForm):
    token = forms.ModelChoiceField(label=_("令牌"), queryset=ApiToken.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.subject is not None:
            mine = self.subject.api_tokens.filter(is_active=True)
            self.fields["token"].queryset = scoping.visible_to(self.actor, mine)


class UserFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("用户名或姓名"), method="search")
    role = django_filters.ChoiceFilter(
        choices=Role.choices, field_name="memberships__role", label=_("角色"), distinct=True
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="memberships__organisation",
        label=_("单位"),
        distinct=True,
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))
    locked = django_filters.BooleanFilter(label=_("已锁定"), method="filter_locked")

    class Meta:
        model = User
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def filter_locked(self, queryset, name, value):
        locked = Q(locked_until__gt=timezone.now())
        return queryset.filter(locked) if value else queryset.exclude(locked)


class ActivationForm(forms.Form):
    """A worker's first sign-in, or a forgotten password: the login name and the one-time code."""

    login_name = forms.CharField(label=_("登录名、手机号码或证件号码"), max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))  # fmt: skip
    code = forms.CharField(label=_("激活码"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}))  # fmt: skip
    password = forms.CharField(label=_("设置密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip
    password2 = forms.CharField(label=_("确认密码"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data


class WorkerAccountsForm(ScopedForm):
    """The employer chooses staff without an account; the choices are its current staff only."""

    persons = forms.ModelMultipleChoiceField(label=_("员工"), queryset=Person.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .workers import current_staff

        self.fields["persons"].queryset = current_staff(self.actor).filter(user__isnull=True)


class ReissueForm(ScopedForm):
    person = forms.ModelChoiceField(label=_("员工"), queryset=Person.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .workers import current_staff

        self.fields["person"].queryset = current_staff(self.actor).filter(user__isnull=False)


class PersonByIdForm(ScopedForm):
    """The city bureau finds a worker with no employer by their document number."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RIC)
    id_number = forms.CharField(label=_("证件号码"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
