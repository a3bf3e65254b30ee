"""Reference data: every staff role reads it, the city bureau alone edits it."""

from talentbase.catalog.models import (
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
from talentbase.core.roles import Role

from .base import ScopedAccessTests

READ_ALL = {"view": "ab"}
READERS = [Role.HR, Role.SECTOR, Role.DISTRICT, Role.ASSOCIATION, Role.EVALUATION, Role.TRAINING, Role.EMPLOYER,
           Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]  # fmt: skip


def read_only_for_all_but_city(city: dict, *, workers: bool = False) -> dict:
    readers = {**{str(role): READ_ALL for role in READERS}, "city": city}
    if workers:  # occupations and levels: a worker names them in a report of a missing certificate
        readers[str(Role.WORKER)] = READ_ALL
    return readers


class OccupationAccess(ScopedAccessTests):
    model = Occupation
    list_url = "catalog:occupation-list"
    detail_url = "catalog:occupation-detail"
    create_url = "catalog:occupation-create"
    edit_url = "catalog:occupation-edit"
    delete_url = "catalog:occupation-delete"
    api_basename = "occupation"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"}, workers=True)

    def make_objects(self, personas):
        return {
            "a": Occupation.objects.get(code="4-09-10-01"),
            "b": Occupation.objects.get(code="5-02-03-01"),
        }


class DistrictAccess(ScopedAccessTests):
    model = District
    list_url = "catalog:district-list"
    detail_url = "catalog:district-detail"
    edit_url = "catalog:district-edit"
    api_basename = "district"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab"})

    def make_objects(self, personas):
        return {"a": District.objects.get(code="310115"), "b": District.objects.get(code="310101")}


class SectorAccess(ScopedAccessTests):
    model = Sector
    list_url = "catalog:sector-list"
    detail_url = "catalog:sector-detail"
    create_url = "catalog:sector-create"
    edit_url = "catalog:sector-edit"
    delete_url = "catalog:sector-delete"
    api_basename = "sector"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        return {"a": Sector.objects.get(code="greening"), "b": Sector.objects.get(code="forestry")}


class LevelAccess(ScopedAccessTests):
    model = Level
    list_url = "catalog:level-list"
    detail_url = "catalog:level-detail"
    api_basename = "level"
    access = read_only_for_all_but_city({"view": "ab"}, workers=True)  # fixed data: no one edits the ladder

    def make_objects(self, personas):
        return {"a": Level.objects.get(code="level3"), "b": Level.objects.get(code="level5")}


class OrganisationKindAccess(ScopedAccessTests):
    model = OrganisationKind
    list_url = "catalog:kind-list"
    detail_url = "catalog:kind-detail"
    create_url = "catalog:kind-create"
    edit_url = "catalog:kind-edit"
    delete_url = "catalog:kind-delete"
    api_basename = "organisationkind"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        return {
            "a": OrganisationKind.objects.get(code="employer"),
            "b": OrganisationKind.objects.get(code="school"),
        }


class OccupationAliasAccess(ScopedAccessTests):
    model = OccupationAlias
    list_url = "catalog:alias-list"
    detail_url = "catalog:alias-detail"
    create_url = "catalog:alias-create"
    edit_url = "catalog:alias-edit"
    delete_url = "catalog:alias-delete"
    api_basename = "occupationalias"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        return {
            "a": OccupationAlias.objects.get(name="盆景工"),
            "b": OccupationAlias.objects.get(name="森林病虫害防治员"),
        }


class CertificateNumberFormatAccess(ScopedAccessTests):
    model = CertificateNumberFormat
    list_url = "catalog:number-format-list"
    detail_url = "catalog:number-format-detail"
    create_url = "catalog:number-format-create"
    edit_url = "catalog:number-format-edit"
    delete_url = "catalog:number-format-delete"
    api_basename = "certificatenumberformat"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        return {
            "a": CertificateNumberFormat.objects.get(code="skill_level_22"),
            "b": CertificateNumberFormat.objects.get(code="qualification_16"),
        }


class WorkTypeAccess(ScopedAccessTests):
    model = WorkType
    list_url = "catalog:work-type-list"
    detail_url = "catalog:work-type-detail"
    create_url = "catalog:work-type-create"
    edit_url = "catalog:work-type-edit"
    delete_url = "catalog:work-type-delete"
    api_basename = "worktype"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"}, workers=True)

    def make_objects(self, personas):
        return {
            "a": WorkType.objects.create(
                occupation=Occupation.objects.get(code="4-09-10-01"), name="花卉园艺工"
            ),
            "b": WorkType.objects.create(occupation=Occupation.objects.get(code="5-02-03-01"), name="苗圃工"),
        }


class CalendarYearAccess(ScopedAccessTests):
    model = CalendarYear
    list_url = "catalog:calendar-year-list"
    detail_url = "catalog:calendar-year-detail"
    create_url = "catalog:calendar-year-create"
    edit_url = "catalog:calendar-year-edit"
    delete_url = "catalog:calendar-year-delete"
    api_basename = "calendaryear"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        return {"a": CalendarYear.objects.get(year=2025), "b": CalendarYear.objects.get(year=2026)}


class CalendarDayAccess(ScopedAccessTests):
    model = CalendarDay
    list_url = "catalog:calendar-day-list"
    detail_url = "catalog:calendar-day-detail"
    create_url = "catalog:calendar-day-create"
    edit_url = "catalog:calendar-day-edit"
    delete_url = "catalog:calendar-day-delete"
    api_basename = "calendarday"
    api_writable = True
    access = read_only_for_all_but_city({"view": "ab", "change": "ab", "delete": "ab"})

    def make_objects(self, personas):
        import datetime

        return {
            "a": CalendarDay.objects.get(date=datetime.date(2025, 10, 1)),
            "b": CalendarDay.objects.get(date=datetime.date(2025, 10, 11)),
        }
