"""Standards and evaluation norms, versioned, with the eligibility rules of each version (DOMAIN.md §7).

A session evaluates against one version: a national standard (国家职业技能标准, of the 2018 template or a
newer one) or an institution's evaluation norm (评价规范) for an occupation without one. A version's
levels carry what is examined and how; its eligibility paths say who may apply. A new version never
changes a session that used the old one: sessions point at the version, and a filed version is not edited."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talentbase.catalog.models import Level, Occupation
from talentbase.core.scoping import ScopedQuerySet
from talentbase.orgs.models import Organisation
from talentbase.registry.models import SchoolType, TitleGrade


class StandardKind(models.TextChoices):
    NATIONAL = "national", _("国家职业技能标准")
    NORM = "norm", _("评价规范")


class Generation(models.TextChoices):
    """Which template the eligibility rules follow (DOMAIN.md §7)."""

    T2018 = "2018", _("2018 年版模板")
    T2023 = "2023", _("新版模板（约 2023 年起）")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待市局审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("市局已审核，待人社备案")
    FILED = "filed", _("已备案（施行）")
    SUPERSEDED = "superseded", _("已被新版本替代")


class StandardVersion(models.Model):
    """One version of the standard or norm an occupation is evaluated by."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="standard_versions"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=StandardKind.choices)
    institution = models.ForeignKey(
        Organisation, verbose_name=_("制定机构"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluation_norms", help_text=_("评价规范由评价机构制定；国家标准留空"),
    )  # fmt: skip
    title = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("标准编号"), max_length=50, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    generation = models.CharField(_("申报条件模板"), max_length=10, choices=Generation.choices)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    exam_structure = models.TextField(_("考核方式"), max_length=2000, blank=True,
                                      help_text=_("理论知识考试、操作技能考核、综合评审的组织方式与时长"))  # fmt: skip
    state = models.CharField(_("状态"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    hr_filing_number = models.CharField(_("人社备案编号"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occupation__code", "kind", "-version", "pk"]
        verbose_name = _("标准与评价规范")
        verbose_name_plural = pgettext_lazy("plural", "标准与评价规范")
        constraints = [
            # One number per version of a standard (no institution) and per version of a norm (its institution's).
            models.UniqueConstraint(fields=["occupation", "kind", "version"], condition=Q(institution__isnull=True),
                                    name="evaluation_national_version_unique"),  # fmt: skip
            models.UniqueConstraint(fields=["occupation", "kind", "institution", "version"],
                                    condition=Q(institution__isnull=False), name="evaluation_norm_version_unique"),  # fmt: skip
            models.CheckConstraint(
                condition=Q(kind="national", institution__isnull=True) | Q(kind="norm", institution__isnull=False),
                name="evaluation_norm_has_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:version-detail", args=[self.pk])

    @property
    def in_force(self) -> bool:
        return self.state == VersionState.FILED


class VersionLevel(models.Model):
    """A level of a version: what is examined and how (weights, parts, order of parts)."""

    version = models.ForeignKey(StandardVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="levels")  # fmt: skip
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+")
    knowledge = models.TextField(_("知识要求"), max_length=4000, blank=True)
    skills = models.TextField(_("技能要求"), max_length=4000, blank=True)
    theory_weight = models.PositiveSmallIntegerField(
        _("理论知识权重（%）"), default=30, validators=[MaxValueValidator(100)]
    )
    skill_weight = models.PositiveSmallIntegerField(
        _("操作技能权重（%）"), default=70, validators=[MaxValueValidator(100)]
    )
    has_review = models.BooleanField(_("综合评审"), default=False, help_text=_("二级、一级设综合评审"))
    theory_before_practical = models.BooleanField(_("先通过理论再考操作"), default=False)
    pass_mark = models.PositiveSmallIntegerField(_("各部分合格分数线"), default=60, validators=[MaxValueValidator(100)])
    kept_years = models.PositiveSmallIntegerField(
        _("单科合格成绩保留年限"), default=2, validators=[MaxValueValidator(10)],
        help_text=_("在此年限内通过的科目，再次申报同职业同等级时不必重考（待核实：默认 2 年）"),
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["version", "level__rank"]
        verbose_name = _("标准等级")
        verbose_name_plural = pgettext_lazy("plural", "标准等级")
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="evaluation_version_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:version-detail", args=[self.version_id])


class EligibilityPath(models.Model):
    """One way to be eligible for a level of a version: every condition set here must hold (the paths of a
    level are alternatives). "Level + N years" counts the years in the trade since that level's
    certificate when ``years_since_level``; a bare "N years" all years in the trade (DOMAIN.md §7).
    ``needs_review`` marks a rule not confirmed from its standard's text."""

    version = models.ForeignKey(StandardVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="paths")  # fmt: skip
    level = models.ForeignKey(Level, verbose_name=_("申报等级"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    required_level = models.ForeignKey(
        Level, verbose_name=_("须持有等级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("本职业或相关职业的该等级或以上"),
    )  # fmt: skip
    years = models.DecimalField(_("从业年限"), max_digits=4, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0)])  # fmt: skip
    years_since_level = models.BooleanField(
        _("年限自取得该等级证书起算"), default=True, help_text=_("否：累计从事本职业或相关职业的全部年限")
    )
    school = models.CharField(_("学历或学校"), max_length=20, choices=SchoolType.choices, blank=True)
    major_in_trade = models.BooleanField(_("须本专业或相关专业"), default=False)
    apprenticeship = models.BooleanField(_("须学徒期满"), default=False)
    title_grade = models.CharField(_("须持有职称"), max_length=20, choices=TitleGrade.choices, blank=True)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), null=True, blank=True)
    description = models.CharField(_("条件原文"), max_length=300)
    needs_review = models.BooleanField(_("待核实"), default=False, help_text=_("尚未与标准原文核对"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["version", "level__rank", "order", "pk"]
        verbose_name = _("申报条件")
        verbose_name_plural = pgettext_lazy("plural", "申报条件")

    def __str__(self) -> str:
        return f"{self.level} · {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:version-detail", args=[self.version_id])


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACKNOWLEDGED = "acknowledged", _("已确认")


class EvaluationPlan(models.Model):
    """An institution's annual evaluation plan (年度职业技能评价计划): reported to the skill-appraisal centre
    (HR) and the sector unit of each occupation it plans; acknowledged when all of them have."""

    institution = models.ForeignKey(Organisation, verbose_name=_("评价机构"), on_delete=models.PROTECT,
                                    related_name="evaluation_plans")  # fmt: skip
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "institution__name", "pk"]
        verbose_name = _("年度评价计划")
        verbose_name_plural = pgettext_lazy("plural", "年度评价计划")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="evaluation_plan_one_per_year"),
        ]

    def __str__(self) -> str:
        return _("%(institution)s %(year)s 年度评价计划") % {"institution": self.institution, "year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("evaluation:plan-detail", args=[self.pk])

    def total_planned(self) -> int:
        return sum(line.planned_candidates for line in self.lines.all())


class PlanLine(models.Model):
    """One line of a plan: an occupation and level, how many candidates, in which month."""

    plan = models.ForeignKey(EvaluationPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="lines")
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    planned_candidates = models.PositiveIntegerField(_("计划人数"), validators=[MinValueValidator(1)])
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "month", "occupation__code", "level__rank", "pk"]
        verbose_name = _("计划明细")
        verbose_name_plural = pgettext_lazy("plural", "计划明细")
        constraints = [
            models.UniqueConstraint(fields=["plan", "occupation", "level", "month"], name="evaluation_plan_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.display_name} · {self.level} · {self.month}月"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:plan-detail", args=[self.plan_id])


class PlanAcknowledgement(models.Model):
    """That one body the plan is reported to (the appraisal centre, or a sector unit) has acknowledged it."""

    plan = models.ForeignKey(EvaluationPlan, verbose_name=_("计划"), on_delete=models.CASCADE,
                             related_name="acknowledgements")  # fmt: skip
    organisation = models.ForeignKey(Organisation, verbose_name=_("确认单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色"), max_length=20)
    acknowledged_at = models.DateTimeField(_("确认时间"), auto_now_add=True)
    comment = models.CharField(_("意见"), max_length=1000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "acknowledged_at"]
        verbose_name = _("计划确认")
        verbose_name_plural = pgettext_lazy("plural", "计划确认")
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation"], name="evaluation_plan_ack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:plan-detail", args=[self.plan_id])


class SessionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REGISTRATION = "registration", _("报名中")
    EXAMINING = "examining", _("考评中")
    SCORED = "scored", _("成绩已确定")
    PUBLICITY = "publicity", _("公示中")
    ISSUING = "issuing", _("发证中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class EvaluationSession(models.Model):
    """An evaluation session (考评批次) under a line of an acknowledged plan: one occupation and level,
    evaluated by one version of its standard or norm, under the filing in force on its dates. Its version
    and filing are fixed when it is drafted: a later version or filing never changes it."""

    institution = models.ForeignKey(Organisation, verbose_name=_("评价机构"), on_delete=models.PROTECT,
                                    related_name="evaluation_sessions")  # fmt: skip
    plan_line = models.ForeignKey(PlanLine, verbose_name=_("计划明细"), on_delete=models.PROTECT, related_name="sessions")
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, verbose_name=_("等级"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(StandardVersion, verbose_name=_("标准或评价规范版本"), on_delete=models.PROTECT,
                                related_name="sessions")  # fmt: skip
    filing = models.ForeignKey("orgs.EvaluationFiling", verbose_name=_("备案"), on_delete=models.PROTECT,
                               related_name="sessions")  # fmt: skip
    name = models.CharField(_("批次名称"), max_length=100)
    registration_closes = models.DateField(_("报名截止日期"))
    theory_on = models.DateField(_("理论知识考试日期"))
    practical_on = models.DateField(_("操作技能考核日期"))
    review_on = models.DateField(_("综合评审日期"), null=True, blank=True)
    venue = models.CharField(_("考评地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("计划人数"), validators=[MinValueValidator(1)])
    uploaded_at = models.DateTimeField(_("报送人社系统时间"), null=True, blank=True)
    publicity_from = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_until = models.DateField(_("公示截止"), null=True, blank=True)
    confirm_scores = models.BooleanField(_("成绩须经另一人确认"), default=False,
                                         help_text=_("一人录入、另一人确认后成绩方才有效"))  # fmt: skip
    state = models.CharField(_("状态"), max_length=20, choices=SessionState.choices, default=SessionState.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-theory_on", "pk"]
        verbose_name = _("考评批次")
        verbose_name_plural = pgettext_lazy("plural", "考评批次")
        indexes = [models.Index(fields=["state", "theory_on"]), models.Index(fields=["institution", "theory_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(registration_closes__lt=models.F("theory_on")),
                                   name="evaluation_session_registration_before_theory"),  # fmt: skip
            models.CheckConstraint(condition=Q(practical_on__gte=models.F("theory_on")),
                                   name="evaluation_session_practical_after_theory"),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:session-detail", args=[self.pk])

    def exam_days(self) -> list:
        return [day for day in (self.theory_on, self.practical_on, self.review_on) if day is not None]

    def filing_standing(self) -> str:
        """Whether the session's filing is in force on every exam day: a lapsed or revoked filing shows here."""
        from talentbase.orgs.models import Standing

        standings = {self.filing.standing(day) for day in self.exam_days()}
        if standings == {Standing.IN_FORCE}:
            return str(Standing.IN_FORCE.label)
        worst = next(s for s in (Standing.REVOKED, Standing.LAPSED, Standing.NOT_YET, Standing.NOT_FILED) if s in standings)
        return str(Standing(worst).label)


class ApplicationKind(models.TextChoices):
    REGULAR = "regular", _("正常申报")
    DIRECT = "direct", _("直接认定")


class ApplicationChannel(models.TextChoices):
    WORKER = "worker", _("个人申报")
    EMPLOYER = "employer", _("单位申报")
    BATCH = "batch", _("单位批量申报")


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(models.Model):
    """An application (申报) of one person to one session, with the eligibility computed when it was made and
    its admission-ticket number (准考证号). A direct recognition (直接认定, notice 三.三.4) is proposed by the
    employer and records the limits it waives and the performance evidence; it goes through the same
    review, scores and publicity."""

    session = models.ForeignKey(EvaluationSession, verbose_name=_("考评批次"), on_delete=models.PROTECT,
                                related_name="applications")  # fmt: skip
    person = models.ForeignKey("registry.Person", verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(Organisation, verbose_name=_("申报单位"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")  # fmt: skip
    kind = models.CharField(_("申报方式"), max_length=10, choices=ApplicationKind.choices, default=ApplicationKind.REGULAR)
    channel = models.CharField(_("申报渠道"), max_length=10, choices=ApplicationChannel.choices)
    applied_on = models.DateField(_("申报日期"))
    ticket = models.CharField(_("准考证号"), max_length=20, unique=True)
    state = models.CharField(_("状态"), max_length=20, choices=ApplicationState.choices,
                             default=ApplicationState.SUBMITTED)  # fmt: skip
    eligible_by = models.ForeignKey(EligibilityPath, verbose_name=_("符合的申报条件"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    eligibility_note = models.CharField(_("申报条件"), max_length=500, blank=True)
    waived = models.JSONField(_("突破的限制"), default=list, blank=True)
    performance_evidence = models.TextField(_("业绩材料"), max_length=4000, blank=True)
    refusal_reason = models.CharField(_("不予受理原因"), max_length=1000, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("经办人"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "ticket"]
        verbose_name = _("评价申报")
        verbose_name_plural = pgettext_lazy("plural", "评价申报")
        constraints = [
            # A withdrawn application leaves room for a new one.
            models.UniqueConstraint(fields=["session", "person"], condition=~Q(state="withdrawn"),
                                    name="evaluation_application_once_per_session"),
        ]
        indexes = [models.Index(fields=["person", "session"])]

    def __str__(self) -> str:
        from talentbase.registry.identity import mask_name

        return f"{self.ticket} · {mask_name(self.person.full_name)}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:application-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"application #{self.pk}"

    def waived_labels(self) -> str:
        labels = {"education": _("学历"), "years": _("工作年限"), "age": _("年龄")}
        return "、".join(str(labels.get(item, item)) for item in self.waived)


class ExaminerQualification(models.Model):
    """An entry of the examiner register (考评员): a registry person qualified to examine an occupation up to a
    level, for a period. Kept by HR (the appraisal centre issues examiner cards)."""

    person = models.ForeignKey("registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    occupation = models.ForeignKey(Occupation, verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    highest_level = models.ForeignKey(Level, verbose_name=_("可考评的最高等级"), on_delete=models.PROTECT,
                                      related_name="+")  # fmt: skip
    card_number = models.CharField(_("考评员证号"), max_length=40, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期止"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["occupation__code", "card_number"]
        verbose_name = _("考评员")
        verbose_name_plural = pgettext_lazy("plural", "考评员")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="evaluation_examiner_dates"),
        ]

    def __str__(self) -> str:
        from talentbase.registry.identity import mask_name

        return f"{mask_name(self.person.full_name)} · {self.card_number}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:examiner-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"examiner #{self.pk}"


class AvoidanceRule(models.Model):
    """Who may not examine whom, per institution type (data the city bureau keeps; issue 15). A social
    organisation's examiner never marks a candidate of their own employer; an employer's institution, whose
    examiners are colleagues by design, never their own department, and takes a share of examiners from
    outside. Relations declared (kin, direct line, mentor) count everywhere."""

    institution_type = models.CharField(_("机构类型"), max_length=1, unique=True,
                                        choices=[("Y", _("用人单位评价机构")), ("S", _("社会培训评价组织"))])  # fmt: skip
    same_employer = models.BooleanField(_("回避同一单位"), default=True)
    same_department = models.BooleanField(_("回避同一部门"), default=False)
    outside_share = models.PositiveSmallIntegerField(
        _("外单位考评员最低占比（%）"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("操作技能考评员与综合评审专家中，来自本单位以外的最低比例"),
    )  # fmt: skip
    needs_review = models.BooleanField(_("待核实"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["institution_type"]
        verbose_name = _("回避规则")
        verbose_name_plural = pgettext_lazy("plural", "回避规则")

    def __str__(self) -> str:
        return str(self.get_institution_type_display())

    def get_absolute_url(self) -> str:
        return reverse("evaluation:avoidance-detail", args=[self.pk])


class StaffingRule(models.Model):
    """How many examiners a session needs (DOMAIN.md §7, [per standard; defaults likely]): data with the
    documented defaults, one row the city bureau keeps."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    candidates_per_invigilator = models.PositiveSmallIntegerField(_("每名监考人员对应考生数"), default=15,
                                                                  validators=[MinValueValidator(1)])  # fmt: skip
    min_invigilators = models.PositiveSmallIntegerField(_("每考场最少监考人员"), default=2)
    min_practical = models.PositiveSmallIntegerField(_("操作技能最少考评员"), default=3)
    candidates_per_practical = models.PositiveSmallIntegerField(
        _("每名操作技能考评员对应考生数"), null=True, blank=True, default=5, help_text=_("手工操作类职业约 1:5；留空不限")
    )  # fmt: skip
    min_review = models.PositiveSmallIntegerField(_("综合评审最少专家"), default=3)
    odd_panels = models.BooleanField(_("操作技能考评组与评审组须为奇数"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("考评人员配备规则")
        verbose_name_plural = pgettext_lazy("plural", "考评人员配备规则")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:staffing-detail", args=[self.pk])


class Duty(models.TextChoices):
    INVIGILATOR = "invigilator", _("理论考试监考")
    PRACTICAL = "practical", _("操作技能考评员")
    REVIEW = "review", _("综合评审专家")
    INTERNAL_SUPERVISOR = "internal_supervisor", _("内部质量督导员（内督）")
    EXTERNAL_SUPERVISOR = "external_supervisor", _("外部质量督导员（外督）")


EXAMINING_DUTIES = (Duty.INVIGILATOR, Duty.PRACTICAL, Duty.REVIEW)
SUPERVISING_DUTIES = (Duty.INTERNAL_SUPERVISOR, Duty.EXTERNAL_SUPERVISOR)


class Assignment(models.Model):
    """A person assigned to a session for a duty: it gives their account the session's candidates and score
    sheets (or, for a supervisor, the session to supervise) while active — a right of the assignment, on the
    account they already have, not a role of its own."""

    session = models.ForeignKey(EvaluationSession, verbose_name=_("考评批次"), on_delete=models.CASCADE,
                                related_name="assignments")  # fmt: skip
    person = models.ForeignKey("registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", verbose_name=_("账号"), on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("职责"), max_length=30, choices=Duty.choices)
    qualification = models.ForeignKey(ExaminerQualification, verbose_name=_("考评员资格"), on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+")  # fmt: skip
    acting_for = models.ForeignKey(Organisation, verbose_name=_("派出单位"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", help_text=_("外督代表的单位"))  # fmt: skip
    active = models.BooleanField(_("有效"), default=True)
    assigned_by = models.ForeignKey("accounts.User", verbose_name=_("指派人"), on_delete=models.SET_NULL, null=True,
                                    related_name="+")  # fmt: skip
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)
    report = models.TextField(_("督导报告"), max_length=4000, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session", "duty", "pk"]
        verbose_name = _("考评人员指派")
        verbose_name_plural = pgettext_lazy("plural", "考评人员指派")
        constraints = [
            models.UniqueConstraint(fields=["session", "person", "duty"], condition=Q(active=True),
                                    name="evaluation_assignment_once"),  # fmt: skip
        ]
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self) -> str:
        from talentbase.registry.identity import mask_name

        return f"{self.get_duty_display()} · {mask_name(self.person.full_name)}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:assignment-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"assignment #{self.pk}"


class RelationKind(models.TextChoices):
    KIN = "kin", _("亲属")
    LINE = "line", _("直接上下级")
    MENTOR = "mentor", _("师徒")
    OTHER = "other", _("其他利害关系")


class DeclaredRelation(models.Model):
    """A relation between an examiner and a candidate, declared by the examiner or the institution: the
    examiner never marks that candidate, whatever the institution type."""

    examiner = models.ForeignKey("registry.Person", verbose_name=_("考评人员"), on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("registry.Person", verbose_name=_("考生"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("关系"), max_length=10, choices=RelationKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_by = models.ForeignKey("accounts.User", verbose_name=_("申报人"), on_delete=models.SET_NULL, null=True,
                                    related_name="+")  # fmt: skip
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("回避关系申报")
        verbose_name_plural = pgettext_lazy("plural", "回避关系申报")
        constraints = [
            models.UniqueConstraint(fields=["examiner", "candidate"], name="evaluation_relation_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return reverse("evaluation:assignment-list")


class ScorePart(models.TextChoices):
    THEORY = "theory", _("理论知识考试")
    PRACTICAL = "practical", _("操作技能考核")
    REVIEW = "review", _("综合评审")


class Score(models.Model):
    """One part's score of one candidate, out of 100 (or absent). A change after entry states its reason and
    is audited; where the session asks for it, a second person confirms it before it counts."""

    application = models.ForeignKey(Application, verbose_name=_("评价申报"), on_delete=models.CASCADE,
                                    related_name="scores")  # fmt: skip
    part = models.CharField(_("考核科目"), max_length=10, choices=ScorePart.choices)
    value = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])  # fmt: skip
    absent = models.BooleanField(_("缺考"), default=False)
    entered_by = models.ForeignKey("accounts.User", verbose_name=_("录入人"), on_delete=models.SET_NULL, null=True,
                                   related_name="+")  # fmt: skip
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)
    confirmed_by = models.ForeignKey("accounts.User", verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")  # fmt: skip
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["application", "part"]
        verbose_name = _("成绩")
        verbose_name_plural = pgettext_lazy("plural", "成绩")
        constraints = [
            models.UniqueConstraint(fields=["application", "part"], name="evaluation_score_once_per_part"),
            models.CheckConstraint(condition=Q(absent=True, value__isnull=True) | Q(absent=False, value__isnull=False),
                                   name="evaluation_score_value_or_absent"),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {'缺考' if self.absent else self.value}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:application-detail", args=[self.application_id])

    def audit_label(self) -> str:
        return f"score #{self.pk}"


class PublicityRule(models.Model):
    """How long results stay public before certificates are issued (DOMAIN.md §7: [check] 5 working days),
    counted on the platform's working-day calendar. One row the city bureau keeps."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"), default=5, validators=[MinValueValidator(1)])
    needs_review = models.BooleanField(_("待核实"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("公示规则")
        verbose_name_plural = pgettext_lazy("plural", "公示规则")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:publicity-rule-detail", args=[self.pk])


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    """An objection (异议) to a candidate's result during publicity, from anyone, with their contact details
    and grounds. Resolved by the institution (or HR) before that candidate's certificate can be issued; an
    objection upheld means no certificate."""

    application = models.ForeignKey(Application, verbose_name=_("被异议的考生"), on_delete=models.CASCADE,
                                    related_name="objections")  # fmt: skip
    objector_name = models.CharField(_("异议人"), max_length=50)
    objector_contact = models.CharField(_("联系方式"), max_length=100)
    grounds = models.TextField(_("异议理由"), max_length=2000)
    submitted_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    resolution = models.CharField(_("处理意见"), max_length=1000, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("公示异议")
        verbose_name_plural = pgettext_lazy("plural", "公示异议")

    def __str__(self) -> str:
        return f"{self.application.ticket} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:objection-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"objection #{self.pk}"


class Indicator(models.TextChoices):
    CERTIFICATES = "certificates", _("技能评价取证人数")
    HIGH_SKILL = "high_skill", _("其中高级工及以上")


class Target(models.Model):
    """A yearly target of the notice (二: ≈2000 certificates a year, ≈400 of them at 高级工 and above, during
    the 14th Five-Year Plan), as data per year and indicator the city bureau keeps."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    indicator = models.CharField(_("指标"), max_length=20, choices=Indicator.choices)
    value = models.PositiveIntegerField(_("目标值"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "indicator"]
        verbose_name = _("年度目标")
        verbose_name_plural = pgettext_lazy("plural", "年度目标")
        constraints = [models.UniqueConstraint(fields=["year", "indicator"], name="evaluation_target_once")]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_indicator_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:target-detail", args=[self.pk])


class LayoutKind(models.TextChoices):
    CANDIDATES = "candidates", _("报名人员表")
    RESULTS = "results", _("成绩与证书表")


class ExchangeLayout(models.Model):
    """The layout of a table the HR department's system takes (issue 15, 9): its columns in order, each a
    header and one of the fields ``exchange.FIELDS`` knows, as data the city bureau keeps."""

    kind = models.CharField(_("表格"), max_length=20, choices=LayoutKind.choices, unique=True)
    columns = models.JSONField(_("列"), default=list, help_text=_("按顺序的 [表头, 字段] 列表"))
    needs_review = models.BooleanField(_("待核实"), default=True, help_text=_("尚未与人社系统的模板核对"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("人社系统交换格式")
        verbose_name_plural = pgettext_lazy("plural", "人社系统交换格式")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def get_absolute_url(self) -> str:
        return reverse("evaluation:layout-detail", args=[self.pk])

    def column_headers(self) -> str:
        return "、".join(header for header, _field in self.columns)
