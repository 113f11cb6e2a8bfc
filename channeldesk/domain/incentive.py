"""Incentive programs: kinds, eligibility, proof-of-performance rules, rebate tiers, SPIFFs
and MDF ROI. Pure values, no database.

A program is MDF, co-op, rebate or SPIFF. MDF and co-op pay back part of a partner's
marketing activity (the vendor's reimbursement share) against proof that the activity
happened; which proof depends on the activity type ("event → invoice, attendee list,
photos"), checked offline before a claim is submitted. Rebates pay a rate on reported
sales, flat or in tiers, or on the growth over the prior period. A SPIFF pays a fixed
amount per qualifying deal or unit.

Rates are :class:`~decimal.Decimal` percentages or integer basis points; money is
integer minor units of the program's currency (``domain/money.py``), rounded half-even
to the minor unit only once, at the end of a computation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise

from channeldesk.domain.partner import PartnerTier, PartnerType

NAME_MAX = 200
MAX_DEADLINE_DAYS = 3650
BASIS_POINTS = 10_000


class ProgramKind(StrEnum):
    MDF = "mdf"
    COOP = "coop"
    REBATE = "rebate"
    SPIFF = "spiff"


KIND_LABELS = {
    ProgramKind.MDF: "MDF",
    ProgramKind.COOP: "Co-op",
    ProgramKind.REBATE: "Rebate",
    ProgramKind.SPIFF: "SPIFF",
}


def kind_label(code: str) -> str:
    try:
        return KIND_LABELS[ProgramKind(code)]
    except ValueError:
        return code


def needs_preapproval(kind: str) -> bool:
    """MDF and co-op activities are pre-approved (funds reserved) before they run;
    rebates and SPIFFs are claimed straight away against what was earned."""
    return kind in (ProgramKind.MDF, ProgramKind.COOP)


class RebateBasis(StrEnum):
    SALES = "sales"
    GROWTH = "growth"


BASIS_LABELS = {RebateBasis.SALES: "Reported sales",
                RebateBasis.GROWTH: "Growth over the prior period"}


def basis_label(code: str) -> str:
    try:
        return BASIS_LABELS[RebateBasis(code)]
    except ValueError:
        return code


# -- activity types and proof of performance -------------------------------------------

class ProofKind(StrEnum):
    INVOICE = "invoice"
    ATTENDEE_LIST = "attendee_list"
    PHOTOS = "photos"
    REPORT = "report"
    AD_COPY = "ad_copy"
    LEAD_LIST = "lead_list"
    OTHER = "other"


PROOF_LABELS = {
    ProofKind.INVOICE: "invoice",
    ProofKind.ATTENDEE_LIST: "attendee list",
    ProofKind.PHOTOS: "photos",
    ProofKind.REPORT: "campaign report",
    ProofKind.AD_COPY: "copy of the advertisement",
    ProofKind.LEAD_LIST: "lead list",
    ProofKind.OTHER: "other document",
}


def proof_label(code: str) -> str:
    try:
        return PROOF_LABELS[ProofKind(code)]
    except ValueError:
        return code


class ActivityType(StrEnum):
    EVENT = "event"
    DIGITAL = "digital_campaign"
    PRINT = "print_ad"
    TRADE_SHOW = "trade_show"
    TRAINING = "training"
    DEAL = "deal"  # a SPIFF or rebate claim: no marketing activity


ACTIVITY_LABELS = {
    ActivityType.EVENT: "Event",
    ActivityType.DIGITAL: "Digital campaign",
    ActivityType.PRINT: "Print advertising",
    ActivityType.TRADE_SHOW: "Trade show",
    ActivityType.TRAINING: "Training",
    ActivityType.DEAL: "Deal / sales",
}


def activity_label(code: str) -> str:
    try:
        return ACTIVITY_LABELS[ActivityType(code)]
    except ValueError:
        return code


DEFAULT_PROOF_RULES: dict[str, tuple[str, ...]] = {
    ActivityType.EVENT: (ProofKind.INVOICE, ProofKind.ATTENDEE_LIST, ProofKind.PHOTOS),
    ActivityType.DIGITAL: (ProofKind.INVOICE, ProofKind.REPORT),
    ActivityType.PRINT: (ProofKind.INVOICE, ProofKind.AD_COPY),
    ActivityType.TRADE_SHOW: (ProofKind.INVOICE, ProofKind.PHOTOS, ProofKind.LEAD_LIST),
    ActivityType.TRAINING: (ProofKind.INVOICE, ProofKind.ATTENDEE_LIST),
    ActivityType.DEAL: (ProofKind.INVOICE,),
}


class RuleError(ValueError):
    """A program setting (proof rules, tiers, codes) that cannot be read."""


def format_proof_rules(rules: Mapping[str, Sequence[str]]) -> str:
    """The stored text of proof rules: 'event: invoice, attendee_list; digital_campaign: …'."""
    return "; ".join(f"{activity}: {', '.join(kinds)}" for activity, kinds in rules.items())


DEFAULT_PROOF_RULES_TEXT = format_proof_rules(DEFAULT_PROOF_RULES)


def parse_proof_rules(text: str) -> dict[str, tuple[str, ...]]:
    """Read 'event: invoice, attendee_list, photos; digital_campaign: invoice, report'.
    An empty text means the default rules."""
    if not (text or "").strip():
        return dict(DEFAULT_PROOF_RULES)
    rules: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        activity, colon, kinds = part.partition(":")
        activity = activity.strip()
        if not colon or activity not in set(ActivityType):
            choices = ", ".join(ActivityType)
            raise RuleError(f"'{part}' is not a proof rule. Write 'activity: proof, proof' "
                            f"with an activity type among {choices}.")
        wanted = tuple(k.strip() for k in kinds.split(",") if k.strip())
        unknown = [k for k in wanted if k not in set(ProofKind)]
        if unknown:
            raise RuleError(f"'{unknown[0]}' is not a kind of proof. Use: "
                            f"{', '.join(ProofKind)}.")
        rules[activity] = wanted
    return rules


def proof_rules_error(text: str) -> str | None:
    try:
        parse_proof_rules(text)
    except RuleError as error:
        return str(error)
    return None


def missing_proof(rules: Mapping[str, Sequence[str]], activity: str,
                  attached: Iterable[str]) -> list[str]:
    """The proof kinds the activity type asks for that are not attached, in rule order."""
    have = set(attached)
    return [kind for kind in rules.get(activity, ()) if kind not in have]


def missing_proof_text(missing: Sequence[str]) -> str:
    """'missing: attendee list, photos' — what the claim form shows before submission."""
    return "missing: " + ", ".join(proof_label(k) for k in missing) if missing else ""


# -- eligibility -------------------------------------------------------------------------

def parse_codes(text: str) -> frozenset[str]:
    """Comma-separated codes ('reseller, msp'); empty means every one is eligible."""
    return frozenset(c.strip() for c in (text or "").split(",") if c.strip())


def _codes_error(text: str, allowed: Iterable[str], what: str) -> str | None:
    allowed_set = {str(a) for a in allowed}
    unknown = sorted(parse_codes(text) - allowed_set)
    if unknown:
        return f"'{unknown[0]}' is not a {what}. Use: {', '.join(sorted(allowed_set))}."
    return None


def partner_types_error(text: str) -> str | None:
    return _codes_error(text, PartnerType, "partner type")


def tiers_error(text: str) -> str | None:
    return _codes_error(text, PartnerTier, "partner tier")


def eligibility_problem(partner_types: str, tiers: str, partner_type: str,
                        tier: str) -> str | None:
    """Why a partner may not take part in a program (None when it may)."""
    types, wanted_tiers = parse_codes(partner_types), parse_codes(tiers)
    if types and partner_type not in types:
        return (f"This program is for {', '.join(sorted(types))} partners; this partner is "
                f"a {partner_type}.")
    if wanted_tiers and tier not in wanted_tiers:
        return (f"This program is for {', '.join(sorted(wanted_tiers))} tiers; this partner "
                f"is {tier}.")
    return None


# -- rebates ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Tier:
    """From ``threshold`` (minor units of sales) on, ``rate`` percent applies."""

    threshold: int
    rate: Decimal


_TIER = re.compile(r"^\s*(?P<from>[\d,_]+)\s*:\s*(?P<rate>\d+(\.\d+)?)\s*%?\s*$")


def parse_tiers(text: str, digits: int = 2) -> tuple[Tier, ...]:
    """Read '0: 2, 100000: 3' (from an amount in whole currency units, rate in percent);
    a single '2' is a flat 2%. Thresholds ascend from 0."""
    text = (text or "").strip()
    if not text:
        return ()
    try:
        flat = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        flat = None
    if flat is not None and flat.is_finite():
        return (Tier(0, _rate(flat)),)
    tiers = []
    for part in text.split(","):
        found = _TIER.match(part)
        if not found:
            raise RuleError(f"'{part.strip()}' is not a tier. Write 'from: rate', e.g. "
                            "'0: 2, 100000: 3' for 2% up to 100,000 and 3% above.")
        units = int(found["from"].replace(",", "").replace("_", "")) * 10 ** digits
        tiers.append(Tier(units, _rate(Decimal(found["rate"]))))
    if tiers[0].threshold != 0 or any(b.threshold <= a.threshold
                                      for a, b in pairwise(tiers)):
        raise RuleError("Tiers start at 0 and their thresholds rise, e.g. '0: 2, 100000: 3'.")
    return tuple(tiers)


def _rate(rate: Decimal) -> Decimal:
    if rate < 0 or rate > 100:
        raise RuleError(f"A rate of {rate}% is not between 0 and 100.")
    return rate


def tiers_rule_error(text: str) -> str | None:
    try:
        parse_tiers(text)
    except RuleError as error:
        return str(error)
    return None


def rounded_units(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def tiered_amount(base: int, tiers: Sequence[Tier]) -> int:
    """The rebate on ``base`` minor units, each tier's rate on the slice within it
    (2% up to 100k and 3% above: 150k earns 2,000 + 1,500)."""
    if base <= 0 or not tiers:
        return 0
    total = Decimal(0)
    for tier, following in zip(tiers, [*tiers[1:], None], strict=True):
        top = base if following is None else min(base, following.threshold)
        if top > tier.threshold:
            total += Decimal(top - tier.threshold) * tier.rate / 100
    return rounded_units(total)


@dataclass(frozen=True)
class RebateStanding:
    """A partner's rebate for a period: the base it is computed on, what it earned, the
    rate of the tier reached and how far the next tier is (None at the top)."""

    base: int
    earned: int
    rate: Decimal
    next_rate: Decimal | None
    to_next_tier: int | None


def rebate_standing(sales: int, prior_sales: int, basis: str,
                    tiers: Sequence[Tier]) -> RebateStanding:
    """What a partner earned on ``sales`` (or on its growth over ``prior_sales``)."""
    base = max(0, sales - prior_sales) if basis == RebateBasis.GROWTH else max(0, sales)
    reached = [t for t in tiers if base >= t.threshold] or list(tiers[:1])
    above = [t for t in tiers if t.threshold > base]
    return RebateStanding(
        base, tiered_amount(base, tiers),
        reached[-1].rate if reached else Decimal(0),
        above[0].rate if above else None,
        above[0].threshold - base if above else None)


def accrual_amount(sales: int, basis_points: int) -> int:
    """Co-op accrued on reported sales at ``basis_points`` (250 = 2.5%)."""
    if sales <= 0 or basis_points <= 0:
        return 0
    return rounded_units(Decimal(sales) * basis_points / BASIS_POINTS)


def reimbursable(cost: int, share_percent: int) -> int:
    """The most the vendor pays back of an activity costing ``cost``."""
    return rounded_units(Decimal(max(0, cost)) * share_percent / 100)


def spiff_amount(per_unit: int, units: int) -> int:
    return max(0, per_unit) * max(0, units)


def roi(revenue_influenced: int, paid: int) -> Decimal | None:
    """MDF ROI: revenue influenced per unit of money paid (None when nothing was paid)."""
    if paid <= 0:
        return None
    return (Decimal(revenue_influenced) / Decimal(paid)).quantize(Decimal("0.01"))
