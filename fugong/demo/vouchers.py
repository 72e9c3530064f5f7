"""The demo's cloud-service vouchers (云服务券): one programme of 500万元 valid 10 February to 31 March 2020, a few
hundred vouchers of 0.5, 1 and 2万元, many redeemed against the demo's delivered claims, some paid, some in review,
returned, refused or approved. Written through the voucher services (the moves with their days), after the claims:
the 247 products and their claims stay as the catalogue step made them.

Baotou Steel (the enterprise login) holds a voucher redeemed with the first provider (the provider login), waiting
for the provider's evidence and payment request.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from fugong.catalogue import vouchers
from fugong.catalogue.models import Claim, ClaimState, Voucher, VoucherEvent, VoucherFile, VoucherProgramme

PROGRAMME = "2020年第一批云服务券（企业上云）"
BUDGET = "500"
FACE_VALUES = {"0.5": 3, "1": 5, "2": 2}  # weights
VALID_FROM, VALID_UNTIL = date(2020, 2, 10), date(2020, 3, 31)
HOLDERS = 320  # at full scale
# What happened after a redemption, by weight: paid, in review, approved and waiting for payment, returned to the
# provider, payment refused, redeemed with no request yet.
OUTCOMES = {"paid": 42, "requested": 18, "approved": 8, "returned": 5, "rejected": 2, "redeemed": 25}
EVIDENCE = b"%PDF-1.4\n%demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _at(day: date, hour: int):
    from fugong.demo.catalogue import _at as at

    return at(day, hour)


def build_vouchers(ctx, rng: random.Random, first_provider_id: int | None) -> dict[str, int]:
    programme = vouchers.programme_create(
        actor=None,
        data=vouchers.ProgrammeData(
            name=PROGRAMME,
            budget=BUDGET,
            face_values=list(FACE_VALUES),
            valid_from=VALID_FROM,
            valid_until=VALID_UNTIL,
        ),
    )
    delivered = list(
        Claim.objects.filter(state=ClaimState.DELIVERED, delivered_on__gte=VALID_FROM, delivered_on__lte=VALID_UNTIL)
        .select_related("enterprise")
        .order_by("delivered_on", "pk")
    )
    baogang = next((e for e in ctx.enterprises.values() if e.name.startswith("包头钢铁")), None)
    holders: dict[int, str] = {}  # enterprise id -> credit code
    for claim in delivered:
        holders.setdefault(claim.enterprise_id, claim.enterprise.credit_code)
    pool = sorted(ctx.enterprises.values(), key=lambda e: e.credit_code)
    wanted = max(30, round(HOLDERS * min(ctx.scale, 1.0)))
    for e in rng.sample(pool, min(len(pool), wanted)):
        if len(holders) >= wanted:
            break
        holders.setdefault(e.pk, e.credit_code)
    if baogang is not None:
        holders.setdefault(baogang.pk, baogang.credit_code)
    # Issued in three rounds over February, one face value each.
    by_value: dict[str, list[str]] = {v: [] for v in FACE_VALUES}
    for code in sorted(holders.values()):
        by_value[rng.choices(list(FACE_VALUES), weights=list(FACE_VALUES.values()))[0]].append(code)
    for i, (value, codes) in enumerate(by_value.items()):
        day = VALID_FROM + timedelta(days=3 * i)
        if codes:
            vouchers.vouchers_issue(
                actor=None, programme=programme, face_value=value, credit_codes=codes, on=day, at=_at(day, 10)
            )
    mine = {v.enterprise_id: v for v in programme.vouchers.all()}
    counts = dict.fromkeys(OUTCOMES, 0)
    used: set[int] = set()
    for claim in delivered:
        voucher = mine.get(claim.enterprise_id)
        if voucher is None or voucher.pk in used:
            continue
        is_login = baogang is not None and claim.enterprise_id == baogang.pk
        if is_login and claim.provider_id != first_provider_id:
            continue
        if not is_login and rng.random() > 0.7:
            continue
        used.add(voucher.pk)
        day = min(
            max(claim.delivered_on or voucher.issued_on, voucher.issued_on) + timedelta(days=rng.randint(0, 4)),
            VALID_UNTIL,
        )
        voucher = vouchers.voucher_move(actor=None, voucher=voucher, action="redeem", claim=claim, on=day,
                                        at=_at(day, 14))  # fmt: skip
        outcome = "redeemed" if is_login else rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
        counts[outcome] += 1
        if outcome != "redeemed":
            _pay_through(rng, voucher, outcome, day)
    return {
        "voucher programmes": VoucherProgramme.objects.count(),
        "vouchers issued": Voucher.objects.count(),
        "vouchers redeemed": Voucher.objects.filter(redeemed_on__isnull=False).count(),
        "vouchers paid": Voucher.objects.filter(state="paid").count(),
        "vouchers in review": Voucher.objects.filter(state__in=["requested", "approved"]).count(),
    }


def _pay_through(rng: random.Random, voucher: Voucher, outcome: str, day: date) -> None:
    """Evidence, the request and the department's moves, each a day or a few after the one before, by 31 March."""

    def later(d: date, most: int) -> date:
        return min(d + timedelta(days=rng.randint(1, most)), VALID_UNTIL)

    for kind in ("contract", "invoice", "delivery"):
        vouchers.voucher_file_add(actor=None, voucher=voucher, kind=kind, name=f"{kind}-{voucher.number}.pdf",
                                  content=EVIDENCE)  # fmt: skip
    asked = later(day, 4)
    voucher = vouchers.voucher_move(actor=None, voucher=voucher, action="request", on=asked, at=_at(asked, 11))
    if outcome == "requested":
        return
    reviewed = later(asked, 5)
    if outcome in ("returned", "rejected"):
        reason = "发票金额与合同不一致，请核对后重新提交" if outcome == "returned" else "交付证明与所兑换产品不符"
        action = "reject" if outcome == "rejected" else "return"
        vouchers.voucher_move(actor=None, voucher=voucher, action=action, comment=reason, on=reviewed,
                              at=_at(reviewed, 16))  # fmt: skip
        return
    voucher = vouchers.voucher_move(actor=None, voucher=voucher, action="approve", on=reviewed, at=_at(reviewed, 16))
    if outcome == "approved":
        return
    paid = later(reviewed, 6)
    amount = voucher.face_value if rng.random() < 0.85 else (voucher.face_value * rng.choice([6, 8, 9]) / 10)
    vouchers.voucher_move(actor=None, voucher=voucher, action="pay", amount=f"{amount:.2f}", on=paid,
                          at=_at(paid, 15))  # fmt: skip


def wipe_vouchers() -> None:
    # Only the files of the rows wiped: another process (a test run) may keep its own under the same folder.
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for path in VoucherFile.objects.values_list("path", flat=True):
        (root / path).unlink(missing_ok=True)
    VoucherFile.objects.all().delete()
    VoucherEvent.objects.all().delete()
    Voucher.objects.all().delete()
    VoucherProgramme.objects.filter(carry_over_to__isnull=False).delete()
    VoucherProgramme.objects.all().delete()
