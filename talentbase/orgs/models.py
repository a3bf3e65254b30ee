"""Organisations and the filings of evaluation institutions."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


class InstitutionType(models.TextChoices):
    """The two kinds of evaluation institution (notice 三.三.5); the letter opens each certificate number
    (DOMAIN.md §8)."""

    EMPLOYER = "Y", _("用人单位评价机构")
    SOCIAL = "S", _("社会培训评价组织")


class Numbering(models.TextChoices):
    PLATFORM = "platform", _("本平台编号")
    HR_SYSTEM = "hr_system", _("人社系统编号（导入）")


class Standing(models.TextChoices):
    """What a filing means on a date, beyond its workflow state."""

    IN_FORCE = "in_force", _("有效")
    NOT_YET = "not_yet", _("未到有效期")
    LAPSED = "lapsed", _("已过期")
    REVOKED = "revoked", _("已撤销")
    NOT_FILED = "not_filed", _("未备案")


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
    # What numbering needs (DOMAIN.md §8), recorded by HR when it files: Y/S, the 人社部 code (0000 for a
    # provincial filing), the province and the site serial the provincial HR department gives.
    institution_type = models.CharField(
        _("机构类型"), max_length=1, choices=InstitutionType.choices, blank=True,
        help_text=_("用人单位评价机构只评价本单位职工；社会培训评价组织面向社会"),
    )  # fmt: skip
    ministry_code = models.CharField(
        _("人社部机构代码"), max_length=4, default="0000",
        validators=[RegexValidator(r"^\d{4}$", _("人社部机构代码为 4 位数字"))],
        help_text=_("在省级人社部门备案的机构为 0000"),
    )  # fmt: skip
    province_code = models.CharField(
        _("省份代码"), max_length=2, default="31",
        validators=[RegexValidator(r"^\d{2}$", _("省份代码为 2 位数字"))],
    )  # fmt: skip
    site_serial = models.CharField(
        _("站点序号"), max_length=6, blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("站点序号为 6 位数字"))],
        help_text=_("省级人社部门给出的 6 位机构（站点）序号"),
    )  # fmt: skip
    numbering = models.CharField(
        _("证书编号方式"), max_length=20, choices=Numbering.choices, default=Numbering.PLATFORM,
        help_text=_("本平台按序编号，或由人社系统编号后导入"),
    )  # fmt: skip
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

    def standing(self, on: datetime.date | None = None) -> str:
        """In force, not yet, lapsed, revoked or not filed, on ``on`` (today by default)."""
        on = on or timezone.localdate()
        if self.state == FilingState.REVOKED:
            return Standing.REVOKED
        if self.state != FilingState.FILED or not self.valid_from or not self.valid_to:
            return Standing.NOT_FILED
        if on < self.valid_from:
            return Standing.NOT_YET
        if on > self.valid_to:
            return Standing.LAPSED
        return Standing.IN_FORCE

    def standing_label(self) -> str:
        return str(Standing(self.standing()).label)

    def number_prefix(self, *, level: Level, year: int) -> str:
        """The 16 characters a certificate number of this filing starts with (DOMAIN.md §8): type, 人社部
        code, province, site serial, two digits of the year and the national level digit. The serial
        that follows is allocated per prefix."""
        if not self.institution_type or not self.site_serial or level.national_number is None:
            raise ValueError("the filing lacks its numbering data, or the level is not a national one")
        return (f"{self.institution_type}{self.ministry_code}{self.province_code}{self.site_serial}"
                f"{year % 100:02d}{level.national_number}")  # fmt: skip

    def clean(self):
        # Otherwise the Meta constraints refuse with their own names ("约束 … 是无效的") and on no field.
        super().clean()
        errors = {}
        taken = EvaluationFiling.objects.filter(filing_number=self.filing_number).exclude(pk=self.pk)
        if (self.filing_number or "").strip() and taken.exists():
            errors["filing_number"] = ValidationError(_("备案编号已被使用"), code="filing_number_taken")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(_("截止日期不能早于起始日期"), code="filing_dates")
        if self.site_serial and self.institution_type and self.organisation_id:
            # Two institutions on one prefix would draw certificate numbers from one counter.
            holder = (
                EvaluationFiling.objects.filter(
                    institution_type=self.institution_type, ministry_code=self.ministry_code,
                    province_code=self.province_code, site_serial=self.site_serial,
                ).exclude(organisation_id=self.organisation_id).select_related("organisation").first()
            )  # fmt: skip
            if holder is not None:
                errors["site_serial"] = ValidationError(
                    _("站点序号已属于%(organisation)s") % {"organisation": holder.organisation.name},
                    code="site_serial_taken",
                )
        if errors:
            raise ValidationError(errors)
