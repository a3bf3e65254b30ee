"""Certificates held by persons that were issued outside the platform (legacy 职业资格证书 and 职业技能等级证书,
DOMAIN.md §8), 特级技师 / 首席技师 appointments by employers, and workers' reports of a missing or wrong
certificate.

Each record feeds the person's level history through the registry's actions (``registry.levels``): the
record is the evidence, the level entry the derived fact. A record is *declared* (by an employer or from a
worker's report) or *confirmed* (from HR's export, or by the institution that issued it); only confirmed
ones count for eligibility and subsidies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.catalog.models import CertificateKind, CertificateNumberFormat, Level, Occupation
from talentbase.core.scoping import ScopedQuerySet
from talentbase.orgs.models import Organisation
from talentbase.registry.models import Person


class Confirmation(models.TextChoices):
    DECLARED = "declared", _("申报（待核实）")
    CONFIRMED = "confirmed", _("已核实")


class RecordStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")
    REPLACED = "replaced", _("已换发")
    ENDED = "ended", _("聘任已结束")


class RecordSource(models.TextChoices):
    ENTERED = "entered", _("逐条登记")
    EMPLOYER_IMPORT = "employer_import", _("用人单位导入")
    HR_IMPORT = "hr_import", _("人社数据导入")
    INSTITUTION_IMPORT = "institution_import", _("评价机构导入")
    REPORT = "report", _("个人报告")


class CertificateRecord(models.Model):
    """One certificate (or appointment) a person holds, recorded in the registry. One record per number.

    Foreign keys carry no index of their own where a composite index below leads with them, or where
    nothing looks rows up by them (users, formats): an import writes 10^5 rows, and each index costs
    every one of them (bench/import_certificates.py)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("持证人"),
        on_delete=models.PROTECT,
        related_name="certificate_records",
        db_index=False,
    )
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("证书编号"), max_length=40, blank=True)
    number_format = models.ForeignKey(
        CertificateNumberFormat, verbose_name=_("编号格式"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    occupation_as_written = models.CharField(_("证书上的职业名称"), max_length=50, blank=True)
    work_type = models.CharField(_("工种"), max_length=50, blank=True)
    level = models.ForeignKey(
        Level, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    issued_on = models.DateField(_("发证日期"))
    issuer_name = models.CharField(_("发证机构"), max_length=100, blank=True)
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("发证机构（平台单位）"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    evaluator_name = models.CharField(_("评价机构"), max_length=100, blank=True)
    evaluator = models.ForeignKey(
        Organisation, verbose_name=_("评价机构（平台单位）"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    # The employer that declared the record, or that made the appointment.
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    confirmation = models.CharField(
        _("核实状态"), max_length=20, choices=Confirmation.choices, default=Confirmation.DECLARED
    )
    confirmed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核实人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.VALID
    )
    ended_on = models.DateField(_("失效日期"), null=True, blank=True)
    end_reason = models.CharField(_("失效原因"), max_length=200, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("换发后的证书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    source = models.CharField(
        _("来源"), max_length=30, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    import_batch = models.ForeignKey(
        "core.ImportBatch", verbose_name=_("导入批次"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    audit_private_fields = ()

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("证书记录")
        verbose_name_plural = pgettext_lazy("plural", "证书记录")
        indexes = [
            models.Index(fields=["person", "issued_on"]),
            models.Index(fields=["occupation", "level", "issued_on"]),
            models.Index(fields=["issuer", "issued_on"]),
            models.Index(fields=["evaluator", "issued_on"]),
            models.Index(fields=["employer", "issued_on"]),
            models.Index(fields=["issued_on", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="credentials_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind=CertificateKind.APPOINTMENT) | Q(employer__isnull=False),
                name="credentials_appointment_has_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or ''} · {self.occupation.name} · {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("credentials:record-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"certificate record #{self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmation == Confirmation.CONFIRMED

    @property
    def counts(self) -> bool:
        """Whether it counts for eligibility and subsidies today."""
        return self.is_confirmed and self.status == RecordStatus.VALID


class ReportKind(models.TextChoices):
    MISSING = "missing", _("缺少证书")
    WRONG = "wrong", _("证书信息有误")


class ReportState(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已办结")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class CertificateReport(models.Model):
    """A worker's report that a certificate is missing from their record or recorded wrongly, with a photo.
    It goes, as a task, to their employer or to the institution that issued the certificate, which resolves
    it (recording or correcting the certificate) or rejects it, with the outcome written down."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("报告类型"), max_length=20, choices=ReportKind.choices, default=ReportKind.MISSING
    )
    record = models.ForeignKey(
        CertificateRecord, verbose_name=_("有误的证书"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="reports",
    )  # fmt: skip
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    number = models.CharField(_("证书编号"), max_length=40, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    issuer_name = models.CharField(_("发证机构"), max_length=100, blank=True)
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    # The photo of the certificate holds the ID number: stored encrypted, served only to those who see the report.
    photo_file = models.CharField(max_length=255, blank=True, editable=False)
    photo_type = models.CharField(max_length=50, blank=True, editable=False)
    routed_to = models.ForeignKey(
        Organisation, verbose_name=_("处理单位"), on_delete=models.PROTECT, related_name="certificate_reports"
    )
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.OPEN)
    outcome = models.TextField(_("处理结果"), max_length=1000, blank=True)
    resulting_record = models.ForeignKey(
        CertificateRecord, verbose_name=_("登记的证书"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("证书问题报告")
        verbose_name_plural = pgettext_lazy("plural", "证书问题报告")
        indexes = [
            models.Index(fields=["routed_to", "state", "created_at"]),
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["created_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occupation.name if self.occupation else ''} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("credentials:report-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"certificate report #{self.pk}"
