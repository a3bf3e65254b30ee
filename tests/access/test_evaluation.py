"""Standards and evaluation norms: drafts seen by their institution and the bureaus that review them,
versions in force by every staff role; levels and paths go with their version."""

from talentbase.catalog.models import Level, Occupation
from talentbase.evaluation.models import EligibilityPath, StandardVersion, VersionLevel

from .base import ScopedAccessTests

DRAFT_MATRIX = {
    "city": {"view": "ab", "change": "", "delete": ""},
    "hr": {"view": "ab"},
    "auditadmin": {"view": "ab"},
    "sector": {"view": "a"},
    "evaluation": {"view": "a", "change": "a", "delete": "a"},
    "association": {"view": "", "change": "", "delete": ""},
    "district": {"view": ""},
    "training": {"view": ""},
    "employer": {"view": ""},
}


def draft_norms(personas) -> dict:
    """A draft norm of the persona institution in the sector persona's sector, and one of the outsider
    institution in another sector; both for occupations without a national standard."""
    sectors = personas.actor("sector").sector_ids
    without = Occupation.objects.exclude(national_standard="yes")
    inside = without.filter(sector_id__in=sectors).order_by("code").first()
    outside = without.exclude(sector_id__in=sectors).order_by("code").first()

    def norm(role_outsider, occupation):
        return StandardVersion.objects.create(
            occupation=occupation, kind="norm", institution=personas.organisation("evaluation", role_outsider),
            title=f"{occupation.name}评价规范", generation="2023",
        )  # fmt: skip

    return {"a": norm(False, inside), "b": norm(True, outside)}


class StandardVersionAccess(ScopedAccessTests):
    model = StandardVersion
    list_url = "evaluation:version-list"
    detail_url = "evaluation:version-detail"
    create_url = "evaluation:version-create"
    edit_url = "evaluation:version-edit"
    delete_url = "evaluation:version-delete"
    api_basename = "standardversion"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        return draft_norms(personas)


class VersionLevelAccess(ScopedAccessTests):
    model = VersionLevel
    edit_url = "evaluation:level-edit"
    delete_url = "evaluation:level-delete"
    api_basename = "versionlevel"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        level = Level.objects.get(code="level4")
        return {key: VersionLevel.objects.create(version=version, level=level)
                for key, version in draft_norms(personas).items()}  # fmt: skip


class EligibilityPathAccess(ScopedAccessTests):
    model = EligibilityPath
    edit_url = "evaluation:path-edit"
    delete_url = "evaluation:path-delete"
    api_basename = "eligibilitypath"
    api_writable = True
    access = DRAFT_MATRIX

    def make_objects(self, personas):
        level = Level.objects.get(code="level4")
        objects = {}
        for key, version in draft_norms(personas).items():
            VersionLevel.objects.create(version=version, level=level)
            objects[key] = EligibilityPath.objects.create(version=version, level=level, years=5,
                                                          years_since_level=False, description="累计5年")  # fmt: skip
        return objects
