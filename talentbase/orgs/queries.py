"""The organisations' read paths that other apps use."""

import datetime

from talentbase.core.actor import Actor
from talentbase.core.imports.columns import normalise_choice

from .models import EvaluationFiling, FilingState, Organisation
from .validators import normalise_credit_code


def organisation_of(actor: Actor) -> Organisation:
    """The organisation the actor acts for (its membership is the permission: everyone may read their own)."""
    return Organisation.objects.get(pk=actor.organisation_id)  # unscoped: the actor's own organisation


def organisation_names() -> dict[str, int]:
    """Every way an organisation is typed on a certificate → its id: the normalised full name, the short
    name (when no full name reads the same) and the 统一社会信用代码. One query; the import builds it once."""
    names: dict[str, int] = {}
    shorts: dict[str, int] = {}
    # unscoped: reference lookup of a typed issuer or evaluator name among all organisations (no data is shown)
    for pk, name, short_name, code in Organisation.objects.values_list(
        "pk", "name", "short_name", "credit_code"
    ):
        names[normalise_choice(name)] = pk
        if short_name:
            shorts.setdefault(normalise_choice(short_name), pk)
        if code:
            names[normalise_credit_code(code).lower()] = pk
    return {**shorts, **names}


def organisation_named(text: str, names: dict[str, int] | None = None) -> int | None:
    """The id of the organisation a typed issuer or evaluator names (exact name, short name or credit code,
    compared normalised), or None for a body outside the platform: its name stays as typed text."""
    if not (text or "").strip():
        return None
    names = organisation_names() if names is None else names
    return names.get(normalise_choice(text)) or names.get(normalise_credit_code(text).lower())


def filing_in_force(*, organisation_id: int, occupation_id: int, level_id: int, on: datetime.date):
    """The filing under which this institution may plan, run and issue for this occupation and level on
    ``on`` (notice 三.三.5): filed, covering the level, ``on`` within its validity. None when there is none:
    a lapsed or revoked filing authorises nothing from that moment."""
    # unscoped: a rule check of the institution's own authority, nothing is shown
    return (
        EvaluationFiling.objects.filter(
            organisation_id=organisation_id, occupation_id=occupation_id, levels=level_id,
            state=FilingState.FILED, valid_from__lte=on, valid_to__gte=on,
        )
        .order_by("-valid_to", "pk")
        .first()
    )  # fmt: skip


def filing_covering(*, organisation_id: int, occupation_id: int, level_id: int, first: datetime.date,
                    last: datetime.date):  # fmt: skip
    """A filing in force on some day from ``first`` to ``last`` (a plan's month), or None."""
    # unscoped: a rule check of the institution's own authority, nothing is shown
    return (
        EvaluationFiling.objects.filter(
            organisation_id=organisation_id, occupation_id=occupation_id, levels=level_id,
            state=FilingState.FILED, valid_from__lte=last, valid_to__gte=first,
        )
        .order_by("-valid_to", "pk")
        .first()
    )  # fmt: skip
