"""Pages for reference data: lists for every staff role, edits for the city bureau."""

from django.utils.translation import gettext_lazy as _

from talentbase.core import scoping
from talentbase.core.navigation import register_menu
from talentbase.core.roles import STAFF_ROLES, Role
from talentbase.core.tables import Column
from talentbase.core.views import DeleteThroughActions, ObjectDetailView, ObjectListView, SaveThroughActions

from . import forms
from .models import (
    CalendarDay,
    CalendarYear,
    CertificateNumberFormat,
    District,
    Level,
    Occupation,
    OccupationAlias,
    OrganisationKind,
    Sector,
    WorkType,
)

# --- Occupations


class OccupationListView(ObjectListView):
    model = Occupation
    filterset_class = forms.OccupationFilter
    default_ordering = "code"
    create_url_name = "catalog:occupation-create"
    detail_url_name = "catalog:occupation-detail"
    export_name = "occupations"
    columns = [
        Column("code", _("职业编码"), order_by="code", link=True),
        Column("name", _("职业名称"), order_by="name", link=True),
        Column("name_en", _("英文名称"), order_by="name_en"),
        Column("sector", _("行业"), order_by="sector__order"),
        Column("national_standard", _("国家标准")),
        Column("standard_year", _("标准年份"), order_by="standard_year"),
        Column("levels", _("设置等级")),
        Column("is_green", _("绿色职业")),
        Column("needs_review", _("待市局复核"), order_by="needs_review"),
    ]

    def base_queryset(self):
        return Occupation.objects.select_related("sector").prefetch_related("levels")


class OccupationDetailView(ObjectDetailView):
    model = Occupation
    edit_url_name = "catalog:occupation-edit"
    delete_url_name = "catalog:occupation-delete"
    fields = OccupationListView.columns + [
        Column("name_en_status", _("英文名称来源")),
        Column("is_active", _("启用")),
    ]


class OccupationFormView(SaveThroughActions):
    model = Occupation
    form_class = forms.OccupationForm


class OccupationDeleteView(DeleteThroughActions):
    model = Occupation
    success_url_name = "catalog:occupation-list"


# --- Districts, sectors, levels, organisation kinds


class DistrictListView(ObjectListView):
    model = District
    default_ordering = "order"
    paginate_by = 100
    columns = [
        Column("code", _("行政区划代码"), order_by="code", link=True),
        Column("name", _("名称"), order_by="name", link=True),
        Column("name_en", _("英文名称"), order_by="name_en"),
        Column("is_active", _("启用")),
    ]


class DistrictDetailView(ObjectDetailView):
    model = District
    edit_url_name = "catalog:district-edit"
    fields = DistrictListView.columns + [Column("name_en_status", _("英文名称来源"))]


class DistrictFormView(SaveThroughActions):
    model = District
    form_class = forms.DistrictForm


class SectorListView(ObjectListView):
    model = Sector
    default_ordering = "order"
    create_url_name = "catalog:sector-create"
    columns = [
        Column("code", _("代码"), link=True),
        Column("name", _("名称"), link=True),
        Column("name_en", _("英文名称")),
    ]


class SectorDetailView(ObjectDetailView):
    model = Sector
    edit_url_name = "catalog:sector-edit"
    delete_url_name = "catalog:sector-delete"
    fields = SectorListView.columns + [
        Column("name_en_status", _("英文名称来源")),
        Column("order", _("排序")),
    ]


class SectorFormView(SaveThroughActions):
    model = Sector
    form_class = forms.SectorForm


class SectorDeleteView(DeleteThroughActions):
    model = Sector
    success_url_name = "catalog:sector-list"


class LevelListView(ObjectListView):
    model = Level
    default_ordering = "rank"
    columns = [
        Column("rank", _("次序"), link=True),
        Column("name", _("名称"), link=True),
        Column("name_en", _("英文名称")),
        Column("short_name", _("简称")),
        Column("national_number", _("国家等级")),
    ]


class LevelDetailView(ObjectDetailView):
    """The ladder is read here; its names and order are fixed data changed only by a migration."""

    model = Level
    fields = LevelListView.columns + [Column("name_en_status", _("英文名称来源")), Column("code", _("代码"))]


class KindListView(ObjectListView):
    model = OrganisationKind
    default_ordering = "order"
    create_url_name = "catalog:kind-create"
    columns = [Column("code", _("代码"), link=True), Column("name", _("名称"), link=True)]


class KindDetailView(ObjectDetailView):
    model = OrganisationKind
    edit_url_name = "catalog:kind-edit"
    delete_url_name = "catalog:kind-delete"
    fields = KindListView.columns


class KindFormView(SaveThroughActions):
    model = OrganisationKind
    form_class = forms.OrganisationKindForm


class KindDeleteView(DeleteThroughActions):
    model = OrganisationKind
    success_url_name = "catalog:kind-list"


class AliasListView(ObjectListView):
    model = OccupationAlias
    default_ordering = "name"
    create_url_name = "catalog:alias-create"
    export_name = "occupation-aliases"
    columns = [
        Column("name", _("原职业名称"), order_by="name", link=True),
        Column("code", _("原职业编码"), order_by="code"),
        Column("edition", _("大典版本"), order_by="edition"),
        Column("occupation", _("对应职业（2022 版）")),
        Column("needs_review", _("待市局复核")),
        Column("note", _("说明")),
    ]

    def base_queryset(self):
        return OccupationAlias.objects.select_related("occupation")


class AliasDetailView(ObjectDetailView):
    model = OccupationAlias
    edit_url_name = "catalog:alias-edit"
    delete_url_name = "catalog:alias-delete"
    fields = AliasListView.columns


class AliasFormView(SaveThroughActions):
    model = OccupationAlias
    form_class = forms.OccupationAliasForm


class AliasDeleteView(DeleteThroughActions):
    model = OccupationAlias
    success_url_name = "catalog:alias-list"


class WorkTypeListView(ObjectListView):
    model = WorkType
    default_ordering = "occupation__code"
    create_url_name = "catalog:work-type-create"
    export_name = "work-types"
    columns = [
        Column("name", _("工种名称"), order_by="name", link=True),
        Column("occupation", _("职业"), order_by="occupation__code"),
        Column("is_active", _("启用")),
    ]

    def base_queryset(self):
        return WorkType.objects.select_related("occupation")


class WorkTypeDetailView(ObjectDetailView):
    model = WorkType
    edit_url_name = "catalog:work-type-edit"
    delete_url_name = "catalog:work-type-delete"
    fields = WorkTypeListView.columns


class WorkTypeFormView(SaveThroughActions):
    model = WorkType
    form_class = forms.WorkTypeForm


class WorkTypeDeleteView(DeleteThroughActions):
    model = WorkType
    success_url_name = "catalog:work-type-list"


class NumberFormatListView(ObjectListView):
    model = CertificateNumberFormat
    default_ordering = "order"
    create_url_name = "catalog:number-format-create"
    columns = [
        Column("name", _("名称"), order_by="name", link=True),
        Column("kind", _("证书类型")),
        Column("length", _("长度")),
        Column("description", _("格式说明")),
        Column("example", _("示例")),
        Column("is_active", _("启用")),
    ]


class NumberFormatDetailView(ObjectDetailView):
    model = CertificateNumberFormat
    edit_url_name = "catalog:number-format-edit"
    delete_url_name = "catalog:number-format-delete"
    fields = NumberFormatListView.columns + [
        Column("pattern", _("正则表达式")),
        Column("fixed_level", _("固定等级")),
    ]


class NumberFormatFormView(SaveThroughActions):
    model = CertificateNumberFormat
    form_class = forms.CertificateNumberFormatForm


class NumberFormatDeleteView(DeleteThroughActions):
    model = CertificateNumberFormat
    success_url_name = "catalog:number-format-list"


class CalendarYearListView(ObjectListView):
    model = CalendarYear
    default_ordering = "-year"
    create_url_name = "catalog:calendar-year-create"
    export_name = "calendar-years"
    columns = [
        Column("year", _("年份"), order_by="year", link=True),
        Column("source", _("依据")),
        Column("note", _("说明")),
    ]


class CalendarYearDetailView(ObjectDetailView):
    model = CalendarYear
    edit_url_name = "catalog:calendar-year-edit"
    delete_url_name = "catalog:calendar-year-delete"
    fields = CalendarYearListView.columns


class CalendarYearFormView(SaveThroughActions):
    model = CalendarYear
    form_class = forms.CalendarYearForm


class CalendarYearDeleteView(DeleteThroughActions):
    model = CalendarYear
    success_url_name = "catalog:calendar-year-list"


class CalendarDayListView(ObjectListView):
    model = CalendarDay
    filterset_class = forms.CalendarDayFilter
    default_ordering = "-date"
    create_url_name = "catalog:calendar-day-create"
    export_name = "calendar-days"
    columns = [
        Column("date", _("日期"), order_by="date", link=True),
        Column("weekday", _("星期")),
        Column("kind", _("类型"), order_by="kind"),
        Column("name", _("节日")),
    ]


class CalendarDayDetailView(ObjectDetailView):
    model = CalendarDay
    edit_url_name = "catalog:calendar-day-edit"
    delete_url_name = "catalog:calendar-day-delete"
    fields = CalendarDayListView.columns


class CalendarDayFormView(SaveThroughActions):
    model = CalendarDay
    form_class = forms.CalendarDayForm


class CalendarDayDeleteView(DeleteThroughActions):
    model = CalendarDay
    success_url_name = "catalog:calendar-day-list"


CATALOG_READERS = STAFF_ROLES - {Role.WORKER}
register_menu(
    section="catalog", label=_("职业目录"), url_name="catalog:occupation-list", roles=CATALOG_READERS, order=500,
    icon="tools", description=_("行业职业、国家标准与等级设置"), count=lambda actor: scoping.visible_to(actor, Occupation).count(),
)  # fmt: skip
register_menu(section="catalog", label=_("区"), group=_("基础数据"), url_name="catalog:district-list", roles=[Role.CITY], order=510,
              icon="geo-alt")  # fmt: skip
register_menu(section="catalog", label=_("行业"), group=_("基础数据"), url_name="catalog:sector-list", roles=[Role.CITY], order=520,
              icon="diagram-3")  # fmt: skip
register_menu(section="catalog", label=_("技能等级"), group=_("基础数据"), url_name="catalog:level-list", roles=[Role.CITY], order=530,
              icon="bar-chart-steps")  # fmt: skip
register_menu(section="catalog", label=_("单位类型"), group=_("基础数据"), url_name="catalog:kind-list", roles=[Role.CITY], order=540,
              icon="tags")  # fmt: skip
register_menu(section="catalog", label=_("职业对照"), group=_("基础数据"), url_name="catalog:alias-list", roles=[Role.CITY],
              order=505, icon="arrow-left-right")  # fmt: skip
register_menu(section="catalog", label=_("工种"), group=_("基础数据"), url_name="catalog:work-type-list", roles=[Role.CITY],
              order=504, icon="list-nested")  # fmt: skip
register_menu(section="catalog", label=_("证书编号格式"), group=_("基础数据"), url_name="catalog:number-format-list",
              roles=[Role.CITY], order=506, icon="upc")  # fmt: skip
register_menu(section="catalog", label=_("节假日与调休"), group=_("基础数据"), url_name="catalog:calendar-day-list",
              roles=[Role.CITY], order=545, icon="calendar3")  # fmt: skip
register_menu(section="catalog", label=_("工作日历年度"), group=_("基础数据"), url_name="catalog:calendar-year-list",
              roles=[Role.CITY], order=546, icon="calendar-check")  # fmt: skip
