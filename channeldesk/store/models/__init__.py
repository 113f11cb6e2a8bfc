"""peewee models of the local database, one module per feature, each table's description
beside its model (DESIGN.md §2).

Importing this package imports every feature module, so :func:`synced_models` (found by
inheritance) sees every table; import models from here, not from the feature modules.
"""

from __future__ import annotations

from channeldesk.store.models.base import (
    IsoDateField,
    LocalModel,
    SyncedModel,
    attach,
    synced_models,
)
from channeldesk.store.models.courses import Course
from channeldesk.store.models.enablement import (
    Asset,
    AssetShare,
    AssetVersion,
    Campaign,
    CampaignAsset,
    CampaignCourse,
    Certification,
    Enrolment,
    TierRequirement,
)
from channeldesk.store.models.incentives import (
    Claim,
    ClaimProof,
    ClaimTransition,
    FundAllocation,
    FundLedgerEntry,
    IncentiveProgram,
    SalesReport,
)
from channeldesk.store.models.local import Change, LocalMeta
from channeldesk.store.models.onboarding import (
    Agreement,
    OnboardingEvidence,
    OnboardingPlan,
    OnboardingStep,
    OnboardingTask,
    OnboardingTemplate,
)
from channeldesk.store.models.partners import Activity, Contact, Partner
from channeldesk.store.models.plans import (
    BusinessPlan,
    PlanActivity,
    PlanCommitment,
    PlanObjective,
    PlanSignature,
    PlanTarget,
)
from channeldesk.store.models.prospects import (
    IdealPartnerProfile,
    ProfileCriterion,
    Prospect,
    ProspectActivity,
    ProspectStageChange,
)

__all__ = [
    "Activity", "Agreement", "Asset", "AssetShare", "AssetVersion", "BusinessPlan",
    "Campaign", "CampaignAsset", "CampaignCourse", "Certification", "Change", "Claim",
    "ClaimProof", "ClaimTransition", "Contact", "Course", "Enrolment", "FundAllocation",
    "FundLedgerEntry", "IdealPartnerProfile", "IncentiveProgram", "IsoDateField", "LocalMeta",
    "LocalModel", "OnboardingEvidence", "OnboardingPlan", "OnboardingStep", "OnboardingTask",
    "OnboardingTemplate", "Partner", "PlanActivity", "PlanCommitment", "PlanObjective",
    "PlanSignature", "PlanTarget", "ProfileCriterion", "Prospect", "ProspectActivity",
    "ProspectStageChange", "SalesReport", "SyncedModel", "TierRequirement", "all_models",
    "attach", "synced_models",
]


def all_models() -> list[type[LocalModel]]:
    """Every model the store binds to its database."""
    return [*synced_models(), Change, LocalMeta]
