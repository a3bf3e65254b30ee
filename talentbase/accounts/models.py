"""Users and their memberships: each staff user acts for an organisation with a role."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.core.roles import ADMIN_ROLES, BACK_OFFICE_ROLES, Role
from talentbase.core.scoping import ScopedQuerySet
from talentbase.orgs.models import Organisation

# The organisation kinds each role may act for; a membership outside them is refused.
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.CITY: {"city_bureau"},
    Role.HR: {"hr_department", "hr_center"},
    Role.SECTOR: {"sector_unit"},
    Role.DISTRICT: {"district_bureau", "district_hr"},
    Role.ASSOCIATION: {"association"},
    Role.EVALUATION: {"employer_evaluation", "social_evaluation"},
    Role.TRAINING: {"training_institution", "school"},
    Role.EMPLOYER: {"employer"},
    Role.WORKER: {"employer"},
    Role.SYSTEM_ADMIN: {"city_bureau"},
    Role.SECURITY_ADMIN: {"city_bureau"},
    Role.AUDIT_ADMIN: {"city_bureau"},
}


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. What they may do comes from their membership, not from Django permissions."""

    username = models.CharField(
        _("用户名"),
        max_length=150,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_.@+-]+$", _("用户名只能包含字母、数字和 _ . @ + -"))],
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(_("演示账号"), default=False, editable=False)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    # A worker's one-time activation code (accounts/workers.py): only its keyed hash is kept.
    activation_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    activation_expires_at = models.DateTimeField(_("激活码有效期至"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []
    audit_private_fields = ("password", "email", "full_name", "activation_code_hash")

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self) -> str:
        return self.username

    def audit_label(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])

    def memberships_label(self) -> str:
        return "；".join(
            f"{m.organisation} · {m.get_role_display()}" for m in self.memberships.all() if m.is_active
        )

    @property
    def is_staff(self) -> bool:
        # No Django admin site: every page goes through scoping. Kept for libraries that ask.
        return False

    def active_memberships(self):
        return self.memberships.filter(is_active=True, organisation__is_active=True).select_related(
            "organisation"
        )

    def active_membership_list(self) -> list:
        """The active memberships with their organisations, read once per user object (i.e. per request):
        the second-factor check asks for the roles and the actor for the membership, one query for both."""
        if not hasattr(self, "_active_memberships"):
            self._active_memberships = list(self.active_memberships().order_by("pk")) if self.pk else []
        return self._active_memberships

    def roles(self) -> set[str]:
        """The roles of the user's active memberships (read once per user object, i.e. per request)."""
        return {membership.role for membership in self.active_membership_list()}

    def is_back_office(self, extra_roles=()) -> bool:
        """Back-office users need a 12-character password and a TOTP second factor."""
        return bool((self.roles() | {str(r) for r in extra_roles}) & BACK_OFFICE_ROLES)

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Membership(models.Model):
    """A user acting for an organisation in a role (DESIGN.md §1)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "pk"]
        verbose_name = _("任职")
        verbose_name_plural = pgettext_lazy("plural", "任职")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_unique"
            ),
            # 等保: the system, security and audit administrators are different people, so a user holds
            # at most one administrator role.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(ADMIN_ROLES)),
                name="accounts_one_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.user_id])


class ApiToken(models.Model):
    """A token with which another government system calls the API as a user (its membership's scope).

    Only a hash of the secret is kept; the token is shown once, when issued."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()

    audit_private_fields = ("secret_hash",)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("接口令牌")
        verbose_name_plural = pgettext_lazy("plural", "接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.user_id])

    def is_usable(self, now=None) -> bool:
        return self.is_active and (self.expires_at is None or self.expires_at > (now or timezone.now()))
