"""The Inner Mongolia demo: drawn from a seed number, planned in plain Python, written through the services.

`build()` wipes what an earlier demo left and writes the plan of `plan.py` step by step (`steps.STEPS`), all in
one transaction, so the same seed always gives the same enterprises, credit codes and names.
"""

import time
from dataclasses import dataclass

from django.db import transaction

from fugong.demo.data import LOGINS
from fugong.demo.plan import make_plan
from fugong.demo.steps import PASSWORD, STEPS, Context
from fugong.enterprises.models import Enterprise
from fugong.security import trail

DEFAULT_SEED = 2020

__all__ = ["DEFAULT_SEED", "LOGINS", "PASSWORD", "STEPS", "Result", "build", "is_loaded", "wipe"]


@dataclass
class Result:
    seed: int
    scale: float
    counts: dict[str, int]
    seconds: float


def is_loaded() -> bool:
    return Enterprise.objects.exists()


def wipe() -> None:
    with transaction.atomic():
        for step in reversed(STEPS):
            step.wipe()


def build(*, seed: int = DEFAULT_SEED, scale: float = 1.0) -> Result:
    started = time.monotonic()
    plan = make_plan(seed=seed, scale=scale)
    counts: dict[str, int] = {}
    # The audit trail takes the build's entries in one INSERT at its end, in the same transaction (fugong/security).
    with transaction.atomic(), trail.batch():
        wipe()
        ctx = Context(seed=seed, scale=scale, plan=plan)
        for step in STEPS:
            counts.update(step.build(ctx))
    return Result(seed=seed, scale=scale, counts=counts, seconds=time.monotonic() - started)
