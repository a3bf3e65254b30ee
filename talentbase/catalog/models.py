"""Reference data: districts, sectors, the eight-level ladder, occupations, organisation kinds.

Loaded by data migrations (``reference.py``) and editable by the city bureau.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.core.scoping import ScopedQuerySet


class EnglishNameStatus(models.TextChoices):
    OFFICIAL = "official", _("官方英文名称")
    REVIEW = "review", _("自译，待复核")


def english_is_active() -> bool:
    return (translation.get_language() or "").lower().startswith("en")


def localised_name(name: str, name_en: str, *, english: bool | None = None) -> str:
    """The English name on an English page when there is one, else the Chinese name. ``english``: whether
    the page is English, when the caller has asked once for many names."""
    if english is None:
        english = english_is_active()
    return name_en if name_en and english else name


class EnglishNamed(models.Model):
    """Reference data with an English name beside its Chinese one. ``name_en_status`` says where the English
    name comes from: an official English source, or our own translation that the city bureau should review.
    ``display_name`` (and so ``str()``) follows the active language; data and imports match by ``name``."""

    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    name_en_status = models.CharField(
        _("英文名称来源"), max_length=10, choices=EnglishNameStatus.choices, default=EnglishNameStatus.REVIEW
    )

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        return localised_name(self.name, self.name_en)


class District(EnglishNamed):
    """A district of Shanghai with its administrative code (GB/T 2260)."""

    code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("应为 6 位数字"))],
    )
    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("区")
        verbose_name_plural = pgettext_lazy("plural", "区")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("catalog:district-detail", args=[self.pk])


class Sector(EnglishNamed):
    """A sector of the industry: greening, forestry, city appearance, sanitation, waste sorting."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("行业")
        verbose_name_plural = pgettext_lazy("plural", "行业")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("catalog:sector-detail", args=[self.pk])


class Level(EnglishNamed):
    """A rung of the eight-level ladder (学徒工 … 首席技师). ``rank`` orders them; ``national_number`` is the
    national level (5 = 五级/初级工 … 1 = 一级/高级技师) for the five levels institutions evaluate."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    short_name = models.CharField(_("简称"), max_length=10, blank=True)
    rank = models.PositiveSmallIntegerField(_("次序"), unique=True)
    national_number = models.PositiveSmallIntegerField(
        _("国家等级"),
        null=True,
        blank=True,
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]
        verbose_name = _("技能等级")
        verbose_name_plural = pgettext_lazy("plural", "技能等级")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("catalog:level-detail", args=[self.pk])

    @property
    def is_high_skill(self) -> bool:
        """高级工及以上: 三级 and above (the ≈400-a-year target, notice 二)."""
        return self.rank >= 3


class NationalStandard(models.TextChoices):
    YES = "yes", _("有国家职业技能标准")
    DRAFT = "draft", _("标准征求意见稿")
    NO = "no", _("无国家标准（按评价规范）")
    UNKNOWN = "unknown", _("待确认")


class Occupation(EnglishNamed):
    """An occupation of the industry with its 职业分类大典 (2022) code."""

    code = models.CharField(
        _("职业编码"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d-\d{2}-\d{2}-\d{2}$", _("职业编码格式应为 X-XX-XX-XX"))],
    )
    name = models.CharField(_("职业名称"), max_length=50)
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业"), on_delete=models.PROTECT, related_name="occupations"
    )
    is_green = models.BooleanField(_("绿色职业"), default=False)
    national_standard = models.CharField(
        _("国家标准"), max_length=10, choices=NationalStandard.choices, default=NationalStandard.UNKNOWN
    )
    standard_year = models.PositiveSmallIntegerField(_("标准年份"), null=True, blank=True)
    levels = models.ManyToManyField(Level, verbose_name=_("设置等级"), related_name="occupations", blank=True)
    needs_review = models.BooleanField(
        _("待市局复核"), default=False, help_text=_("标准或等级尚未确认，默认设五级至一级")
    )
    # Work in a related occupation counts towards the years in the trade that eligibility asks for.
    related = models.ManyToManyField(
        "self", verbose_name=_("相关职业"), blank=True, help_text=_("在相关职业的工作年限计入本职业")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("职业")
        verbose_name_plural = pgettext_lazy("plural", "职业")

    def __str__(self) -> str:
        if english_is_active() and self.name_en:
            return f"{self.name_en} ({self.code})"
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("catalog:occupation-detail", args=[self.pk])


class WorkType(models.Model):
    """A work type (工种) of an occupation: the finer trade a roster, a certificate or an employment names
    under its occupation (绿化工 → 花卉园艺工). Reference data the city bureau keeps, per occupation."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.CASCADE, related_name="work_types"
    )
    name = models.CharField(_("工种名称"), max_length=50)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occupation__code", "name"]
        verbose_name = _("工种")
        verbose_name_plural = _("工种")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "name"], name="catalog_work_type_occupation_name_unique"
            ),
        ]

    def __str__(self) -> str:
        if english_is_active() and self.occupation.name_en:
            return f"{self.occupation.name_en} ({self.name})"
        return f"{self.occupation.name}（{self.name}）"

    def get_absolute_url(self) -> str:
        return reverse("catalog:work-type-detail", args=[self.pk])


class OrganisationKind(models.Model):
    """A kind of organisation (city bureau, sector unit, evaluation institution, employer…)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("单位类型")
        verbose_name_plural = pgettext_lazy("plural", "单位类型")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:kind-detail", args=[self.pk])


class OccupationAlias(models.Model):
    """A name (and code) an occupation had in an earlier edition of the 职业分类大典, or a name written on old
    certificates, mapped to the 2022 occupation (DOMAIN.md §9; reference/domain-sources.md §1.2).

    Legacy certificates and upstream tables name occupations as they were called when issued: imports and
    forms resolve those names through this table. The city bureau keeps it; ``needs_review`` marks a
    mapping taken from a single source."""

    edition = models.CharField(_("大典版本"), max_length=10, default="2015")
    code = models.CharField(
        _("原职业编码"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d-\d{2}-\d{2}-\d{2}$", _("职业编码格式应为 X-XX-XX-XX"))],
    )
    name = models.CharField(_("原职业名称"), max_length=50)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("对应职业（2022 版）"), on_delete=models.CASCADE, related_name="aliases"
    )
    needs_review = models.BooleanField(_("待市局复核"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "code", "name"]
        verbose_name = _("职业对照")
        verbose_name_plural = pgettext_lazy("plural", "职业对照")
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="catalog_alias_edition_name_unique"),
        ]

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.name}{code}（{self.edition}）→ {self.occupation.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:alias-detail", args=[self.pk])


class CertificateKind(models.TextChoices):
    QUALIFICATION = "qualification", _("职业资格证书")
    SKILL_LEVEL = "skill_level", _("职业技能等级证书")
    APPOINTMENT = "appointment", _("特级技师/首席技师聘任")


class CertificateNumberFormat(models.Model):
    """One format of certificate numbers, as data (DOMAIN.md §8): a regular expression whose named groups
    are checked against the certificate — ``year`` (last two digits of the issue year), ``level`` (the
    national level digit, 1 = 一级 … 5 = 五级), ``province`` (GB/T 2260 prefix). A format without such a
    group checks only the shape (the 13-digit old Shanghai numbers, whose structure is not known)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    pattern = models.CharField(
        _("正则表达式"), max_length=300, help_text=_("命名分组 year、level、province 会与证书信息核对")
    )
    length = models.PositiveSmallIntegerField(_("长度"))
    description = models.CharField(_("格式说明"), max_length=200)
    example = models.CharField(_("示例"), max_length=40, blank=True)
    fixed_level = models.ForeignKey(
        Level, verbose_name=_("固定等级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("该格式只用于一个等级时填写，如特级技师证书"),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("证书编号格式")
        verbose_name_plural = pgettext_lazy("plural", "证书编号格式")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:number-format-detail", args=[self.pk])

    def clean(self):
        import re

        from django.core.exceptions import ValidationError

        super().clean()
        try:
            compiled = re.compile(self.pattern or "")
        except re.error as error:
            raise ValidationError({"pattern": _("正则表达式有误：%(error)s") % {"error": error}}) from None
        unknown = set(compiled.groupindex) - {"year", "level", "province", "type", "institution", "site",
                                               "city", "institution_type", "serial"}  # fmt: skip
        if unknown:
            raise ValidationError(
                {"pattern": _("未知的命名分组：%(names)s") % {"names": "、".join(sorted(unknown))}}
            )
        if self.example and not compiled.fullmatch(self.example):
            raise ValidationError({"example": _("示例与正则表达式不符")})


class CalendarYear(models.Model):
    """A year whose holidays and make-up workdays have been entered (DOMAIN.md §7). A year missing here is
    counted on weekends alone, and every deadline computed that way says so (``catalog.calendar``)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("如国务院办公厅关于部分节假日安排的通知文号")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历年度")
        verbose_name_plural = pgettext_lazy("plural", "工作日历年度")

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("catalog:calendar-year-detail", args=[self.pk])


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a holiday on a weekday (or within a holiday period), or a
    weekend day worked to make up for one (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True, help_text=_("如春节、国庆节"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = pgettext_lazy("plural", "节假日与调休")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:calendar-day-detail", args=[self.pk])

    def weekday(self) -> str:
        return str(WEEKDAYS[self.date.weekday()])

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.date and self.kind == DayKind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError({"date": _("调休上班日应为周六或周日")})


WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))
