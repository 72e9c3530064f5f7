from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.areas.models import Area, Park
from fugong.core import bounds
from fugong.core import forms as core_forms
from fugong.dispatch.models import Status
from fugong.enterprises.forms import BootstrapMixin
from fugong.enterprises.models import Enterprise
from fugong.problems.models import Category, Urgency

DATE = {"type": "date"}


def date_widget():
    # A date input takes ISO dates whatever the interface language.
    return forms.DateInput(DATE, format="%Y-%m-%d")


class VisitForm(BootstrapMixin, forms.Form):
    group: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Work group"), queryset=None, empty_label=None)
    enterprise: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=None, empty_label=_("Choose an enterprise")
    )
    visited_on = forms.DateField(label=_("Visited on"), widget=date_widget())
    met = forms.CharField(
        label=_("Who was met"), max_length=100, required=False, validators=bounds.text_validators(100)
    )
    status = forms.ChoiceField(label=_("Status seen"), choices=Status.choices)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=bounds.PEOPLE_MAX)
    on_duty = forms.IntegerField(label=_("Employees on duty"), min_value=0, max_value=bounds.PEOPLE_MAX)
    capacity_pct = forms.DecimalField(
        label=_("Capacity recovery %"), min_value=0, max_value=200, max_digits=5, decimal_places=1
    )
    guidance = forms.CharField(
        label=_("Guidance given"),
        required=False,
        max_length=bounds.TEXT_MAX,
        widget=forms.Textarea({"rows": 3}),
        validators=bounds.text_validators(bounds.TEXT_MAX, multiline=True),
    )
    problem_category = forms.ChoiceField(
        label=_("Problem found (category)"), required=False, choices=[("", _("No problem found")), *Category.choices]
    )
    problem_urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )
    problem_description = forms.CharField(
        label=_("Problem found (description)"),
        required=False,
        max_length=bounds.TEXT_MAX,
        widget=forms.Textarea({"rows": 2}),
        validators=bounds.text_validators(bounds.TEXT_MAX, multiline=True),
    )
    again = forms.BooleanField(label=_("Another visit of this enterprise on this day"), required=False)

    def __init__(self, *args, groups, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups
        field = cast(forms.ModelChoiceField, self.fields["enterprise"])
        field.queryset = enterprises
        field.label_from_instance = lambda e: f"{e.name}（{e.park.name}）" if e.park_id else e.name  # type: ignore[assignment]
        self.style_fields()

    def clean(self):
        data = super().clean() or {}
        if data.get("problem_category") and not (data.get("problem_description") or "").strip():
            self.add_error("problem_description", _("Describe the problem found."))
        return data


class PlanForm(BootstrapMixin, forms.Form):
    group: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Work group"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=100, validators=bounds.text_validators(100, name=True))
    starts_on = forms.DateField(label=_("From"), widget=date_widget())
    ends_on = forms.DateField(label=_("Until"), widget=date_widget())

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["group"]).queryset = groups
        self.style_fields()


class AddParkForm(BootstrapMixin, forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), empty_label=_("Choose a park"))
    day = forms.DateField(label=_("Day"), widget=date_widget())

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["park"]).queryset = parks
        self.style_fields()


class AddEnterpriseForm(BootstrapMixin, forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), empty_label=_("Choose an enterprise")
    )
    day = forms.DateField(label=_("Day"), widget=date_widget())

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["enterprise"]).queryset = enterprises
        self.style_fields()


class OfficialChoice(core_forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.username
        return f"{name}（{obj.area.display_name}）" if obj.area_id else name


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class WorkGroupForm(BootstrapMixin, forms.Form):
    """Forms or changes a work group. The service checks the rules (areas, period, leader) and names the field."""

    name = forms.CharField(label=_("Name"), max_length=60, validators=bounds.text_validators(60, name=True))
    leagues = core_forms.ModelMultipleChoiceField(
        label=_("Leagues"),
        queryset=Area.objects.filter(level=Area.Level.LEAGUE).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = core_forms.ModelMultipleChoiceField(
        label=_("Separately listed cities"),
        queryset=Area.objects.filter(separately_listed=True).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=date_widget())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=date_widget())
    officials = OfficialChoice(
        label=_("Officials who join"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Officials keep their own role and area; joining lets them plan and record the group's visits."),
    )
    leader = LeaderChoice(
        label=_("Leader"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No leader yet"),
        help_text=_("A member of the group or one of the officials who join it."),
    )

    def __init__(self, *args, officials, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["officials"]).queryset = officials
        self.fields["officials"].widget.attrs["size"] = 8
        cast(forms.ModelChoiceField, self.fields["leader"]).queryset = leaders
        self.style_fields()

    def clean(self):
        data = super().clean() or {}
        if not data.get("leagues") and not data.get("cities") and "leagues" not in self.errors:
            self.add_error("leagues", _("Assign at least one league or separately listed city."))
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data
