from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import Bank
from fugong.core import forms as core_forms
from fugong.enterprises.forms import ForEnterpriseForm
from fugong.relief.models import Arrangement, GuaranteeInstitution, Scale

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


class LoanForm(ForEnterpriseForm):
    """The form checks the shape of each value; the service checks the bounds and the dates against each other."""

    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.all(), widget=forms.Select(SELECT))
    amount = forms.DecimalField(
        label=_("Loan amount (10k yuan)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    granted_on = forms.DateField(label=_("Loan date"), widget=forms.DateInput(DATE))
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(DATE))
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False, widget=forms.TextInput(TEXT))
    requested = forms.ChoiceField(label=_("Arrangement asked"), choices=Arrangement.choices, widget=forms.RadioSelect)
    guarantor = forms.ModelChoiceField(
        label=_("Guarantee institution (for a bridge)"),
        queryset=GuaranteeInstitution.objects.all(),
        required=False,
        widget=forms.Select(SELECT),
    )


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    arrangement = forms.CharField(required=False, max_length=10)
    amount = forms.DecimalField(required=False, max_digits=12, decimal_places=2)
    new_due_on = forms.DateField(required=False)
    on = forms.DateField(required=False)
    reason = forms.CharField(required=False, max_length=300)


class FundLoanForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Enterprise credit code"), max_length=18, widget=forms.TextInput({"class": "form-control"})
    )
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.none(), widget=forms.Select(SELECT))
    amount = forms.DecimalField(
        label=_("Amount (10k yuan)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    rate = forms.DecimalField(
        label=_("Annual rate (%)"), max_digits=5, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"), min_value=1, max_value=360, widget=forms.NumberInput(TEXT)
    )
    granted_on = forms.DateField(label=_("Granted on"), widget=forms.DateInput(DATE))

    def __init__(self, *args, banks, borrowers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]
        self.borrowers = borrowers

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        enterprise = self.borrowers.filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this credit code in your area."))
        return enterprise


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(TEXT))
    league: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("League"), queryset=None, required=False, empty_label=_("The region"), widget=forms.Select(SELECT)
    )
    amount = forms.DecimalField(
        label=_("Fund (10k yuan)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(TEXT)
    )
    leverage = forms.DecimalField(
        label=_("Leverage (times)"), max_digits=4, decimal_places=1, widget=forms.NumberInput(TEXT)
    )
    banks = core_forms.ModelMultipleChoiceField(
        label=_("Partner banks"), queryset=Bank.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    scale = forms.ChoiceField(label=_("Eligible scale"), choices=Scale.choices, widget=forms.Select(SELECT))
    established_on = forms.DateField(label=_("Established on"), widget=forms.DateInput(DATE))

    def __init__(self, *args, leagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["league"].queryset = leagues  # type: ignore[attr-defined]
