"""The real-name registry (实名制): persons and their employment.

ID numbers and phones are stored encrypted (AES-GCM) with a keyed hash for exact lookup and a masked
form for display, never in clear (PIPL; SECURITY.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.catalog.models import Occupation
from talentbase.core.scoping import ScopedQuerySet
from talentbase.orgs.models import Organisation

from .identity import GENDER_LABELS, IdType

ID_NUMBER_CONTEXT = "registry.person.id_number"
PHONE_CONTEXT = "registry.person.phone"


class Gender(models.TextChoices):
    MALE = "M", GENDER_LABELS["M"]
    FEMALE = "F", GENDER_LABELS["F"]


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/技校")
    HIGHER_VOCATIONAL = "higher_vocational", _("高级技工学校/技师学院")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    LEFT = "left", _("已离开行业")
    RETIRED = "retired", _("已退休")
    DECEASED = "deceased", _("已故")


class Person(models.Model):
    """A worker of the industry, registered under their real name and identity document."""

    full_name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RIC)
    id_number_encrypted = models.TextField(editable=False)
    # Unique and indexed through Meta, not ``unique=True`` / ``db_index=True``: on PostgreSQL those add a
    # second, ``varchar_pattern_ops`` index for LIKE, which a hash never needs and every insert pays for.
    id_number_hash = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("证件号码"), max_length=40, editable=False)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号码"), max_length=20, blank=True, editable=False)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="person",
    )  # fmt: skip
    # Whether an employment of this person is open (no end date): kept by Employment.save and delete and by
    # refresh_currently_employed after the bulk writers, so that the city's 离职 filter reads an index
    # instead of probing the employments of 10^6 persons for one that is not there.
    currently_employed = models.BooleanField(_("在职"), default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    audit_private_fields = (
        "full_name", "id_number_encrypted", "id_number_hash", "id_number_masked", "birth_date",
        "phone_encrypted", "phone_hash", "phone_masked",
    )  # fmt: skip

    class Meta:
        ordering = ["pk"]
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        # The list's sort orders and filters, each with the primary key after it: keyset pages walk these
        # indexes in order, so a deep page or a filtered one reads only the rows it shows.
        indexes = [
            models.Index(fields=["full_name", "id"]),
            models.Index(fields=["birth_date", "id"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["status", "id"]),
            models.Index(fields=["currently_employed", "id"]),
            models.Index(fields=["phone_hash"], name="registry_person_phone_hash"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="registry_person_id_number_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.id_number_masked}）"

    def save(self, *args, **kwargs):
        # currently_employed is written by the employments (refresh_currently_employed): a person read before
        # a job was added or ended, then saved, must not write back the flag it read.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name != "currently_employed"]  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.pk])

    def audit_label(self) -> str:
        # The log identifies a person by record number only: no name or ID in it.
        return f"person #{self.pk}"


class EndReason(models.TextChoices):
    """Why an employment ended (a departure recorded by the employer)."""

    RESIGNED = "resigned", _("本人辞职")
    CONTRACT_ENDED = "contract_ended", _("劳动合同期满")
    DISMISSED = "dismissed", _("单位解除劳动合同")
    TRANSFERRED = "transferred", _("调动")
    RETIRED = "retired", _("退休")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("其他")


class Employment(models.Model):
    """A period of work of a person at an employer."""

    # No single-column index on the foreign keys: each leads one of the Meta indexes, which serve the same
    # lookups, and a roster import writes every index of 10^5 rows.
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments", db_index=False
    )
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        related_name="employments",
        db_index=False,
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("职业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    work_type = models.ForeignKey(
        "catalog.WorkType",
        verbose_name=_("工种"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # as the occupation: a roster import writes every index; a work type is rarely deleted
    )
    position = models.CharField(_("岗位"), max_length=50, blank=True)
    # Evaluation's avoidance: an employer's own institution never lets an examiner mark their own department.
    department = models.CharField(_("部门"), max_length=50, blank=True, default="", db_default="")
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("截止日期"), null=True, blank=True)
    # db_default: the bulk writers (registry.bulk, a roster import) name only the columns they fill.
    end_reason = models.CharField(
        _("离职原因"), max_length=20, choices=EndReason.choices, blank=True, default="", db_default=""
    )
    end_note = models.CharField(_("离职说明"), max_length=200, blank=True, default="", db_default="")
    site = models.CharField(_("工作地点/项目"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("任职经历")
        verbose_name_plural = pgettext_lazy("plural", "任职经历")
        indexes = [
            models.Index(fields=["employer", "end_date"]),
            models.Index(fields=["occupation", "end_date"]),
            models.Index(fields=["person", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="registry_employment_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} · {self.start_date}–{self.end_date or ''}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_currently_employed([self.person_id])

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.person_id])

    def delete(self, *args, **kwargs):
        person_id = self.person_id
        result = super().delete(*args, **kwargs)
        refresh_currently_employed([person_id])
        return result


def refresh_currently_employed(person_ids) -> int:
    """Set ``Person.currently_employed`` of these persons from their employments (one UPDATE per 10^4 of
    them): what every writer of employments calls after writing, the ORM's save and delete included."""
    ids = sorted(set(person_ids))
    open_employment = Employment.objects.filter(person_id=models.OuterRef("pk"), end_date__isnull=True)
    changed = 0
    for start in range(0, len(ids), 10_000):
        changed += Person.objects.filter(pk__in=ids[start:start + 10_000]).update(
            currently_employed=models.Exists(open_employment)
        )
    return changed


class PersonNameKey(models.Model):
    """One search key of a person's name: the name itself (normalised) or a pinyin key ("zhangsan", "zs").

    Derived from ``Person.full_name`` by ``registry.search.person_name_keys``; a prefix search is a range
    over the (key, person) index, so it stays fast on millions of persons on SQLite and PostgreSQL alike.
    On PostgreSQL the key column is compared in the "C" collation (migration 0002), so that the range of a
    prefix holds the keys that start with it whatever the database's locale."""

    # No foreign-key constraint in the database: the keys are derived (rebuilt from the name at will), a
    # roster of 10^5 persons writes about 480k of them, and the database checked each against the person
    # table (on PostgreSQL that check was a third of the import's writing). Deleting a person through the
    # ORM still deletes its keys (CASCADE is Django's), and a key left without its person matches nothing:
    # searches read persons by ``pk IN (… person_id …)``.
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    key = models.CharField(_("检索键"), max_length=40)

    class Meta:
        verbose_name = _("姓名检索键")
        verbose_name_plural = pgettext_lazy("plural", "姓名检索键")
        indexes = [
            # A prefix search reads the keys in order; a probe of one person reads that person's keys
            # (PostgreSQL would otherwise probe by key range and scan a whole surname per person).
            models.Index(fields=["key", "person"]),
            models.Index(fields=["person", "key"]),
        ]

    def __str__(self) -> str:
        return self.key


class TitleGrade(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    DEPUTY_SENIOR = "deputy_senior", _("副高级")
    SENIOR = "senior", _("正高级")


class ProfessionalTitle(models.Model):
    """A professional title (职称) a person holds; it counts for the 贯通 of notice 三.三.6 (a 职称 holder may
    apply for the matching skill level)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="titles"
    )
    name = models.CharField(_("职称名称"), max_length=50)
    grade = models.CharField(_("级别"), max_length=20, choices=TitleGrade.choices)
    specialty = models.CharField(_("专业"), max_length=50, blank=True)
    issued_by = models.CharField(_("评审或发证单位"), max_length=100, blank=True)
    issued_on = models.DateField(_("取得日期"))
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("职称")
        verbose_name_plural = pgettext_lazy("plural", "职称")
        indexes = [models.Index(fields=["person", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_grade_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.person_id])


class SchoolType(models.TextChoices):
    """What an education record proves, in the terms eligibility rules use (DOMAIN.md §7)."""

    TECHNICAL = "technical", _("技工学校或经评估的中等职业学校")
    SENIOR_TECHNICAL = "senior_technical", _("高级技工学校、技师学院或经评估的高等职业学校")
    COLLEGE = "college", _("大专及以上")
    PRE_TECHNICIAN = "pre_technician", _("预备技师（技师）班")
    APPRENTICESHIP = "apprenticeship", _("学徒期满")
    OTHER = "other", _("其他")


class EducationRecord(models.Model):
    """A school finished (or an apprenticeship completed) that eligibility may count: its type, the major
    and whether it is in the trade of an occupation, the date, and the diploma's number. The evidence itself
    is reviewed by the institution with the application that relies on it."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="education_records"
    )
    school_type = models.CharField(_("类型"), max_length=20, choices=SchoolType.choices)
    school = models.CharField(_("学校或单位"), max_length=100)
    major = models.CharField(_("专业"), max_length=50, blank=True)
    trade = models.ForeignKey(
        Occupation, verbose_name=_("对口职业"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("专业对口的职业；不对口留空"),
    )  # fmt: skip
    completed_on = models.DateField(_("毕业或期满日期"))
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "pk"]
        verbose_name = _("学历与学徒经历")
        verbose_name_plural = pgettext_lazy("plural", "学历与学徒经历")
        indexes = [models.Index(fields=["person", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.school}（{self.get_school_type_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.person_id])


class LevelSource(models.TextChoices):
    """What a level entry stands on: the record that makes it true (by kind and id)."""

    LEGACY_CERTIFICATE = "certificate_record", _("已有证书")
    APPOINTMENT = "appointment", _("聘任")
    PLATFORM_CERTIFICATE = "certificate", _("平台颁发证书")
    # A level an employer's roster states (技能等级 column): declared, unconfirmed until a certificate backs
    # it; its source is the employment the roster recorded.
    ROSTER = "roster", _("花名册申报")


class LevelEntry(models.Model):
    """One span of a person's level in one occupation: from ``valid_from`` until ``valid_to`` (exclusive;
    open while null). The history of levels is these rows; the level on a date is the highest entry that
    covers it (``registry.levels.level_on``). There is no stored "current level".

    Entries are written only by ``registry.levels`` actions, called by the apps that own the records
    (certificate records, appointments, and later the certificates the platform issues): a revoked or
    replaced certificate ends its entry at once. ``confirmed`` is false for a certificate only declared (by
    an employer or the worker); eligibility and subsidies count confirmed entries only."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="levels"
    )
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        "catalog.Level", verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+"
    )
    # The level's rank, copied so that "the highest level on a date" is read from one index.
    rank = models.PositiveSmallIntegerField(_("次序"))
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    confirmed = models.BooleanField(_("已核实"), default=False)
    source_kind = models.CharField(_("依据"), max_length=30, choices=LevelSource.choices)
    source_id = models.PositiveBigIntegerField(_("依据编号"))
    end_reason = models.CharField(_("终止原因"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occupation_id", "valid_from", "pk"]
        verbose_name = _("等级记录")
        verbose_name_plural = pgettext_lazy("plural", "等级记录")
        indexes = [
            # levels_on for many persons: one occupation, then each person's entries in order of start, with
            # every column the question reads, so the answer comes from the index alone.
            models.Index(
                fields=["occupation", "person", "valid_from", "valid_to", "confirmed", "rank"],
                name="registry_level_on_idx",
            ),
            models.Index(fields=["person", "occupation", "valid_from"], name="registry_level_history_idx"),
            # The person list's level filter: who holds this level or above, in any or one occupation.
            models.Index(fields=["rank", "occupation"], name="registry_level_rank_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="registry_level_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="registry_level_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} · {self.level} · {self.valid_from}–{self.valid_to or ''}"

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.person_id])

    def covers(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
