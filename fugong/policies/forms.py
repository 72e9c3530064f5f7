from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.problems.models import Urgency

TEXT = {"class": "form-control"}


class ApplicationForm(forms.Form):
    requested_amount = forms.DecimalField(
        label=_("Amount requested (10k yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput({**TEXT, "step": "0.01"}),
    )
    statement = forms.CharField(
        label=_("Statement"), max_length=2000, required=False, widget=forms.Textarea({**TEXT, "rows": 4})
    )


class AttachmentForm(forms.Form):
    material = forms.CharField(label=_("Material"), max_length=100, widget=forms.TextInput(TEXT))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(TEXT))


class PolicyAttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(TEXT))


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    reason = forms.CharField(required=False, max_length=300)
    comment = forms.CharField(required=False, max_length=2000)


class MeasureProblemForm(forms.Form):
    """A measure's answer raised as a problem: the category is "policy" and the measure is known already."""

    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea({**TEXT, "rows": 7}))
