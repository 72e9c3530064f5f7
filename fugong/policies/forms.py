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
    on = forms.DateField(required=False)


class MeasureProblemForm(forms.Form):
    """A measure's answer raised as a problem: the category is "policy" and the measure is known already."""

    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea({**TEXT, "rows": 7}))


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(TEXT))
    opens_on = forms.DateField(label=_("Window opens"), widget=forms.DateInput({**TEXT, "type": "date"}))
    closes_on = forms.DateField(label=_("Window closes"), widget=forms.DateInput({**TEXT, "type": "date"}))
    max_amount = forms.DecimalField(
        label=_("Largest award (10k yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput({**TEXT, "step": "0.01"}),
    )
    materials = forms.CharField(
        label=_("Required materials (one a line)"), required=False, widget=forms.Textarea({**TEXT, "rows": 3})
    )
    score_sheet = forms.CharField(
        label=_("Score sheet (one item a line: name and maximum)"),
        required=False,
        widget=forms.Textarea({**TEXT, "rows": 4, "placeholder": "技术创新能力 30"}),
    )
    notice_days = forms.IntegerField(
        label=_("Public notice (working days)"), min_value=1, max_value=30, initial=5, widget=forms.NumberInput(TEXT)
    )
    guide = forms.CharField(
        label=_("Application guide"), max_length=200_000, required=False, widget=forms.Textarea({**TEXT, "rows": 6})
    )


class ObjectionForm(forms.Form):
    objector = forms.CharField(label=_("Raised by"), max_length=100, widget=forms.TextInput(TEXT))
    text = forms.CharField(label=_("Objection"), max_length=2000, widget=forms.Textarea({**TEXT, "rows": 2}))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("upheld", _("Upheld")), ("dismissed", _("Dismissed"))])
    reason = forms.CharField(max_length=300)


class AutomaticNoticeForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=30, initial=5)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
