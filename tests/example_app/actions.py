import datetime

from django.db import IntegrityError, transaction

from talentbase.core import audit, jobs
from talentbase.core.actor import Actor
from talentbase.core.errors import DomainError
from talentbase.core.workflow import take_transition
from talentbase.orgs.queries import organisation_of
from talentbase.registry import queries

from .errors import ExampleError
from .models import Application


@transaction.atomic
def apply(*, actor: Actor, id_type: str, id_number: str) -> Application:
    """The institution records an application by the applicant's ID number (as an issuer names a holder)."""
    person = queries.person_with_id_number(id_type, id_number)
    try:
        with transaction.atomic():
            application = Application.objects.create(person=person, institution=organisation_of(actor))
    except IntegrityError:
        raise DomainError(ExampleError.ALREADY_APPLIED, "已申请", field="id_number") from None
    audit.audit_change(actor=actor, obj=application, before=None, verb=audit.CREATE)
    return application


@transaction.atomic
def accept_application(*, actor: Actor, application: Application, starts_on: datetime.date) -> Application:
    """Accept: the state moves through the workflow, and the effect (a letter written by a background job)
    belongs here, never to a view."""
    take_transition(application, "accept", actor=actor, changes={"starts_on": starts_on})
    job = jobs.enqueue(actor=actor, kind="example.letter", title="录取通知", target=application,
                       result_filename=f"letter-{application.pk}.txt")  # fmt: skip
    Application.objects.filter(pk=application.pk).update(letter_job=job)
    application.letter_job = job
    return application
