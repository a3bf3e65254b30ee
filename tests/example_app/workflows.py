from talentbase.core.roles import Role
from talentbase.core.workflow import Transition, Workflow

from . import forms
from .models import ApplicationState

APPLICATION_WORKFLOW = Workflow(
    model="example.Application", object_argument="application",
    transitions=[
        Transition("accept", source=[ApplicationState.APPLIED], target=ApplicationState.ACCEPTED,
                   roles=[Role.TRAINING], label="录取", form=forms.AcceptForm,
                   action="tests.example_app.actions.accept_application"),
        Transition("decline", source=[ApplicationState.APPLIED], target=ApplicationState.DECLINED,
                   roles=[Role.TRAINING], label="不录取", comment_required=True),
    ],
)  # fmt: skip
