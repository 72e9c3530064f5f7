import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.core.excel import header_index, match_column
from fugong.dispatch import services as dispatch
from fugong.problems import excel, selectors, services
from fugong.problems.models import Attachment, Problem, Source, State
from fugong.problems.tests.factories import PNG, make_problem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "attachments"


def test_an_enterprise_raises_a_problem_with_an_attachment(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(
        "/problems/new/",
        {"category": "labour", "urgency": "urgent", "description": "返岗员工不足三成",
         "file": SimpleUploadedFile("名单.pdf", PDF)},
    )  # fmt: skip
    problem = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/problems/{problem.pk}/"
    assert (problem.enterprise, problem.category, problem.urgency) == (baotou_enterprise, "labour", "urgent")
    assert problem.department.name == "人力资源和社会保障厅"
    attachment = problem.attachments.get()
    assert (attachment.content_type, attachment.original_name) == ("application/pdf", "名单.pdf")
    download = client.get(f"/problems/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 60, "Programs"),
        ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "Programs"),
        ("photo.pdf", PNG, "PNG but its name ends in “.pdf”"),
        ("notes.txt", b"just text", "Attach an image"),
        ("empty.png", b"", "empty"),
    ],
)
def test_attachments_are_sniffed_not_trusted_by_name(client, users, baotou_enterprise, name, content, message):
    problem = make_problem(baotou_enterprise)
    client.force_login(users[Role.ENTERPRISE])
    with translation.override("en"):
        response = client.post(
            f"/problems/{problem.pk}/attachments/", {"file": SimpleUploadedFile(name, content)}, follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
    assert Attachment.objects.count() == 0
    assert message in response.text or name == "empty.png"


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_attachments_are_size_limited(users, baotou_enterprise):
    from django.core.exceptions import ValidationError

    from fugong.problems import attachments

    problem = make_problem(baotou_enterprise)
    with pytest.raises(ValidationError):
        attachments.attachment_add(actor=None, problem=problem, name="big.png", content=PNG + b"\x00" * 2048)
    assert Attachment.objects.count() == 0


def test_an_xlsx_is_an_excel_attachment_and_another_zip_is_not(baotou_enterprise):
    from django.core.exceptions import ValidationError

    from fugong.core.excel import write_xlsx
    from fugong.problems import attachments

    problem = make_problem(baotou_enterprise)
    book = write_xlsx(excel.COLUMNS, [], title="t")
    assert attachments.attachment_add(actor=None, problem=problem, name="清单.xlsx", content=book).size == len(book)
    jar = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Main-Class: x")
    with pytest.raises(ValidationError):
        attachments.attachment_add(actor=None, problem=problem, name="清单.xlsx", content=jar.getvalue())


def test_attachments_are_served_only_to_those_who_see_the_problem(client, users, baotou_enterprise, ordos_enterprise):
    from fugong.problems import attachments

    mine = attachments.attachment_add(actor=None, problem=make_problem(baotou_enterprise), name="a.png", content=PNG)
    client.force_login(users[Role.BANK])
    assert client.get(f"/problems/attachments/{mine.pk}/").status_code == 404
    client.force_login(users[Role.HANDLER])
    assert client.get(f"/problems/attachments/{mine.pk}/").status_code == 200


def test_a_handler_sees_only_what_is_routed_to_the_department(client, users, baotou_enterprise, ordos_enterprise):
    routed = make_problem(ordos_enterprise, category="transport")
    elsewhere = make_problem(baotou_enterprise, category="labour")
    client.force_login(users[Role.HANDLER])
    page = client.get("/problems/").text
    assert f"/problems/{routed.pk}/" in page and f"/problems/{elsewhere.pk}/" not in page
    assert client.get(f"/problems/{elsewhere.pk}/").status_code == 404
    detail = client.get(f"/problems/{routed.pk}/")
    assert ordos_enterprise.name in detail.text
    # The registry itself stays closed to the handler.
    assert client.get(f"/enterprises/{ordos_enterprise.credit_code}/").status_code == 404
    api = client.get("/api/v1/problems").json()
    assert [item["id"] for item in api["items"]] == [routed.pk]


def test_contacts_are_masked_outside_the_enterprises_league(client, users, baotou_enterprise):
    baotou_enterprise.contact_name, baotou_enterprise.contact_phone = "李明", "13904721234"
    baotou_enterprise.save()
    problem = make_problem(baotou_enterprise)
    # The handler must call about a problem routed to them (issue 10, §6): the phone shows in full.
    for role, visible in ((Role.LEAGUE, True), (Role.COUNTY, True), (Role.REGION, True), (Role.HANDLER, True)):
        client.force_login(users[role])
        text = client.get(f"/problems/{problem.pk}/").text
        assert ("13904721234" in text) is visible, role
        assert ("139****1234" in text) is not visible, role


def test_the_queue_lists_open_problems_by_deadline(client, users, baotou_enterprise):
    later = make_problem(baotou_enterprise, raised_on=date(2020, 2, 12))
    sooner = make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    done = make_problem(baotou_enterprise, raised_on=date(2020, 2, 3))
    services.problem_move(actor=users[Role.HANDLER], problem=done, action="decline", comment="重复")
    client.force_login(users[Role.HANDLER])
    text = client.get("/problems/queue/").text
    assert text.index(f"/problems/{sooner.pk}/") < text.index(f"/problems/{later.pk}/")
    assert f"/problems/{done.pk}/" not in text


def test_due_soon_and_overdue_lists(client, users, baotou_enterprise):
    today = timezone.localdate()
    late = make_problem(baotou_enterprise, raised_on=today - timedelta(days=30))
    fresh = make_problem(baotou_enterprise, category="arrears", raised_on=today)
    client.force_login(users[Role.LEAGUE])
    overdue = client.get("/problems/?due=overdue").text
    assert f"/problems/{late.pk}/" in overdue and f"/problems/{fresh.pk}/" not in overdue
    soon = selectors.problem_list(user=users[Role.LEAGUE], filters=selectors.ProblemFilters(due="soon"))
    assert late not in soon and fresh not in soon


def test_moves_through_the_page_show_why_a_move_is_refused(client, users, baotou_enterprise):
    problem = make_problem(baotou_enterprise)
    client.force_login(users[Role.HANDLER])
    with translation.override("en"):
        response = client.post(
            f"/problems/{problem.pk}/moves/", {"action": "resolve", "comment": "x"}, follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
    assert "alert-danger" in response.text
    assert "not possible while the problem is Submitted" in response.text.replace("&quot;", '"')
    assert Problem.objects.get().state == State.SUBMITTED
    client.post(f"/problems/{problem.pk}/moves/", {"action": "accept"})
    assert Problem.objects.get().state == State.ACCEPTED


def test_a_merge_is_suggested_for_the_same_category_within_days(client, users, baotou_enterprise):
    first = make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    second = make_problem(baotou_enterprise, raised_on=date(2020, 2, 13))
    far = make_problem(baotou_enterprise, raised_on=date(2020, 3, 20))
    assert list(selectors.merge_candidates(second)) == [first]
    client.force_login(users[Role.LEAGUE])
    text = client.get(f"/problems/{second.pk}/").text
    assert 'data-testid="merge-suggestion"' in text and f"/problems/{far.pk}/" not in text


def test_a_problem_raised_from_a_daily_report(client, users, baotou_enterprise):
    report = dispatch.report_save(
        actor=None, kind=dispatch.DAILY, subject=baotou_enterprise, period=timezone.localdate() - timedelta(days=1),
        values={"status": "work_resumed", "employees": 100, "on_duty": 20, "capacity_pct": 10, "note": "缺少焦煤"},
        source="api",
    ).report  # fmt: skip
    client.force_login(users[Role.COUNTY])
    assert f"/problems/new/?report={report.pk}" in client.get(f"/dispatch/reports/daily/{report.pk}/").text
    form = client.get(f"/problems/new/?report={report.pk}")
    assert "缺少焦煤" in form.text
    client.post(
        "/problems/new/",
        {"report": report.pk, "credit_code": baotou_enterprise.credit_code, "category": "raw_materials",
         "urgency": "normal", "description": "缺少焦煤"},
    )  # fmt: skip
    problem = Problem.objects.get()
    assert (problem.source, problem.daily_report) == (Source.REPORT, report)
    client.force_login(users[Role.HANDLER])
    assert client.get(f"/problems/new/?report={report.pk}").status_code == 404


def test_the_export_reopens_as_the_problem_list(client, users, baotou_enterprise, ordos_enterprise):
    done = make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    services.problem_move(actor=users[Role.HANDLER], problem=done, action="accept")
    services.problem_move(actor=users[Role.HANDLER], problem=done, action="resolve", comment="开具通行证")
    services.problem_move(actor=users[Role.ENTERPRISE], problem=done, action="confirm")
    make_problem(baotou_enterprise, category="labour", raised_on=date(2020, 2, 11))
    make_problem(ordos_enterprise, raised_on=date(2020, 2, 11))
    client.force_login(users[Role.LEAGUE])
    response = client.get("/problems/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    index = header_index(excel.COLUMNS)
    assert [match_column(h, index).key for h in rows[1]] == [c.key for c in excel.COLUMNS]
    assert [c.aliases[0] for c in excel.COLUMNS] == [
        "序号", "盟市", "企业名称", "问题类别", "问题描述", "责任部门", "责任人", "办理时限", "办理进展", "是否销号"
    ]  # fmt: skip
    body = rows[2:]
    assert len(body) == 2  # Baotou only: Ordos is outside the league
    assert [r[0] for r in body] == [1, 2]
    first = body[0]
    assert (first[1], first[2], first[5], first[6]) == ("包头市", baotou_enterprise.name, "交通运输厅", "erin_handler")
    assert first[7].date() == done.due_on
    assert "开具通行证" in first[8]


def test_statistics_by_category_league_and_department(users, baotou_enterprise, ordos_enterprise):
    quick = make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    services.problem_move(actor=None, problem=quick, action="accept")
    services.problem_move(actor=None, problem=quick, action="resolve", comment="ok", on=date(2020, 2, 12))
    services.problem_move(actor=users[Role.ENTERPRISE], problem=quick, action="confirm", on=date(2020, 2, 13))
    make_problem(baotou_enterprise, category="labour", raised_on=date(2020, 2, 10))  # due 2-17, open
    make_problem(ordos_enterprise, raised_on=date(2020, 2, 20))
    stats = selectors.problem_stats(user=users[Role.REGION], as_of=date(2020, 2, 22))
    t = stats.total
    assert (t.raised, t.resolved, t.overdue, t.resolution_rate, t.median_days, t.satisfaction) == (
        3, 1, 1, 33.3, 2, 100.0
    )  # fmt: skip
    by_league = {r.key: (r.raised, r.resolved, r.overdue) for r in stats.by_league}
    assert by_league == {"150200": (2, 1, 1), "150600": (1, 0, 0)}
    by_category = {r.key: r.raised for r in stats.by_category}
    assert by_category == {"labour": 1, "transport": 2}
    assert {r.label: r.raised for r in stats.by_department} == {"交通运输厅": 2, "人力资源和社会保障厅": 1}
    # As of an earlier day, what came later is not counted.
    early = selectors.problem_stats(user=users[Role.REGION], as_of=date(2020, 2, 11)).total
    assert (early.raised, early.resolved, early.overdue) == (2, 0, 0)
    # The league sees its own.
    assert selectors.problem_stats(user=users[Role.LEAGUE], as_of=date(2020, 2, 22)).total.raised == 2
    lines = selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 22))
    assert lines[0] == "截至2月22日，企业反映复工复产问题3件，已解决1件，解决率33.3%；超期未办结1件。"
    assert lines[1] == "问题主要集中在运输物流（2件）、用工（1件）。"
    assert selectors.brief_lines(user=users[Role.REGION], as_of=date(2020, 2, 22), scope="150600") == [
        "截至2月22日，企业反映复工复产问题1件，已解决0件，解决率0%，无超期未办结问题。",
        "问题主要集中在运输物流（1件）。",
    ]


def test_the_statistics_page_answers_in_few_queries(client, users, baotou_enterprise, django_assert_max_num_queries):
    for n in range(5):
        make_problem(make_enterprise(county="150203"), raised_on=date(2020, 2, 10 + n))
    client.force_login(users[Role.REGION])
    with django_assert_max_num_queries(8):
        response = client.get("/problems/stats/?as_of=2020-02-22")
    assert response.status_code == 200 and 'data-testid="by-league"' in response.text
    with django_assert_max_num_queries(10):
        assert client.get("/problems/").status_code == 200


def test_satisfaction_counts_each_reopening_as_a_no(users, baotou_enterprise):
    problem = make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    handler, enterprise = users[Role.HANDLER], users[Role.ENTERPRISE]
    services.problem_move(actor=handler, problem=problem, action="accept")
    services.problem_move(actor=handler, problem=problem, action="resolve", comment="已办", on=date(2020, 2, 11))
    services.problem_move(actor=enterprise, problem=problem, action="reopen", comment="没解决")
    services.problem_move(actor=handler, problem=problem, action="resolve", comment="再办", on=date(2020, 2, 12))
    services.problem_move(actor=enterprise, problem=problem, action="confirm", on=date(2020, 2, 12))
    total = selectors.problem_stats(user=users[Role.REGION], as_of=timezone.localdate()).total
    assert (total.rated, total.satisfied, total.satisfaction, total.median_days) == (2, 1, 50.0, 2)


def test_the_work_brief_carries_the_problems_and_referrals(users, baotou_enterprise, ordos_enterprise):
    from fugong.analytics import brief
    from fugong.analytics.figures import Scope
    from fugong.problems.tests.factories import make_referral

    make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    make_problem(ordos_enterprise, category="labour", raised_on=date(2020, 2, 20))
    make_referral(baotou_enterprise, referred_on=date(2020, 2, 20))
    written = brief.brief(user=users[Role.REGION], as_of=date(2020, 2, 22))
    keys = [s.key for s in written.sections]
    assert keys.index("problem_ledger") + 1 == keys.index("financing") < keys.index("reporting")
    expected = "问题诉求办理情况。截至2月22日，企业反映复工复产问题2件，已解决0件，解决率0%；超期未办结1件。"
    assert expected in written.text
    assert "融资对接情况。累计推荐融资企业1户；" in written.text
    # Scoped to Ordos: its problem only, and no referral to speak of.
    ordos = brief.brief(user=users[Role.REGION], as_of=date(2020, 2, 22), scope=Scope(league="150600"))
    assert "企业反映复工复产问题1件" in ordos.text and "financing" not in [s.key for s in ordos.sections]
    # The league official's brief stays in the league.
    assert "问题1件" in brief.brief(user=users[Role.LEAGUE], as_of=date(2020, 2, 22)).text


def test_the_dashboard_panels_read_the_same_figures_as_the_stats(client, users, baotou_enterprise, ordos_enterprise):
    from fugong.analytics import sections
    from fugong.problems.tests.factories import make_referral

    assert sections.keys()[:2] == ["problem_ledger", "financing"]
    make_problem(baotou_enterprise, raised_on=date(2020, 2, 10))
    make_problem(ordos_enterprise, category="labour", raised_on=date(2020, 2, 20))
    make_referral(baotou_enterprise, referred_on=date(2020, 2, 20))
    client.force_login(users[Role.REGION])
    # The dashboard loads its panels after itself (htmx), from /analytics/panels/ with its own date and scope.
    dashboard = client.get("/analytics/?as_of=2020-02-22").content.decode()
    assert 'hx-get="/analytics/panels/?as_of=2020-02-22"' in dashboard
    with translation.override("zh-hans"):
        page = client.get("/analytics/panels/?as_of=2020-02-22", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="panel-problem_ledger"' in page and 'data-testid="panel-financing"' in page
    assert '反映问题</td><td class="text-end text-nowrap fw-bold">2件' in page
    # The Baotou official sees Baotou's problem only, and the referral made there.
    client.force_login(users[Role.LEAGUE])
    page = client.get("/analytics/panels/?as_of=2020-02-22", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '反映问题</td><td class="text-end text-nowrap fw-bold">1件' in page
    # A day before anything was raised: nothing to show, no panel.
    page = client.get("/analytics/panels/?as_of=2020-02-05").content.decode()
    assert 'data-testid="panels"' not in page
