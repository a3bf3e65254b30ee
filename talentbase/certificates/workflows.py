"""A certificate's status: valid until revoked (with a reason) by HR, the city bureau or its issuer.
Suspension and reissue come with trusted certificates (issue 16)."""

from django.utils.translation import gettext_lazy

from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import issuing
from .models import CertificateStatus

CERTIFICATE_WORKFLOW = Workflow(
    model="certificates.Certificate", object_argument="certificate", field="status", scope_action="view",
    transitions=[
        Transition("revoke", source=[CertificateStatus.VALID], target=CertificateStatus.REVOKED,
                   roles=[Role.HR, Role.CITY, Role.EVALUATION, Role.ASSOCIATION], label=gettext_lazy("撤销证书"),
                   comment_required=True, when=issuing.may_revoke, action="talentbase.certificates.issuing.revoke",
                   style="outline-danger"),
    ],
)  # fmt: skip
