"""The level report: who in the official's scope held which level in one occupation on a date, with the
count per level, paged and exportable to Excel (masked, audited). It reads the level history as
``levels_on`` does: the highest entry per person covering the date, over the (occupation, person,
valid_from) index."""

from __future__ import annotations

import datetime
from collections import Counter

from django import forms
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from talentbase.catalog.models import Occupation
from talentbase.core import audit, scoping
from talentbase.core.exports.workbooks import workbook_bytes, xlsx_response
from talentbase.core.forms import ScopedForm
from talentbase.core.navigation import register_menu
from talentbase.core.roles import Role
from talentbase.core.views import ActorRequiredMixin

from .identity import today_in_china
from .levels import covering, levels_by_rank
from .models import LevelEntry, Person

PAGE_SIZE = 50
CURSOR_SALT = "registry.level-report"
REPORT_ROLES = [Role.CITY, Role.HR, Role.SECTOR, Role.DISTRICT, Role.EMPLOYER]


class LevelReportForm(ScopedForm):
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True))
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         help_text=_("不填为今天"))  # fmt: skip
    include_declared = forms.BooleanField(label=_("含申报（待核实）的证书"), required=False)


def held_levels(actor, occupation, on: datetime.date, *, include_declared: bool):
    """(person id, highest rank) of the persons in scope holding a level in the occupation on the date."""
    entries = scoping.visible_to(actor, LevelEntry).filter(covering(on), occupation=occupation)
    if not include_declared:
        entries = entries.filter(confirmed=True)
    return entries.values("person_id").annotate(top=Max("rank")).order_by("person_id")


class LevelReportView(ActorRequiredMixin, TemplateView):
    template_name = "registry/level_report.html"

    def get(self, request, *args, **kwargs):
        scoping.ensure_may(self.actor, LevelEntry, "view")
        if self.actor.role not in REPORT_ROLES:
            raise PermissionDenied
        form = LevelReportForm(request.GET or None, actor=self.actor)
        context = {"form": form, "title": _("技能等级查询")}
        if not form.is_valid():
            return self.render_to_response(context)
        occupation = form.cleaned_data["occupation"]
        on = form.cleaned_data["on"] or today_in_china()
        rows = held_levels(self.actor, occupation, on, include_declared=form.cleaned_data["include_declared"])
        by_rank = levels_by_rank()
        if request.GET.get("export") == "xlsx":
            scoping.ensure_may(self.actor, LevelEntry, "export")
            return self.export(rows, occupation, on, by_rank)
        after = self.read_cursor(request.GET.get("after"))
        page = (
            list(rows.filter(person_id__gt=after)[: PAGE_SIZE + 1]) if after else list(rows[: PAGE_SIZE + 1])
        )
        has_next = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        persons = Person.objects.in_bulk(
            [row["person_id"] for row in page]
        )  # unscoped: ids from the scoped query
        counts = Counter(rows.values_list("top", flat=True))
        query = request.GET.copy()
        query.pop("after", None)
        context.update({
            "occupation": occupation, "on": on,
            "rows": [(persons[row["person_id"]], by_rank[row["top"]]) for row in page if row["person_id"] in persons],
            "summary": [(by_rank[rank], counts[rank]) for rank in sorted(counts, reverse=True)],
            "total": sum(counts.values()),
            "next_cursor": signing.dumps(page[-1]["person_id"], salt=CURSOR_SALT) if has_next else "",
            "query": query.urlencode(),
            "can_export": scoping.may(self.actor, LevelEntry, "export"),
        })  # fmt: skip
        return self.render_to_response(context)

    @staticmethod
    def read_cursor(cursor: str | None) -> int:
        if not cursor:
            return 0
        try:
            return int(signing.loads(cursor, salt=CURSOR_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return 0

    def export(self, rows, occupation, on, by_rank):
        def lines():
            chunk: list[dict] = []
            for row in rows.iterator(chunk_size=2000):
                chunk.append(row)
                if len(chunk) == 2000:
                    yield from self.export_lines(chunk, occupation, on, by_rank)
                    chunk = []
            yield from self.export_lines(chunk, occupation, on, by_rank)

        headers = [str(_("姓名")), str(_("证件号码")), str(_("职业")), str(_("等级")), str(_("日期"))]
        content = workbook_bytes(headers, lines())
        audit.record_audit(actor=self.actor, verb=audit.EXPORT, object_type=LevelEntry._meta.label_lower,
                           reason=f"occupation={occupation.pk}&on={on.isoformat()}")  # fmt: skip
        return xlsx_response(content, f"levels-{occupation.code}-{on.isoformat()}.xlsx")

    @staticmethod
    def export_lines(chunk, occupation, on, by_rank):
        persons = Person.objects.in_bulk(
            [row["person_id"] for row in chunk]
        )  # unscoped: ids from the scoped query
        for row in chunk:
            person = persons.get(row["person_id"])
            if person is not None:
                yield [
                    person.full_name,
                    person.id_number_masked,
                    occupation.name,
                    by_rank[row["top"]].name,
                    on,
                ]


register_menu(
    section="registry", label=_("技能等级查询"), url_name="registry:level-report", roles=REPORT_ROLES, order=305,
    icon="bar-chart-steps", description=_("某职业在某一天各人员的技能等级与各等级人数"),
)  # fmt: skip
