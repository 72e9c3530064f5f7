from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area, Park
from fugong.enterprises.models import Enterprise, Industry, SizeClass, Tag


class BootstrapMixin:
    fields: dict[str, forms.Field]  # the form's

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class EnterpriseForm(BootstrapMixin, forms.Form):
    credit_code = forms.CharField(label=_("Credit code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    county = forms.ModelChoiceField(label=_("County"), queryset=Area.objects.none(), empty_label=_("Choose a county"))
    park = forms.ModelChoiceField(
        label=_("Park"), queryset=Park.objects.none(), required=False, empty_label=_("Not in a park")
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), empty_label=_("Choose an industry")
    )
    above_scale = forms.BooleanField(label=_("Above-scale"), required=False)
    size_class = forms.ChoiceField(label=_("Size class"), choices=SizeClass.choices)
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=Tag.Code.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    normal_output = forms.DecimalField(
        label=_("Normal output value (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    def __init__(self, *args, user, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        areas = access.visible_areas(user)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = areas.filter(level=Area.Level.COUNTY).order_by(
            "code"
        )
        cast(forms.ModelChoiceField, self.fields["park"]).queryset = access.visible_parks(user)
        if enterprise is not None:
            self.fields["credit_code"].disabled = True
        self.style_fields()


class KeyProjectForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    county = forms.ModelChoiceField(label=_("County"), queryset=Area.objects.none(), empty_label=_("Choose a county"))
    park = forms.ModelChoiceField(
        label=_("Park"), queryset=Park.objects.none(), required=False, empty_label=_("Not in a park")
    )
    total_investment = forms.DecimalField(
        label=_("Total investment (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=forms.DateInput(attrs={"type": "date"}))
    owner = forms.CharField(label=_("Owner enterprise (credit code)"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        areas = access.visible_areas(user)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = areas.filter(level=Area.Level.COUNTY).order_by(
            "code"
        )
        cast(forms.ModelChoiceField, self.fields["park"]).queryset = access.visible_parks(user)
        self.style_fields()

    def clean_owner(self):
        code = self.cleaned_data["owner"].strip().upper()
        if not code:
            return None
        owner = access.visible_enterprises(self.user).filter(credit_code=code).first()
        if owner is None:
            raise forms.ValidationError(_("No enterprise with this credit code in your area."))
        return owner


class ForEnterpriseForm(forms.Form):
    """A case raised for an enterprise (a problem, a financing need): an enterprise's user raises it for itself;
    an official names the enterprise by its credit code, within their area."""

    credit_code = forms.CharField(
        label=_("Enterprise credit code"), max_length=18, widget=forms.TextInput({"class": "form-control"})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if access.own_enterprise(user) is not None:
            del self.fields["credit_code"]

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        enterprise = access.visible_enterprises(self.user).filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this credit code in your area."))
        return enterprise

    def enterprise(self):
        return access.own_enterprise(self.user) or self.cleaned_data["credit_code"]
