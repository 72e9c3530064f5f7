from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import Department, Role, User
from fugong.enterprises.forms import ForEnterpriseForm
from fugong.problems.models import Category, Urgency

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class ProblemForm(ForEnterpriseForm):
    # Starts on "choose", not on the first category: a default nobody chose would route the problem wrongly.
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Please choose"))] + Category.choices, widget=forms.Select(SELECT)
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea({**TEXT, "rows": 5}))
    file = forms.FileField(
        label=_("Attachment (image, PDF or Excel)"),
        required=False,
        widget=forms.ClearableFileInput({**TEXT, "accept": ".png,.jpg,.jpeg,.gif,.webp,.pdf,.xlsx,.xls"}),
    )


class MoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea({**TEXT, "rows": 3})
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, widget=forms.Select(SELECT)
    )
    handler = forms.ModelChoiceField(
        label=_("Handler"), queryset=User.objects.filter(role=Role.HANDLER), required=False, widget=forms.Select(SELECT)
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment (image, PDF or Excel)"), widget=forms.ClearableFileInput(TEXT))
