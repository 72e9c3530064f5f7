"""Input checks only (types, required, ranges a field can hold); the rules live in validation.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.dispatch.models import ProjectStatus, Status

# Numeric keypads on phones; the browser's own spinners add nothing to a headcount.
NUMBER = {"inputmode": "numeric", "autocomplete": "off", "class": "form-control form-control-lg"}
DECIMAL = {"inputmode": "decimal", "autocomplete": "off", "class": "form-control form-control-lg"}
# Big boxes for the status: one tap on a phone.
CHOICE = forms.RadioSelect(attrs={"class": "form-selectgroup-input"})
TEXT = forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "off"})


class ReportForm(forms.Form):
    """A daily or weekly enterprise report: the enterprise's form and one row of the grid."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=CHOICE)
    employees = forms.IntegerField(
        label=_("Employees"), min_value=0, widget=forms.NumberInput(attrs={**NUMBER, "min": 0})
    )
    on_duty = forms.IntegerField(
        label=_("Employees on duty"), min_value=0, widget=forms.NumberInput(attrs={**NUMBER, "min": 0})
    )
    capacity_pct = forms.DecimalField(
        label=_("Capacity recovery %"),
        min_value=0,
        max_digits=6,
        widget=forms.NumberInput(attrs={**DECIMAL, "min": 0, "max": 200, "step": "0.1"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=TEXT)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ProjectReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices, widget=CHOICE)
    workers_on_site = forms.IntegerField(
        label=_("Workers on site"), min_value=0, widget=forms.NumberInput(attrs={**NUMBER, "min": 0})
    )
    investment_week = forms.DecimalField(
        label=_("Investment completed this week (10k yuan)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**DECIMAL, "min": 0, "step": "0.01"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=TEXT)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}
