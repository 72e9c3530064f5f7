from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.chains.models import Category, LinkRole, Side
from fugong.core import bounds
from fugong.enterprises.forms import ForEnterpriseForm

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class PostForm(ForEnterpriseForm):
    side = forms.ChoiceField(label=_("Need or offer"), choices=Side.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, widget=forms.Select(SELECT))
    product = forms.CharField(
        label=_("Product or service"),
        max_length=100,
        validators=bounds.text_validators(100),
        widget=forms.TextInput(TEXT),
    )
    quantity = forms.CharField(
        label=_("Quantity or capacity"), max_length=50, required=False, validators=bounds.text_validators(50),
        widget=forms.TextInput(TEXT),
    )  # fmt: skip
    on = forms.DateField(
        label=_("Needed by, or available from"), validators=bounds.date_validators(future=True),
        widget=forms.DateInput({"class": "form-control", "type": "date"}),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, validators=bounds.text_validators(300, multiline=True),
        widget=forms.Textarea({"class": "form-control", "rows": 2}),
    )  # fmt: skip


class LinkForm(forms.Form):
    partner = forms.CharField(label=_("Partner's credit code"), max_length=18, widget=forms.TextInput(TEXT))
    relation = forms.ChoiceField(label=_("Supplier or customer"), choices=LinkRole.choices, widget=forms.Select(SELECT))
    product = forms.CharField(
        label=_("Product"), max_length=100, required=False, validators=bounds.text_validators(100),
        widget=forms.TextInput(TEXT),
    )  # fmt: skip


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=2000)
