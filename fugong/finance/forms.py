from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import Bank
from fugong.core import forms as core_forms
from fugong.enterprises.forms import ForEnterpriseForm
from fugong.finance.models import Target, Urgency

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class NeedForm(ForEnterpriseForm):
    amount = forms.DecimalField(
        label=_("Amount (10k yuan)"), min_value=0, max_digits=12, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, widget=forms.TextInput(TEXT))
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=360, widget=forms.NumberInput(TEXT)
    )
    collateral = forms.CharField(label=_("Collateral"), max_length=200, required=False, widget=forms.TextInput(TEXT))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )


class BatchForm(forms.Form):
    target = forms.ChoiceField(label=_("Target"), choices=Target.choices, widget=forms.Select(SELECT))
    bank = forms.ModelChoiceField(
        label=_("Bank"), queryset=Bank.objects.all(), required=False, widget=forms.Select(SELECT)
    )
    name = forms.CharField(label=_("Batch name"), max_length=100, required=False, widget=forms.TextInput(TEXT))
    needs: forms.ModelMultipleChoiceField = core_forms.ModelMultipleChoiceField(
        label=_("Financing needs"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["needs"])
        field.queryset = needs
        field.label_from_instance = lambda n: f"{n.enterprise.name} · {n.amount} · {n.purpose}"  # type: ignore[assignment]


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    on = forms.DateField(required=False)
    reason = forms.CharField(required=False, max_length=300)
