from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.arrears.models import AGREED_DAYS_MAX, STATUTORY_DAYS, DebtorType
from fugong.core import bounds
from fugong.enterprises.forms import ForEnterpriseForm

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


class ItemForm(ForEnterpriseForm):
    debtor = forms.CharField(
        label=_("Debtor"),
        max_length=100,
        validators=bounds.text_validators(100, name=True),
        widget=forms.TextInput(TEXT),
    )
    debtor_type = forms.ChoiceField(label=_("Debtor type"), choices=DebtorType.choices, widget=forms.Select(SELECT))
    debtor_area = forms.ModelChoiceField(
        label=_("Debtor's area"), queryset=Area.objects.exclude(level="region"), widget=forms.Select(SELECT)
    )
    contract = forms.CharField(
        label=_("Contract"), max_length=100, validators=bounds.text_validators(100), widget=forms.TextInput(TEXT)
    )
    amount = forms.DecimalField(
        label=_("Amount owed (10k yuan)"), min_value=0, max_digits=12, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    accepted_on = forms.DateField(
        label=_("Accepted on"), validators=bounds.date_validators(), widget=forms.DateInput(DATE)
    )
    agreed_days = forms.IntegerField(
        label=_("Days to pay"),
        min_value=1,
        max_value=AGREED_DAYS_MAX,
        initial=STATUTORY_DAYS,
        help_text=_("30 days from acceptance; at most 60 where the contract agrees so."),
        widget=forms.NumberInput(TEXT),
    )
    overdue_since = forms.DateField(
        label=_("Overdue since"), required=False, validators=bounds.date_validators(), widget=forms.DateInput(DATE)
    )
    pay_when_paid = forms.BooleanField(
        label=_("The contract makes payment wait until the debtor is paid (pay-when-paid clause)"), required=False
    )


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    on = forms.DateField(required=False)
    reason = forms.CharField(required=False, max_length=300)
    comment = forms.CharField(required=False, max_length=2000)
