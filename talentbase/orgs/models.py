"""Organisations and the filings of evaluation institutions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.catalog.models import District, Level, Occupation, OrganisationKind, Sector
from talentbase.core.scoping import ScopedQuerySet

from .validators import normalise_credit_code, validate_credit_code


class Organisation(models.Model):
    """A bureau, unit, association, institution or employer. Its kinds say what it may be (an association
    may also be an evaluation institution); its district and sectors decide which officials oversee it."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
    )
    kinds = models.ManyToManyField(OrganisationKind, verbose_name=_("单位类型"), related_name="organisations")
    district = models.ForeignKey(
        District,
        verbose_name=_("所在区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("市级单位留空"),
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("行业"), related_name="organisations", blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = pgettext_lazy("plural", "单位")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Store the canonical form, so that one code typed two ways is still one organisation.
        self.credit_code = normalise_credit_code(self.credit_code) or None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("orgs:organisation-detail", args=[self.pk])

    def kind_codes(self) -> set[str]:
        return set(self.kinds.values_list("code", flat=True))


class FilingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    FILED = "filed", _("已备案")
    REVOKED = "revoked", _("已撤销")


class EvaluationFiling(models.Model):
    """A filing (备案) of an evaluation institution for one occupation and its levels, with HR.

    An institution evaluates and issues certificates only within a filing in force (notice 三.三.5)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("评价机构"), on_delete=models.PROTECT, related_name="filings"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="filings"
    )
    levels = models.ManyToManyField(Level, verbose_name=_("等级"), related_name="filings")
    filing_number = models.CharField(_("备案编号"), max_length=40, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=FilingState.choices, default=FilingState.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("评价机构备案")
        verbose_name_plural = pgettext_lazy("plural", "评价机构备案")
        constraints = [
            models.UniqueConstraint(
                fields=["filing_number"], condition=~Q(filing_number=""), name="orgs_filing_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="orgs_filing_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.occupation.name}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:filing-detail", args=[self.pk])

    def clean(self):
        # Otherwise the Meta constraints refuse with their own names ("约束 … 是无效的") and on no field.
        super().clean()
        errors = {}
        taken = EvaluationFiling.objects.filter(filing_number=self.filing_number).exclude(pk=self.pk)
        if (self.filing_number or "").strip() and taken.exists():
            errors["filing_number"] = ValidationError(_("备案编号已被使用"), code="filing_number_taken")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(_("截止日期不能早于起始日期"), code="filing_dates")
        if errors:
            raise ValidationError(errors)
