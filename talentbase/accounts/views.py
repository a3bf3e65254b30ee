"""Sign-in pages and the administrators' account pages."""

import base64

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from talentbase.core import scoping, workflow
from talentbase.core.errors import DomainError
from talentbase.core.navigation import register_menu
from talentbase.core.roles import ADMIN_ROLES, Role
from talentbase.core.tables import Column
from talentbase.core.views import (
    ActorRequiredMixin,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    TransitionView,
    apply_domain_error,
)
from talentbase.registry import queries as registry_queries
from talentbase.registry.models import Person

from . import actions, forms, login, queries, workers
from .actors import SESSION_MEMBERSHIP_KEY
from .models import User


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


class LoginView(TemplateView):
    template_name = "accounts/login.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("core:home")
        return self.render_to_response({"form": forms.LoginForm(), "next": request.GET.get("next", "")})

    def post(self, request, *args, **kwargs):
        form = forms.LoginForm(request.POST)
        if form.is_valid():
            outcome = login.check_password_step(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
            if outcome.ok:
                user = outcome.user
                if login.needs_second_factor(user):
                    login.begin_pending(request, user)
                    target = "accounts:otp-verify" if login.confirmed_totp(user) else "accounts:otp-setup"
                    return redirect(f"{reverse(target)}?next={_next_url(request)}")
                login.finish_login(request, user)
                return HttpResponseRedirect(_next_url(request))
            form.add_error(None, outcome.error)
        return self.render_to_response({"form": form, "next": request.POST.get("next", "")}, status=400)


class SecondFactorView(TemplateView):
    """Both second-factor pages: verification of a known device, or enrolment of a new one."""

    template_name = "accounts/otp.html"
    enrol = False

    def device(self, user):
        return login.enrolment_device(user) if self.enrol else login.confirmed_totp(user)

    def dispatch(self, request, *args, **kwargs):
        self.user = login.pending_user(request)
        if self.user is None:
            messages.info(request, _("请重新输入用户名和密码"))
            return redirect("accounts:login")
        if self.enrol and login.confirmed_totp(self.user) is not None:
            # A user with a device proves it: enrolling another would let the password alone in.
            return redirect("accounts:otp-verify")
        if self.device(self.user) is None:
            return redirect("accounts:otp-setup")
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        context = {"form": form, "enrol": self.enrol, "next": self.request.GET.get("next", "")}
        if self.enrol:
            device = self.device(self.user)
            context["secret"] = device.bin_key and _base32(device.bin_key)
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context(forms.CodeForm()))

    def post(self, request, *args, **kwargs):
        form = forms.CodeForm(request.POST)
        if form.is_valid():
            device = self.device(self.user)
            outcome = login.check_code_step(request, self.user, device, form.cleaned_data["code"])
            if outcome.ok:
                login.finish_login(request, self.user, device)
                return HttpResponseRedirect(_next_url(request))
            form.add_error("code", outcome.error)
        return self.render_to_response(self.context(form), status=400)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


class LogoutView(View):
    def post(self, request):
        login.sign_out(request)
        messages.info(request, _("您已安全退出"))
        return redirect("accounts:login")


class ProfileView(ActorRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            memberships=user.active_memberships(),
            personal_worker=workers.person_of_account(user) is not None,
            has_totp=queries.has_second_factor(user),
            password_form=forms.PasswordChangeForm(),
            title=_("我的账号"),
            **kwargs,
        )


class PasswordChangeView(ActorRequiredMixin, TemplateView):
    template_name = "accounts/password_change.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": forms.PasswordChangeForm(), "title": _("修改密码")})

    def post(self, request, *args, **kwargs):
        form = forms.PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                actions.change_password(actor=self.actor, request=request,
                                        old_password=form.cleaned_data["old_password"],
                                        new_password=form.cleaned_data["new_password"])  # fmt: skip
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("密码已修改，其他设备上的登录已退出"))
                return redirect("accounts:profile")
        return self.render_to_response({"form": form, "title": _("修改密码")}, status=400)


class SwitchMembershipView(ActorRequiredMixin, View):
    def post(self, request):
        membership = request.user.active_memberships().filter(pk=request.POST.get("membership")).first()
        if membership is not None:
            request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
        return redirect("core:home")


# --- Administrators' account pages


class UserListView(ObjectListView):
    model = User
    filterset_class = forms.UserFilter
    default_ordering = "username"
    create_url_name = "accounts:user-create"
    export_name = "users"
    columns = [
        Column("username", gettext_lazy("用户名"), order_by="username", link=True),
        Column("full_name", gettext_lazy("姓名"), order_by="full_name"),
        Column("memberships_label", gettext_lazy("单位与角色")),
        Column("is_active", gettext_lazy("启用"), order_by="is_active"),
        Column("locked_until", gettext_lazy("锁定至"), order_by="locked_until"),
        Column("last_login", gettext_lazy("最近登录"), order_by="last_login"),
    ]

    def base_queryset(self):
        return User.objects.prefetch_related("memberships__organisation")


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    fields = UserListView.columns + [
        Column("email", gettext_lazy("电子邮箱")),
        Column("date_joined", gettext_lazy("创建时间")),
        Column("password_changed_at", gettext_lazy("密码修改时间")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = context["object"]
        # The buttons shown are exactly the transitions available (accounts/workflows.py), each with its form.
        offered = {
            o["transition"].name.replace("-", "_"): o["form"] for o in workflow.offered(user, self.actor)
        }
        context.update(
            {
                "memberships": user.memberships.select_related("organisation"),
                "has_totp": queries.has_second_factor(user),
                "can": offered,
                "api_tokens": user.api_tokens.all(),
            }
        )
        return context


class UserCreateView(ObjectFormView):
    model = User
    form_class = forms.UserCreateForm
    title = gettext_lazy("新增用户")
    success_message = gettext_lazy("用户已创建")

    def perform(self, form, obj):
        return actions.create_user(actor=self.actor, **form.cleaned_data)


class UserEditView(ObjectFormView):
    model = User
    form_class = forms.UserEditForm
    title = gettext_lazy("修改用户")

    def initial(self, user) -> dict:
        return {"full_name": user.full_name, "email": user.email}

    def perform(self, form, user):
        return actions.update_user(actor=self.actor, user=user, **form.cleaned_data)


class UserCommandView(TransitionView):
    """The administrators' buttons on a user's page: accounts/workflows.py."""

    model = User

    def success_url(self, outcome) -> str:
        return reverse("accounts:user-detail", args=[outcome.obj.pk])

    def after(self, outcome):
        if outcome.transition.name != "issue-token":
            return None
        _token, text = outcome.result
        # Shown once, in the response to this POST: never in a URL, the session or any other store.
        return UserDetailView.shown_once(self.request, outcome.obj.pk, issued_token=text)


register_menu(
    section="accounts", label=gettext_lazy("用户管理"), url_name="accounts:user-list", roles=ADMIN_ROLES,
    order=800, icon="people", description=gettext_lazy("账号、任职、锁定与动态口令"),
    count=lambda actor: scoping.visible_to(actor, User).count(),
)  # fmt: skip


# --- Workers' accounts


class ActivationView(TemplateView):
    """A worker's first sign-in, or a forgotten password: the login name and the code the employer handed
    out, then a password of their own. Open to anyone: the code is the proof."""

    template_name = "accounts/activate.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": forms.ActivationForm(), "title": _("激活账号 / 重设密码")})

    def post(self, request, *args, **kwargs):
        form = forms.ActivationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = login.activate(request, data["login_name"], data["code"], data["password"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if outcome.ok:
                    messages.success(request, _("密码已设置，请用新密码登录"))
                    return redirect("accounts:login")
                form.add_error(None, outcome.error)
        return self.render_to_response({"form": form, "title": _("激活账号 / 重设密码")}, status=400)


class WorkerAccountsView(ActorRequiredMixin, TemplateView):
    """为员工开通账号: the employer opens accounts for its current staff in bulk and hands out the codes; a
    new code is the forgot-password path. The city bureau hands one to a worker with no employer. The codes
    are shown once, in the answer to the POST (no-store), never kept anywhere."""

    template_name = "accounts/worker_accounts.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.actor.role not in workers.ISSUERS:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        context = {"title": _("为员工开通账号"), "is_employer": self.actor.role == Role.EMPLOYER}
        if context["is_employer"]:
            staff = list(workers.current_staff(self.actor))
            phone_logins = workers.phone_logins(staff)
            context.update(
                staff=[(person, phone_logins[person.pk]) for person in staff],
                form=extra.pop("form", None) or forms.WorkerAccountsForm(actor=self.actor),
            )
        else:
            context["lookup_form"] = extra.pop("lookup_form", None) or forms.PersonByIdForm(actor=self.actor)
        context.update(extra)
        return context

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context())

    def post(self, request, *args, **kwargs):
        try:
            issued = self.issue(request)
        except DomainError as error:
            messages.error(request, str(error.message))
            return self.render_to_response(self.context(), status=400)
        if issued is None:
            return self.render_to_response(self.context(**self.invalid_forms), status=400)
        return self.render_to_response({"title": _("激活码"), "issued": issued})

    def issue(self, request):
        self.invalid_forms = {}
        if self.actor.role == Role.CITY:
            form = forms.PersonByIdForm(request.POST, actor=self.actor)
            if not form.is_valid():
                self.invalid_forms = {"lookup_form": form}
                return None
            person = registry_queries.person_with_id_number(
                form.cleaned_data["id_type"], form.cleaned_data["id_number"]
            )
            return [workers.issue_activation_code(actor=self.actor, person=person)]
        if request.POST.get("person"):
            person = scoping.get_for(self.actor, Person, request.POST.get("person"), "change")
            return [workers.issue_activation_code(actor=self.actor, person=person)]
        form = forms.WorkerAccountsForm(request.POST, actor=self.actor)
        if not form.is_valid():
            self.invalid_forms = {"form": form}
            return None
        return workers.create_worker_accounts(actor=self.actor, persons=form.cleaned_data["persons"])


register_menu(
    section="accounts", label=gettext_lazy("员工账号"), url_name="accounts:worker-accounts",
    roles=[Role.EMPLOYER, Role.CITY], order=790, icon="person-plus",
    description=gettext_lazy("为员工开通账号、生成激活码（忘记密码时重新生成）"),
)  # fmt: skip
