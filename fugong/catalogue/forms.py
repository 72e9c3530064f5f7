from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.catalogue.models import Call, Category, Delivery, ProductFile
from fugong.core import bounds
from fugong.enterprises.models import Industry

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class ProductForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Call for products"), queryset=Call.objects.none(), required=False, widget=forms.Select(SELECT)
    )
    name = forms.CharField(label=_("Product name"), max_length=100, widget=forms.TextInput(TEXT))
    category = forms.ChoiceField(label=_("Product category"), choices=Category.choices, widget=forms.Select(SELECT))
    description = forms.CharField(label=_("What it does"), max_length=2000, widget=forms.Textarea({**TEXT, "rows": 5}))
    free_terms = forms.CharField(label=_("What is free"), max_length=300, widget=forms.TextInput(TEXT))
    free_months = forms.IntegerField(
        label=_("Free period (months)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Empty: free for as long as the emergency lasts."),
        widget=forms.NumberInput(TEXT),
    )
    limits = forms.CharField(label=_("Limits"), max_length=300, required=False, widget=forms.TextInput(TEXT))
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices, widget=forms.Select(SELECT))
    link = forms.CharField(
        label=_("Link (SaaS or download)"), max_length=300, required=False, widget=forms.URLInput(TEXT)
    )
    industry_codes = forms.MultipleChoiceField(
        label=_("Industries suited"),
        required=False,
        help_text=_("None chosen: suits every industry."),
        widget=forms.SelectMultiple({**SELECT, "size": 6}),
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=30, widget=forms.TextInput(TEXT))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=forms.TextInput(TEXT))

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls  # type: ignore[attr-defined]
        self.fields["industry_codes"].choices = list(Industry.objects.values_list("code", "name"))  # type: ignore[attr-defined]
        for name in ("name", "free_terms", "limits", "contact_name", "description"):
            field = cast(forms.CharField, self.fields[name])
            field.validators += bounds.text_validators(field.max_length or 0, multiline=name == "description")

    def clean_industry_codes(self):
        return ",".join(self.cleaned_data["industry_codes"])


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductFile.Kind.choices, widget=forms.Select(SELECT))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(TEXT))


class CallForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(TEXT))
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput({**TEXT, "type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput({**TEXT, "type": "date"}))
    categories = forms.MultipleChoiceField(
        label=_("Categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Provider name"), max_length=100, widget=forms.TextInput(TEXT))
    credit_code = forms.CharField(label=_("Credit code"), max_length=18, widget=forms.TextInput(TEXT))
    contact_name = forms.CharField(label=_("Contact"), max_length=30, widget=forms.TextInput(TEXT))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=forms.TextInput(TEXT))


class ClaimForm(forms.Form):
    need = forms.CharField(label=_("What you need it for"), max_length=300, widget=forms.Textarea({**TEXT, "rows": 2}))
    contact_name = forms.CharField(label=_("Contact"), max_length=30, widget=forms.TextInput(TEXT))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, widget=forms.TextInput(TEXT))


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=2000)


class ClaimMoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=500)
    rating = forms.IntegerField(required=False, min_value=1, max_value=5)
