"""How files name reference data: an occupation by its 2022 name, code, or an earlier edition's name; a work
type by its name under its occupation; a level by any way a roster or certificate writes it (四级, 中级工, 4).
Imports read these once per file and look every cell up in memory."""

from __future__ import annotations

import functools
import re

from talentbase.core.imports.columns import normalise_choice

from .models import Level, Occupation, OccupationAlias, WorkType

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A name in comparable form, without a note in brackets."""
    return normalise_choice(re.sub(r"[（(].*?[)）]", "", text or ""))


def occupation_lookup(*, active_only: bool = True) -> dict[str, int]:
    """Normalised name (2022, aliases of earlier editions and old certificates) or code → occupation id.
    A roster names today's occupations (active only); a certificate of before may name one since retired."""
    lookup: dict[str, int] = {}
    # unscoped: reference data, readable by every role
    for alias in OccupationAlias.objects.all():
        lookup[name_key(alias.name)] = alias.occupation_id
        if alias.code:
            lookup.setdefault(alias.code, alias.occupation_id)
    occupations = Occupation.objects.filter(is_active=True) if active_only else Occupation.objects.all()
    # unscoped: reference data, readable by every role
    for pk, code, name in occupations.values_list("pk", "code", "name"):
        lookup[name_key(name)] = pk
        lookup[code] = pk
    return lookup


def work_type_lookup() -> dict[tuple[int, str], int]:
    """(occupation id, normalised work type name) → work type id, active work types only."""
    # unscoped: reference data, readable by every role
    rows = WorkType.objects.filter(is_active=True).values_list("pk", "occupation_id", "name")
    return {(occupation_id, normalise_choice(name)): pk for pk, occupation_id, name in rows}


def level_lookup() -> dict[str, Level]:
    """Every way a level is written in rosters, upstream tables and on certificates → the level."""
    lookup: dict[str, Level] = {}
    # unscoped: the ladder, readable by every role
    for level in Level.objects.all():
        # Never the primary key: "4" means 四级 (the national number), whatever the row id of a level is.
        names = {level.name, level.short_name, *level.name.split("/"), level.code}
        if level.national_number:
            number = level.national_number
            chinese = next(c for c, n in CN_DIGITS.items() if n == number)
            names |= {
                str(number),
                f"{chinese}级",
                f"{number}级",
                f"国家职业资格{chinese}级",
                f"职业技能等级{chinese}级",
            }
            if level.short_name.endswith("工"):
                names.add(level.short_name[:-1])  # 初级、中级、高级
        for name in names:
            if name:
                lookup[normalise_choice(name)] = level
    return lookup
