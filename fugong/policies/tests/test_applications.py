from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.notices.models import Notice, SmsMessage
from fugong.policies import services
from fugong.policies.models import Benefit, State
from fugong.policies.tests.factories import PNG, make_application, make_measure, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"


def move(user, application, action, **kw):
    return services.application_move(actor=user, application=application, action=action, **kw)


def test_it_goes_from_draft_to_award_and_the_benefit_reaches_the_ledger(
    users, baotou_enterprise, django_capture_on_commit_callbacks
):
    application = make_application(baotou_enterprise, make_measure(amount="50"))
    assert application.state == State.DRAFT
    move(users[Role.ENTERPRISE], application, "submit")
    move(users[Role.LEAGUE], application, "pass")
    with django_capture_on_commit_callbacks(execute=True):
        awarded = move(users[Role.REGION], application, "award", amount=Decimal("40"))
    assert awarded.state == State.AWARDED and awarded.awarded_amount == Decimal("40")
    benefit = Benefit.objects.get(application=awarded)
    assert (benefit.amount, benefit.league_id, benefit.source) == (Decimal("40"), "150200", "application")
    assert [e.action for e in awarded.events.all()] == ["create", "submit", "pass", "award"]
    # The applicant hears of the outcome in the inbox.
    assert Notice.objects.filter(user=users[Role.ENTERPRISE], kind="policy_application").count() == 1


@pytest.mark.parametrize(
    ("state_moves", "action", "allowed"),
    [
        ([], "submit", {Role.ENTERPRISE}),
        (["submit"], "pass", {Role.REGION, Role.LEAGUE}),
        (["submit"], "return", {Role.REGION, Role.LEAGUE}),
        (["submit"], "decline", {Role.REGION, Role.LEAGUE}),
        (["submit", "pass"], "award", {Role.REGION}),
        (["submit", "pass"], "decline", {Role.REGION, Role.LEAGUE}),
        (["submit", "return"], "submit", {Role.ENTERPRISE}),
    ],
)
def test_every_move_and_who_may_make_it(users, baotou_enterprise, state_moves, action, allowed):
    measure = make_measure()
    actors = {"submit": Role.ENTERPRISE, "pass": Role.LEAGUE, "return": Role.LEAGUE}
    args = {"amount": Decimal("10"), "reason": "材料不全", "comment": "请补充"}
    for role in Role.values:
        application = _fresh(baotou_enterprise, measure, users)
        for m in state_moves:
            move(users[actors[m]], application, m, comment="请补充")
            application.refresh_from_db()
        if role in allowed:
            move(users[role], application, action, **args)
        else:
            with pytest.raises(ValidationError) as e:
                move(users[role], application, action, **args)
            assert "action" in e.value.message_dict


def _fresh(enterprise, measure, users):
    from fugong.policies.models import Application

    Application.objects.filter(enterprise=enterprise, measure=measure).update(state=State.DECLINED)
    return make_application(enterprise, measure)


def test_a_move_from_the_wrong_state_is_refused_naming_the_states(users, baotou_enterprise):
    application = make_application(baotou_enterprise, make_measure())
    with translation.override("en"), pytest.raises(ValidationError) as e:
        move(users[Role.REGION], application, "award", amount=Decimal("1"))
    assert "Passed league review" in e.value.message_dict["action"][0]


def test_a_league_official_of_another_league_cannot_review(users, baotou_enterprise):
    ordos = make_user("olga_ordos", Role.LEAGUE, area=Area.objects.get(code="150600"))
    application = make_application(baotou_enterprise, make_measure())
    move(users[Role.ENTERPRISE], application, "submit")
    with pytest.raises(ValidationError):
        move(ordos, application, "pass")


def test_an_award_above_the_largest_or_without_amount_is_refused(users, baotou_enterprise):
    application = make_application(baotou_enterprise, make_measure(amount="50"))
    move(users[Role.ENTERPRISE], application, "submit")
    move(users[Role.LEAGUE], application, "pass")
    for amount, field in ((None, "amount"), (Decimal("60"), "amount")):
        with pytest.raises(ValidationError) as e:
            move(users[Role.REGION], application, "award", amount=amount)
        assert field in e.value.message_dict
    assert not Benefit.objects.exists()


def test_a_return_and_a_decline_need_a_reason(users, baotou_enterprise):
    application = make_application(baotou_enterprise, make_measure())
    move(users[Role.ENTERPRISE], application, "submit")
    with pytest.raises(ValidationError) as e:
        move(users[Role.LEAGUE], application, "return")
    assert "comment" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        move(users[Role.LEAGUE], application, "decline")
    assert "reason" in e.value.message_dict


def test_a_programme_refuses_submission_without_its_materials_or_after_its_window(users, baotou_enterprise):
    measure = make_measure()
    programme = make_programme(measure, materials=("申报书", "营业执照"))
    application = make_application(baotou_enterprise, measure, programme=programme)
    with translation.override("en"), pytest.raises(ValidationError) as e:
        move(users[Role.ENTERPRISE], application, "submit")
    assert "申报书、营业执照" in e.value.message_dict["materials"][0]
    for material in ("申报书", "营业执照"):
        services.application_attach(
            actor=users[Role.ENTERPRISE], application=application, material=material, name="a.png", content=PNG
        )
    programme.closes_on = timezone.localdate() - timedelta(days=1)
    programme.opens_on = programme.closes_on - timedelta(days=10)
    programme.save()
    with pytest.raises(ValidationError) as e:
        move(users[Role.ENTERPRISE], application, "submit")
    assert "programme" in e.value.message_dict
    programme.closes_on = timezone.localdate()
    programme.save()
    assert move(users[Role.ENTERPRISE], application, "submit").state == State.SUBMITTED


def test_an_attachment_is_checked_by_its_bytes(users, baotou_enterprise):
    application = make_application(baotou_enterprise, make_measure())
    with pytest.raises(ValidationError) as e:
        services.application_attach(
            actor=users[Role.ENTERPRISE], application=application, material="申报书", name="a.pdf", content=b"MZ\x90"
        )
    assert "file" in e.value.message_dict


def test_an_ineligible_enterprise_or_an_automatic_measure_takes_no_application(baotou_enterprise):
    small_only = make_measure(
        rule={"all": [{"fact": "size_class", "op": "in", "value": ["small"], "article": "第二条"}]}
    )
    with pytest.raises(ValidationError) as e:
        make_application(baotou_enterprise, small_only)
    assert "measure" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        make_application(baotou_enterprise, make_measure(delivery="automatic"))
    assert "measure" in e.value.message_dict


def test_notify_the_eligible_reaches_inbox_and_records_the_sms(users, baotou_enterprise, ordos_enterprise):
    measure = make_measure()
    sent = services.notify_eligible(actor=users[Role.LEAGUE], measure=measure)
    # The league official's area holds Baotou Steel only; its user gets the notice, its phone one SMS (recorded).
    assert sent.notices == 1 and Notice.objects.get(kind="policy_match").user == users[Role.ENTERPRISE]
    phones = 1 if baotou_enterprise.contact_phone else 0
    assert SmsMessage.objects.filter(status="recorded").count() == phones and sent.sms_sent == 0
    # Once applied, it is not notified again.
    make_application(baotou_enterprise, measure)
    assert services.notify_eligible(actor=users[Role.LEAGUE], measure=measure).notices == 0
    with pytest.raises(ValidationError):
        services.notify_eligible(actor=users[Role.ENTERPRISE], measure=measure)


def test_reach_counts_the_notices_opened(client, users, baotou_enterprise):
    measure = make_measure()
    services.notify_eligible(actor=users[Role.LEAGUE], measure=measure)
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/policies/measures/{measure.pk}/").context["reach"] == (1, 0)
    client.force_login(users[Role.ENTERPRISE])
    notice = Notice.objects.get(kind="policy_match")
    assert client.get(f"/notices/{notice.pk}/")["Location"] == f"/policies/measures/{measure.pk}/"
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/policies/measures/{measure.pk}/").context["reach"] == (1, 1)


def test_the_web_journey_upload_and_moves(client, users, baotou_enterprise):
    measure = make_measure()
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(f"/policies/measures/{measure.pk}/apply/", {"requested_amount": "20"})
    application = baotou_enterprise.policy_applications.get()
    assert response.status_code == 302 and response["Location"] == f"/policies/applications/{application.pk}/"
    upload = SimpleUploadedFile("申报书.png", PNG, content_type="image/png")
    client.post(f"/policies/applications/{application.pk}/attach/", {"material": "申报书", "file": upload})
    assert application.attachments.count() == 1
    client.post(f"/policies/applications/{application.pk}/moves/", {"action": "submit"})
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    # A bad amount on the form names the field; nothing is created.
    response = client.post(f"/policies/measures/{measure.pk}/apply/", {"requested_amount": "-1"})
    assert response.status_code == 200 and "requested_amount" in response.context["form"].errors
