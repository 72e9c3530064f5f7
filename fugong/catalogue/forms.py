from typing import cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from fugong.catalogue.models import Call, Category, Delivery, ProductFile, VoucherProgramme
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


# --- Cloud-service vouchers -------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=100, widget=forms.TextInput(TEXT))
    budget = forms.DecimalField(
        label=_("Budget (10k yuan)"), max_digits=10, decimal_places=2, min_value=0.01, widget=forms.NumberInput(TEXT)
    )
    face_values = forms.CharField(
        label=_("Face values (10k yuan)"),
        max_length=100,
        help_text=_("Separated by commas, e.g. 0.5, 1, 2."),
        widget=forms.TextInput(TEXT),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput({**TEXT, "type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput({**TEXT, "type": "date"}))
    leagues = forms.MultipleChoiceField(
        label=_("Leagues"),
        required=False,
        help_text=_("None chosen: every league."),
        widget=forms.SelectMultiple({**SELECT, "size": 6}),
    )
    size_classes = forms.MultipleChoiceField(
        label=_("Size classes"),
        required=False,
        help_text=_("None chosen: every size."),
        widget=forms.CheckboxSelectMultiple,
    )
    industry_codes = forms.MultipleChoiceField(
        label=_("Industries"),
        required=False,
        help_text=_("None chosen: every industry."),
        widget=forms.SelectMultiple({**SELECT, "size": 6}),
    )
    on_expiry = forms.ChoiceField(label=_("Unused vouchers at the end"), widget=forms.Select(SELECT))
    carry_over_to = forms.ModelChoiceField(
        label=_("Carried over to"), queryset=VoucherProgramme.objects.all(), required=False, widget=forms.Select(SELECT)
    )

    def __init__(self, *args, **kwargs):
        from fugong.areas.models import Area
        from fugong.catalogue.models import OnExpiry
        from fugong.enterprises.models import SizeClass

        super().__init__(*args, **kwargs)
        leagues = Area.objects.filter(models.Q(level=Area.Level.LEAGUE) | models.Q(separately_listed=True))
        self.fields["leagues"].choices = [(a.code, a.display_name) for a in leagues.order_by("code")]  # type: ignore[attr-defined]
        self.fields["size_classes"].choices = SizeClass.choices  # type: ignore[attr-defined]
        self.fields["industry_codes"].choices = list(Industry.objects.values_list("code", "name"))  # type: ignore[attr-defined]
        self.fields["on_expiry"].choices = OnExpiry.choices  # type: ignore[attr-defined]
        cast(forms.CharField, self.fields["name"]).validators += bounds.text_validators(100, name=True)

    def clean_industry_codes(self):
        return ",".join(self.cleaned_data["industry_codes"])


class IssueForm(forms.Form):
    face_value = forms.ChoiceField(label=_("Face value (10k yuan)"), widget=forms.Select(SELECT))
    all_eligible = forms.BooleanField(label=_("Every eligible enterprise"), required=False)
    league = forms.ChoiceField(label=_("Of the league"), required=False, widget=forms.Select(SELECT))
    credit_codes = forms.CharField(
        label=_("Or these enterprises"),
        required=False,
        max_length=200_000,
        help_text=_("Credit codes, one a line."),
        widget=forms.Textarea({**TEXT, "rows": 4}),
    )

    def __init__(self, *args, programme, **kwargs):
        from fugong.areas.models import Area
        from fugong.catalogue.vouchers import wan

        super().__init__(*args, **kwargs)
        self.fields["face_value"].choices = [(wan(v), wan(v)) for v in programme.face_values]  # type: ignore[attr-defined]
        leagues = Area.objects.filter(models.Q(level=Area.Level.LEAGUE) | models.Q(separately_listed=True))
        self.fields["league"].choices = [("", _("All"))] + [(a.code, a.display_name) for a in leagues]  # type: ignore[attr-defined]


class VoucherMoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=500)
    claim = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    amount = forms.DecimalField(required=False, max_digits=8, decimal_places=2, min_value=0.01)
    on = forms.DateField(required=False, validators=bounds.date_validators())


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=forms.Select(SELECT))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(TEXT))

    def __init__(self, *args, **kwargs):
        from fugong.catalogue.models import VoucherFile

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = VoucherFile.Kind.choices  # type: ignore[attr-defined]
