"""Applications imported from a list of ID numbers (one import kind of this app's; an app may have several,
each wired with ``import_urls(kind, prefix)``)."""

from talentbase.core.errors import DomainError
from talentbase.core.imports.columns import Column
from talentbase.core.imports.machinery import Importer, Outcome, PublishResult, register
from talentbase.core.roles import Role
from talentbase.orgs.queries import organisation_of
from talentbase.registry import queries
from talentbase.registry.identity import IdType

from .models import Application


@register
class ApplicationImporter(Importer):
    kind = "example.applications"
    label = "申请"
    roles = frozenset({Role.TRAINING})
    url_prefix = "example:application-import"
    columns = [Column("id_number", "证件号码", required=True, text=True)]

    def validate(self, rows, *, actor, mode, options):
        for number, (id_number,) in rows:
            try:
                person = queries.person_with_id_number(IdType.RIC, id_number)
            except DomainError as error:
                yield Outcome(number, errors=(("证件号码", str(error.message)),))
                continue
            yield Outcome(number, payload={"person": person.pk})

    def publish(self, batch, rows, *, actor) -> PublishResult:
        institution = organisation_of(actor)
        made = Application.objects.bulk_create(
            [Application(person_id=payload["person"], institution=institution) for _number, payload in rows],
            ignore_conflicts=True,
        )
        return PublishResult(created=len(made))
