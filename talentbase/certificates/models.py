"""The certificates the platform issues, and the counters that number them."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.catalog.models import CertificateKind, Level, Occupation
from talentbase.core.scoping import ScopedQuerySet
from talentbase.orgs.models import EvaluationFiling, Organisation


class NumberCounter(models.Model):
    """The last serial allocated under one 16-character prefix (DOMAIN.md §8: institution site, year, level).
    The row is locked while a number is taken, so numbers are gapless and never taken twice."""

    prefix = models.CharField(_("编号前缀"), max_length=20, unique=True)
    last_serial = models.PositiveIntegerField(_("已用到的序号"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["prefix"]
        verbose_name = _("证书编号计数器")
        verbose_name_plural = pgettext_lazy("plural", "证书编号计数器")

    def __str__(self) -> str:
        return f"{self.prefix} · {self.last_serial}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:certificate-list")


class CertificateStatus(models.TextChoices):
    AWAITING_NUMBER = "awaiting_number", _("待人社系统编号")
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class Certificate(models.Model):
    """A certificate the platform issued: 谁评价、谁发证、谁负责 — its issuer is the institution, under the
    filing in force on the issue date. Valid once it has its number; until then it awaits the number the HR
    system assigns. A revoked certificate stops counting in the level history from its revocation date."""

    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices,
                            default=CertificateKind.SKILL_LEVEL)  # fmt: skip
    number = models.CharField(_("证书编号"), max_length=40, null=True, blank=True, unique=True)
    person = models.ForeignKey("registry.Person", verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="+")
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    work_type = models.CharField(_("工种"), max_length=50, blank=True)
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("发证日期"))
    issuer = models.ForeignKey(Organisation, verbose_name=_("发证机构"), on_delete=models.PROTECT, related_name="+")
    filing = models.ForeignKey(EvaluationFiling, verbose_name=_("备案"), on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey("evaluation.EvaluationSession", verbose_name=_("考评批次"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="certificates")  # fmt: skip
    application = models.OneToOneField("evaluation.Application", verbose_name=_("评价申报"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="certificate")  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=CertificateStatus.choices)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)
    issued_by = models.ForeignKey("accounts.User", verbose_name=_("发证人"), on_delete=models.SET_NULL, null=True,
                                  related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("平台颁发证书")
        verbose_name_plural = pgettext_lazy("plural", "平台颁发证书")
        indexes = [models.Index(fields=["person", "issued_on"]), models.Index(fields=["issuer", "issued_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(status="awaiting_number") | Q(number__isnull=False),
                                   name="certificates_number_once_valid"),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.number or str(_("待编号证书"))

    def get_absolute_url(self) -> str:
        return reverse("certificates:certificate-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"certificate #{self.pk}"
