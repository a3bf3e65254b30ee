"""The audit trail and workflow decisions: the audit administrator alone reads them."""

from talentbase.core import audit
from talentbase.core.actor import system_actor
from talentbase.core.models import AuditCheckpoint, AuditEvent, AuditHead, AuditKeyedStart, Decision
from tests.personas import ROLES

from .base import ScopedAccessTests

AUDITOR = {"auditadmin": {"view": "ab"}}


class AuditEventAccess(ScopedAccessTests):
    model = AuditEvent
    list_url = "core:audit-list"
    access = AUDITOR

    def make_objects(self, personas):
        return {
            "a": audit.record_audit(actor=personas.actor("employer"), verb="test", reason="a"),
            "b": audit.record_audit(actor=personas.actor("employer", outsider=True), verb="test", reason="b"),
        }


class AuditHeadAccess(ScopedAccessTests):
    model = AuditHead
    access = {"auditadmin": {"view": "a"}}

    def make_objects(self, personas):
        audit.record_audit(actor=system_actor(), verb="test")
        return {"a": AuditHead.objects.get(pk=1)}


class AuditKeyedStartAccess(ScopedAccessTests):
    model = AuditKeyedStart
    access = {"auditadmin": {"view": "a"}}

    def make_objects(self, personas):
        # The row the keyed-chain migration wrote (a flush may have emptied it); never re-signed: the
        # application role may not update it.
        return {"a": AuditKeyedStart.objects.filter(pk=1).first() or audit.mark_keyed_start()}


class AuditCheckpointAccess(ScopedAccessTests):
    model = AuditCheckpoint
    access = AUDITOR

    def make_objects(self, personas):
        import datetime

        from django.utils import timezone

        now = timezone.now() - datetime.timedelta(days=400)
        make = lambda seq: AuditCheckpoint.objects.create(  # noqa: E731
            upto_seq=seq,
            upto_hash="0" * 64,
            upto_at=now,
            signature=audit.checkpoint_signature(seq, "0" * 64, now),
        )
        return {"a": make(0), "b": make(-1)}


class DecisionAccess(ScopedAccessTests):
    model = Decision
    access = AUDITOR

    def make_objects(self, personas):
        make = lambda n: Decision.objects.create(  # noqa: E731
            object_type="orgs.evaluationfiling", object_id=str(n), transition="submit", from_state="draft",
            to_state="submitted", role="evaluation",
        )  # fmt: skip
        return {"a": make(1), "b": make(2)}


class JobAccess(ScopedAccessTests):
    """A background job is its owner's alone (another user of the same organisation and role included): every
    role may follow its own jobs, on the page and the API."""

    from talentbase.core.jobs.models import Job as model  # noqa: N813

    detail_url = "core:job-detail"
    api_basename = "job"
    access = {str(role): {"view": "a" if str(role) == "employer" else ""} for role in ROLES}

    def make_objects(self, personas):
        from talentbase.core.jobs.models import Job

        def job(outsider):
            return Job.objects.create(owner=personas.user("employer", outsider), kind="export", title="人员")

        return {"a": job(False), "b": job(True)}


class ListColumnsAccess(ScopedAccessTests):
    """A user's choice of list columns is theirs alone: every role sees and changes its own, nobody another's."""

    from talentbase.core.models import ListColumns as model  # noqa: N813

    access = {
        str(role): {"view": "a", "change": "a", "delete": "a"} if str(role) == "employer" else
        {"view": "", "change": "", "delete": ""} for role in ROLES
    }  # fmt: skip

    def make_objects(self, personas):
        from talentbase.core.models import ListColumns

        def choice(outsider):
            user = personas.user("employer", outsider)
            return ListColumns.objects.create(user=user, table="registry:person-list", columns=["full_name"])

        return {"a": choice(False), "b": choice(True)}
