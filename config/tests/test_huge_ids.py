"""An identifier no table holds (99999999999999999999), or not an identifier at all, sent where a form, a page or
the API expects one: a 4xx or the form's error on that field, never a 500, and nothing written."""

import importlib
import inspect
import json
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from fugong.accounts import services as account_services
from fugong.accounts.models import Bank, Role, WorkGroup
from fugong.core import forms as core_forms
from fugong.finance.models import ReferralBatch
from fugong.relief.models import GuaranteeFund

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
NOT_IDS = [HUGE, "²", "-1", "1.5"]


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_work_group_with_an_official_no_table_holds_names_the_field(client, users, value):
    client.force_login(users[Role.REGION])
    response = client.post(
        "/workgroups/groups/new/",
        {"name": "第九工作组", "leagues": ["150600"], "starts_on": "2020-02-03", "ends_on": "2020-03-31",
         "officials": [value]},
    )  # fmt: skip
    assert response.status_code == 200 and "officials" in response.context["form"].errors
    assert not WorkGroup.objects.filter(name="第九工作组").exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_guarantee_fund_with_a_bank_no_table_holds_names_the_field(client, users, value):
    Bank.objects.get_or_create(name="中国银行内蒙古分行")
    client.force_login(users[Role.REGION])
    response = client.post(
        "/relief/funds/new/",
        {"name": "包头助保金", "league": "150200", "amount": "1000", "leverage": "5", "banks": [value],
         "scale": "any", "established_on": "2020-02-01"},
    )  # fmt: skip
    assert response.status_code == 200 and "banks" in response.context["form"].errors
    assert not GuaranteeFund.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_a_referral_batch_with_a_need_no_table_holds_names_the_field(client, users, value):
    client.force_login(users[Role.REGION])
    response = client.post("/finance/batches/new/", {"target": "zhongzheng", "needs": [value]})
    assert response.status_code == 200 and "needs" in response.context["form"].errors
    assert not ReferralBatch.objects.exists()


def test_the_visits_filter_of_the_api_refuses_a_group_no_table_holds(client, users):
    token = account_services.token_create(user=users[Role.REGION], name="test")[1]
    for value in (HUGE, "abc"):
        response = client.get(f"/api/v1/visits?group={value}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 400 and "group" in response.json()["error"], value
    assert client.get("/api/v1/visits?group=1", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_visit_form_posted_with_a_group_no_table_holds_names_the_field(client, users, baotou_enterprise):
    client.force_login(users[Role.WORKGROUP])
    for value in (HUGE, "²"):
        response = client.post(
            "/workgroups/visits/new/",
            {"group": value, "enterprise": baotou_enterprise.pk, "visited_on": "2020-02-20", "status": "work_resumed",
             "employees": "100", "on_duty": "50", "capacity_pct": "50"},
            HTTP_ACCEPT="application/json",
        )  # fmt: skip
        assert response.status_code == 400 and "group" in json.loads(response.content)["error"], value


def _form_classes():
    for path in sorted(Path(settings.BASE_DIR, "fugong").glob("*/forms.py")):
        module = importlib.import_module(f"fugong.{path.parent.name}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_multiple_choice_of_rows_bounds_its_ids():
    # Django's own field sends `pk IN (99999999999999999999)` to the database, which SQLite's driver cannot hold.
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, core_forms.ModelMultipleChoiceField)
    ]
    assert unbounded == []
