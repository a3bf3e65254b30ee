from django import forms

from talentbase.core.forms import ScopedForm
from talentbase.legacy_certificates.forms import HolderFields


class AcceptForm(ScopedForm):
    starts_on = forms.DateField(label="开课日期", widget=forms.DateInput(attrs={"type": "date"}))


class ApplicationForm(HolderFields, ScopedForm):
    """The applicant by document number, as an issuer names a certificate's holder."""
