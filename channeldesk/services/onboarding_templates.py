"""The three onboarding templates ChannelDesk ships: "Reseller - Gold", "MSP" and
"Referral". Offered on first use and written by the demo; a team edits them in the
templates editor like its own.

Each step is (key, title, category, owner side, offset days, after key or None,
required, description); ``after`` names the step whose completion the offset counts
from, None the onboarding's start.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShippedStep:
    key: str
    title: str
    category: str
    owner_side: str
    offset_days: int
    after: str | None
    required: bool
    description: str


@dataclass(frozen=True)
class ShippedTemplate:
    name: str
    partner_type: str
    tier: str
    description: str
    steps: tuple[ShippedStep, ...]


def _steps(*rows: tuple) -> tuple[ShippedStep, ...]:
    return tuple(ShippedStep(*row) for row in rows)


RESELLER_GOLD = ShippedTemplate(
    "Reseller – Gold", "reseller", "gold",
    "Ninety days from signature to the first registered deal for a gold reseller.",
    _steps(
        ("nda", "Mutual NDA signed", "agreement", "partner", 0, None, True,
         "Send the standard NDA from the legal portal; the partner signs electronically."),
        ("contract", "Reseller agreement signed", "agreement", "partner", 10, "nda", True,
         "Gold terms: 35 % margin, deal registration, MDF eligibility."),
        ("kickoff", "Kick-off meeting", "business_plan", "vendor", 5, "contract", True,
         "Introduce the partner team, walk through the programme and the first 90 days."),
        ("portal", "Partner portal accounts created", "systems", "vendor", 2, "contract",
         True, "Accounts for sales, pre-sales and marketing; deal registration enabled."),
        ("plan", "Joint business plan agreed", "business_plan", "partner", 21, "kickoff",
         True, "Targets for the year, named accounts and the marketing calendar."),
        ("sales_training", "Sales fundamentals training", "training", "partner", 14,
         "portal", True, "Two sales people complete the online fundamentals course."),
        ("tech_training", "Technical certification", "training", "partner", 35, "portal",
         True, "One pre-sales engineer passes the professional certification."),
        ("mdf", "MDF terms accepted", "agreement", "partner", 7, "plan", False,
         "Only if the partner runs campaigns with market development funds this year."),
        ("launch", "Launch campaign to the partner's customers", "marketing", "partner", 14,
         "plan", False, "Co-branded email and a webinar from the campaign kit."),
        ("first_deal", "First deal registered", "first_deal", "partner", 30,
         "sales_training", True, "A qualified opportunity registered in the deal desk."),
    ))

MSP = ShippedTemplate(
    "MSP", "msp", "",
    "Managed service providers: contract, platform access and a first managed customer.",
    _steps(
        ("contract", "MSP agreement signed", "agreement", "partner", 0, None, True,
         "Monthly billing terms and the service-level appendix."),
        ("dpa", "Data processing agreement signed", "agreement", "partner", 0, "contract",
         True, "Required before customer data reaches the platform."),
        ("tenant", "Management console tenant set up", "systems", "vendor", 3, "contract",
         True, "Multi-tenant console with the partner's branding."),
        ("billing", "Usage billing connected", "systems", "vendor", 7, "tenant", True,
         "Monthly usage report feeds the partner's invoicing."),
        ("training", "Platform administrator training", "training", "partner", 14,
         "tenant", True, "Two engineers complete the administrator course."),
        ("runbook", "Support runbook agreed", "business_plan", "vendor", 21, None, True,
         "Escalation path, support hours and contacts on both sides."),
        ("marketing", "Service launch kit delivered", "marketing", "vendor", 28, None, False,
         "Landing page, price sheet template and a launch email."),
        ("first_customer", "First managed customer live", "first_deal", "partner", 30,
         "training", True, "One customer onboarded and billed through the console."),
    ))

REFERRAL = ShippedTemplate(
    "Referral", "referral", "",
    "A light programme: sign, learn the pitch, refer the first opportunity.",
    _steps(
        ("contract", "Referral agreement signed", "agreement", "partner", 0, None, True,
         "Referral fee schedule and the qualification rules."),
        ("portal", "Referral portal access", "systems", "vendor", 2, "contract", True,
         "One login for submitting referrals and tracking fees."),
        ("pitch", "Pitch training (30 minutes)", "training", "partner", 7, "portal", True,
         "The value proposition and the three qualifying questions."),
        ("first_referral", "First referral submitted", "first_deal", "partner", 30, "pitch",
         True, "A qualified opportunity submitted through the portal."),
        ("case_study", "Referral success story", "marketing", "vendor", 60, None, False,
         "A short story for the partner newsletter once the first referral closes."),
    ))

SHIPPED_TEMPLATES: tuple[ShippedTemplate, ...] = (RESELLER_GOLD, MSP, REFERRAL)
