"""The demo as plain rows, drawn from a seed before anything is written.

Pure Python over the area and park files, so the full-size plan can be checked without a database.
Each concern draws from its own random stream, so a change to the projects leaves the enterprises as they were.
"""

import csv
import math
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from fugong.areas.services import DATA as AREA_DATA
from fugong.demo import data as d
from fugong.enterprises.credit_code import ALPHABET, make

# Not a real number block: every demo phone number starts with this prefix.
FAKE_PHONE_PREFIX = "1990000"
# Section C of GB/T 4754 (manufacturing): where specialised SMEs come from.
MANUFACTURING = frozenset(f"{n:02d}" for n in range(13, 44))


@dataclass(frozen=True)
class County:
    code: str
    name: str
    league: str


@dataclass(frozen=True)
class Geography:
    leagues: dict[str, str]
    counties: dict[str, County]
    parks: dict[str, County]  # park name -> its county

    def league_counties(self, league: str) -> list[County]:
        return [c for c in self.counties.values() if c.league == league]

    def league_parks(self, league: str) -> list[str]:
        return [name for name, county in self.parks.items() if county.league == league]

    def county_parks(self, county: str) -> list[str]:
        return [name for name, c in self.parks.items() if c.code == county]


def load_geography(directory: Path = AREA_DATA) -> Geography:
    with open(directory / "areas.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    leagues = {r["code"]: r["name"] for r in rows if r["level"] == "league"}
    counties = {r["code"]: County(r["code"], r["name"], r["parent"]) for r in rows if r["level"] == "county"}
    with open(directory / "parks.csv", encoding="utf-8") as f:
        parks = {r["name"]: counties[r["county"]] for r in csv.DictReader(f)}
    return Geography(leagues, counties, parks)


@dataclass
class EnterpriseRow:
    credit_code: str
    name: str
    short: str  # brand and trade, for project names: 鑫达煤业
    county: str
    league: str
    industry: str
    size_class: str
    employees: int
    normal_output: Decimal = Decimal(0)
    park: str | None = None
    above_scale: bool = True
    tags: set[str] = field(default_factory=set)
    real: bool = False
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class ProjectRow:
    name: str
    county: str
    park: str | None
    total_investment: Decimal
    planned_start: date
    owner: str | None  # credit code


@dataclass
class Plan:
    enterprises: list[EnterpriseRow]
    projects: list[ProjectRow]

    @property
    def above_scale(self) -> list[EnterpriseRow]:
        return [e for e in self.enterprises if e.above_scale]


def apportion(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split total into whole parts proportional to the weights (largest remainder), the same way every time."""
    weight_sum = sum(weights.values())
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    counts = {k: math.floor(q) for k, q in quotas.items()}
    short = total - sum(counts.values())
    for k in sorted(quotas, key=lambda k: (counts[k] - quotas[k], k))[:short]:
        counts[k] += 1
    return counts


def weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1 / w), i) for i, w in enumerate(weights) if w > 0), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def calibrate(values: list[int], bounds: list[tuple[int, int]], movable: list[int], target: int) -> None:
    """Change values[i] for i in movable, within their bounds and roughly in proportion, until they sum to target."""
    for _ in range(50):
        diff = target - sum(values)
        if diff == 0:
            return
        free = [i for i in movable if (values[i] < bounds[i][1] if diff > 0 else values[i] > bounds[i][0])]
        if not free:
            raise ValueError(f"Cannot reach {target}: the bounds leave {diff} over.")
        base = sum(values[i] for i in free)
        step = 0
        for i in free:
            low, high = bounds[i]
            new = min(high, max(low, values[i] + int(diff * values[i] / base)))
            step += new - values[i]
            values[i] = new
        if step == 0:
            # What is left is smaller than any share: one at a time.
            for i in free:
                if diff == 0:
                    break
                unit = 1 if diff > 0 else -1
                if bounds[i][0] <= values[i] + unit <= bounds[i][1]:
                    values[i] += unit
                    diff -= unit
    if sum(values) != target:
        raise ValueError(f"Cannot reach {target}.")


class _Names:
    """Unique company names of the form place + brand + trade + legal suffix."""

    def __init__(self, rng: random.Random, geo: Geography):
        self.rng = rng
        self.geo = geo
        self.taken: set[str] = set()

    def reserve(self, name: str) -> None:
        self.taken.add(name)

    def brand(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(d.BRANDS_REGIONAL)
        return self.rng.choice(d.BRAND_FIRST) + self.rng.choice(d.BRAND_SECOND)

    def place(self, county: County) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return "内蒙古"
        # Districts of a city rarely appear in a company name; banners, counties and county-level cities do.
        if roll < 0.6 and county.name[-1] in "旗县市":
            return county.name
        return self.geo.leagues[county.league]

    def suffix(self, size_class: str) -> str:
        suffixes, weights = zip(*d.LEGAL_SUFFIXES, strict=True)
        if size_class == "large":
            weights = (30, 40, 30)
        return self.rng.choices(suffixes, weights)[0]

    def make(self, county: County, industry: str, size_class: str) -> tuple[str, str]:
        for _ in range(1000):
            short = self.brand() + self.rng.choice(d.INDUSTRY_WORDS[industry])
            name = self.place(county) + short + self.suffix(size_class)
            if name not in self.taken:
                self.taken.add(name)
                return name, short
        raise RuntimeError("The name parts are exhausted.")


class _CreditCodes:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def make(self, county: str) -> str:
        while True:
            if self.rng.random() < 0.6:
                # Registered after 2015: the organisation code begins MA.
                body = "MA0" + "".join(self.rng.choices(ALPHABET, k=5))
            else:
                body = "".join(self.rng.choices("0123456789", k=8))
            code = make(area_code=county, org_body=body)
            if code not in self.taken:
                self.taken.add(code)
                return code


class Planner:
    def __init__(self, *, seed: int, scale: float, geo: Geography):
        if scale <= 0:
            raise ValueError("The scale must be positive.")
        self.seed = seed
        self.scale = scale
        self.geo = geo
        self.names = _Names(self._rng("names"), geo)
        self.codes = _CreditCodes(self._rng("credit-codes"))

    def _rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.seed}:{stream}")

    def scaled(self, n: int) -> int:
        return max(1, round(n * self.scale))

    def plan(self) -> Plan:
        real = self.real_enterprises()
        above = real + self.above_scale(real)
        self.tag_above_scale(above)
        others = self.daily_others()
        smes = self.park_smes()
        self.tag_specialised(above, smes)
        enterprises = above + others + smes
        self.contacts(enterprises)
        return Plan(enterprises, self.projects(enterprises))

    def real_enterprises(self) -> list[EnterpriseRow]:
        rows = []
        for name, short, county, park, industry, employees, tags in d.REAL_ENTERPRISES:
            self.names.reserve(name)
            rows.append(
                EnterpriseRow(
                    credit_code=self.codes.make(county), name=name, short=short, county=county,
                    league=self.geo.counties[county].league, industry=industry, size_class="large",
                    employees=employees, park=park or None, tags=set(tags), real=True,
                )
            )  # fmt: skip
        return rows

    def industry_weights(self, league: str, only: frozenset[str] | None = None) -> dict[str, float]:
        factors = d.LEAGUE_INDUSTRY_FACTORS.get(league, {})
        return {
            code: weight * factors.get(code, 1.0)
            for code, weight in d.INDUSTRY_WEIGHTS.items()
            if only is None or code in only
        }

    def pick_county(self, rng: random.Random, league: str, industry: str) -> County:
        counties = self.geo.league_counties(league)
        weights = [
            d.COUNTY_WEIGHTS.get(c.code, 1.0) * d.INDUSTRY_COUNTY_AFFINITY.get((industry, c.code), 1.0)
            for c in counties
        ]
        return rng.choices(counties, weights)[0]

    def above_scale(self, real: list[EnterpriseRow]) -> list[EnterpriseRow]:
        rng = self._rng("above-scale")
        total = round(d.ABOVE_SCALE_TOTAL * self.scale)
        real_by_league: defaultdict[str, int] = defaultdict(int)
        for row in real:
            real_by_league[row.league] += 1
        rows = []
        for league, count in apportion(total, d.LEAGUE_QUOTAS).items():
            mix = apportion(max(0, count - real_by_league[league]), self.industry_weights(league))
            industries = [code for code, n in mix.items() for _ in range(n)]
            rng.shuffle(industries)
            for industry in industries:
                shares = d.SIZE_SHARES_HEAVY if industry in d.HEAVY_INDUSTRIES else d.SIZE_SHARES_OTHER
                size_class = rng.choices(list(shares), list(shares.values()))[0]
                county = self.pick_county(rng, league, industry)
                name, short = self.names.make(county, industry, size_class)
                parks = self.geo.county_parks(county.code) or self.geo.league_parks(league)
                park = rng.choice(parks) if parks and rng.random() < d.IN_PARK_SHARE else None
                rows.append(
                    EnterpriseRow(
                        credit_code=self.codes.make(county.code), name=name, short=short, county=county.code,
                        league=league, industry=industry, size_class=size_class,
                        employees=self.draw_employees(rng, size_class), park=park,
                    )
                )  # fmt: skip
        # Employees are drawn, then nudged so that the whole matches the seed document at full scale.
        generic_target = round(
            (d.EMPLOYEES_TOTAL - sum(r.employees for r in real)) * len(rows) / (d.ABOVE_SCALE_TOTAL - len(real))
        )
        values = [r.employees for r in rows]
        bounds = [(1000, d.DRAWN_LARGE_MAX) if r.size_class == "large" else d.SIZE_BOUNDS[r.size_class] for r in rows]
        movable = [i for i, r in enumerate(rows) if r.size_class in ("large", "medium")]
        try:
            calibrate(values, bounds, movable, generic_target)
        except ValueError:
            # A tiny demo may draw too few large enterprises to carry the total; then every size moves.
            calibrate(values, bounds, list(range(len(rows))), generic_target)
        for row, employees in zip(rows, values, strict=True):
            row.employees = employees
        for row in real + rows:
            row.normal_output = self.output(rng, row)
        return rows

    @staticmethod
    def draw_employees(rng: random.Random, size_class: str) -> int:
        low, high = d.SIZE_BOUNDS[size_class]
        if size_class == "large":
            # Pareto: most large enterprises have one to three thousand staff, a handful tens of thousands.
            return min(d.DRAWN_LARGE_MAX, round(low * rng.paretovariate(1.8)))
        skew = {"medium": 1.4, "small": 1.6, "micro": 1.0}[size_class]
        return low + round((high - low) * rng.random() ** skew)

    @staticmethod
    def output(rng: random.Random, row: EnterpriseRow) -> Decimal:
        per_employee = d.OUTPUT_PER_EMPLOYEE.get(row.industry, d.OUTPUT_PER_EMPLOYEE_DEFAULT)
        monthly = row.employees * per_employee / 12 * rng.lognormvariate(0, 0.35)
        if row.above_scale:
            monthly = max(monthly, d.ABOVE_SCALE_MIN_MONTHLY_OUTPUT + rng.random() * 100)
        else:
            monthly = min(monthly * 0.6, 160.0)
        return Decimal(f"{max(monthly, 5.0):.2f}")

    def tag_above_scale(self, rows: list[EnterpriseRow]) -> None:
        rng = self._rng("tags")
        for row in rows:
            if row.industry in d.KEY_INDUSTRIES:
                row.tags.add("key_industry")
        by_size = sorted((r for r in rows if not r.real), key=lambda r: -r.employees)
        real_leading = sum("leading" in r.tags for r in rows if r.real)
        leading_left = max(0, self.scaled(d.LEADING_TOTAL) - real_leading)
        leading = [r for r in by_size if r.industry in d.KEY_INDUSTRIES][:leading_left]
        for row in leading:
            row.tags.add("leading")
        backbone = [r for r in by_size if "leading" not in r.tags][: self.scaled(d.BACKBONE_TOTAL)]
        for row in backbone:
            row.tags.add("backbone")
        candidates = [r for r in rows if not r.real and r.industry in d.EPIDEMIC_SUPPLY_INDUSTRIES]
        real_supply = sum("epidemic_supply" in r.tags for r in rows)
        supply = weighted_sample(
            rng,
            candidates,
            [d.EPIDEMIC_SUPPLY_INDUSTRIES[r.industry] for r in candidates],
            max(0, self.scaled(d.EPIDEMIC_SUPPLY_TOTAL) - real_supply),
        )
        for row in supply:
            row.tags.add("epidemic_supply")

    def tag_specialised(self, above: list[EnterpriseRow], smes: list[EnterpriseRow]) -> None:
        rng = self._rng("specialised")
        total = self.scaled(d.SPECIALISED_TOTAL)
        from_above = round(total * 0.6)
        pool = [r for r in above if r.size_class in ("medium", "small") and r.industry in MANUFACTURING]
        pool_smes = [r for r in smes if r.size_class == "small" and r.industry in MANUFACTURING]
        for row in rng.sample(pool, min(from_above, len(pool))) + rng.sample(
            pool_smes, min(total - from_above, len(pool_smes))
        ):
            row.tags.add("specialised")

    def daily_others(self) -> list[EnterpriseRow]:
        """Not above-scale, but leading or backbone in a key industry, so under daily dispatch."""
        rng = self._rng("daily-others")
        rows = []
        for league, count in apportion(round(d.DAILY_OTHERS_TOTAL * self.scale), d.LEAGUE_QUOTAS).items():
            weights = self.industry_weights(league, only=d.KEY_INDUSTRIES)
            for _ in range(count):
                industry = rng.choices(list(weights), list(weights.values()))[0]
                size_class = "medium" if rng.random() < 0.15 else "small"
                county = self.pick_county(rng, league, industry)
                name, short = self.names.make(county, industry, size_class)
                parks = self.geo.county_parks(county.code)
                low, high = d.SIZE_BOUNDS[size_class]
                row = EnterpriseRow(
                    credit_code=self.codes.make(county.code), name=name, short=short, county=county.code,
                    league=league, industry=industry, size_class=size_class,
                    employees=rng.randint(max(low, 50), min(high, 600)), above_scale=False,
                    park=rng.choice(parks) if parks and rng.random() < 0.5 else None,
                    tags={"leading" if rng.random() < 0.15 else "backbone", "key_industry"},
                )  # fmt: skip
                row.normal_output = self.output(rng, row)
                rows.append(row)
        return rows

    def park_smes(self) -> list[EnterpriseRow]:
        """Small and micro enterprises of the parks, under weekly dispatch."""
        rng = self._rng("park-smes")
        rows = []
        for league, count in apportion(round(d.PARK_SMES_TOTAL * self.scale), d.LEAGUE_QUOTAS).items():
            parks = self.geo.league_parks(league)
            # Few small firms mine coal or run power plants; most make things.
            weights = {
                code: w * (0.3 if code in d.HEAVY_INDUSTRIES else 1.0)
                for code, w in self.industry_weights(league).items()
            }
            for _ in range(count):
                park = rng.choice(parks)
                county = self.geo.parks[park]
                industry = rng.choices(list(weights), list(weights.values()))[0]
                size_class = "micro" if rng.random() < 0.4 else "small"
                name, short = self.names.make(county, industry, size_class)
                employees = rng.randint(3, 19) if size_class == "micro" else rng.randint(20, 150)
                row = EnterpriseRow(
                    credit_code=self.codes.make(county.code), name=name, short=short, county=county.code,
                    league=league, industry=industry, size_class=size_class, employees=employees,
                    above_scale=False, park=park,
                )  # fmt: skip
                row.normal_output = self.output(rng, row)
                rows.append(row)
        return rows

    def contacts(self, rows: list[EnterpriseRow]) -> None:
        from faker import Faker  # not at the top: `demo --if-empty` runs on every `make run` and needs none of it

        fake = Faker("zh_CN")
        fake.seed_instance(self.seed)
        if len(rows) > 10_000:
            raise ValueError("The fake phone block holds 10,000 numbers.")
        for i, row in enumerate(rows):
            row.contact_name = fake.name()
            row.contact_phone = f"{FAKE_PHONE_PREFIX}{i:04d}"

    def projects(self, enterprises: list[EnterpriseRow]) -> list[ProjectRow]:
        rng = self._rng("projects")
        by_league = defaultdict(list)
        for row in enterprises:
            by_league[row.league].append(row)
        templates, weights = [t[:3] for t in d.PROJECT_TEMPLATES], [t[3] for t in d.PROJECT_TEMPLATES]
        taken: set[str] = set()
        rows = []
        for league, count in apportion(self.scaled(d.PROJECTS_TOTAL), d.LEAGUE_QUOTAS).items():
            for _ in range(count):
                for _attempt in range(100):
                    template, industries, sizes = rng.choices(templates, weights)[0]
                    candidates = [e for e in by_league[league] if e.industry in industries]
                    if industries and not candidates:
                        continue  # no wind farm where nobody makes power
                    owner = None
                    if candidates and rng.random() < d.PROJECT_OWNED_SHARE:
                        owner = rng.choices(candidates, [math.sqrt(e.employees) for e in candidates])[0]
                    if owner is not None:
                        county, park, place = owner.county, owner.park, owner.short
                    else:
                        # Not owned by one enterprise, but where that trade is.
                        county = rng.choice(candidates).county if candidates else self.pick_county(rng, league, "").code
                        parks = self.geo.county_parks(county)
                        park = rng.choice(parks) if parks and rng.random() < 0.6 else None
                        place = park or self.geo.counties[county].name
                    name = template.format(place=place, n=rng.choice(sizes) if sizes else "")
                    if name not in taken:
                        break
                else:
                    raise RuntimeError("Cannot find a new project name.")
                taken.add(name)
                low, high = d.PROJECT_INVESTMENT
                investment = math.exp(rng.uniform(math.log(low), math.log(high)))
                rows.append(
                    ProjectRow(
                        name=name, county=county, park=park, total_investment=Decimal(round(investment / 10) * 10),
                        planned_start=d.PROJECT_FIRST_DAY + timedelta(days=rng.randrange(d.PROJECT_DAYS)),
                        owner=owner.credit_code if owner else None,
                    )
                )  # fmt: skip
        return rows


def make_plan(*, seed: int, scale: float = 1.0, geo: Geography | None = None) -> Plan:
    return Planner(seed=seed, scale=scale, geo=geo or load_geography()).plan()
