"""How engaged a partner is, judged from the last logged touchpoint.

Step 3 of the channel process is keeping partners engaged; a CAM scanning 150 partners
needs to see at a glance who has gone quiet. Thresholds follow the quarterly rhythm of
QBRs: within six weeks is engaged, within four months is cooling, beyond that dormant.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

ENGAGED_WITHIN_DAYS = 45
COOLING_WITHIN_DAYS = 120


class Engagement(StrEnum):
    ENGAGED = "engaged"
    COOLING = "cooling"
    DORMANT = "dormant"
    NO_CONTACT = "no_contact"


ENGAGEMENT_LABELS = {
    Engagement.ENGAGED: "Engaged",
    Engagement.COOLING: "Cooling",
    Engagement.DORMANT: "Dormant",
    Engagement.NO_CONTACT: "No contact yet",
}


def engagement(last_activity: date | None, today: date) -> Engagement:
    """The engagement band for a partner whose last touchpoint was ``last_activity``."""
    if last_activity is None:
        return Engagement.NO_CONTACT
    days = (today - last_activity).days
    if days <= ENGAGED_WITHIN_DAYS:
        return Engagement.ENGAGED
    if days <= COOLING_WITHIN_DAYS:
        return Engagement.COOLING
    return Engagement.DORMANT
