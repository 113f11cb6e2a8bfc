"""The dashboard's recruitment funnel, counted in SQL over the whole pipeline."""

from __future__ import annotations

from datetime import date

import peewee

from channeldesk.domain.dashboard import Bar, Panel, conversion_notes, percent
from channeldesk.domain.lookups import Link
from channeldesk.domain.prospect import PIPELINE, Stage, label

FUNNEL = tuple(stage for stage in PIPELINE if stage is not Stage.LOST)

# A lost prospect counts as having reached the stage it was lost from (its latest move
# into "lost"); one without that history counts as identified only.
_LOST_FROM = """
    SELECT from_stage, count(*) FROM (
        SELECT sc.prospect_id, sc.from_stage, max(sc.changed_on)
        FROM prospect_stage_change sc JOIN prospect p ON p.id = sc.prospect_id
        WHERE p.deleted = 0 AND p.stage = 'lost' AND sc.deleted = 0 AND sc.to_stage = 'lost'
        GROUP BY sc.prospect_id)
    GROUP BY from_stage"""


def panels(db: peewee.Database, today: date, partner_id: str | None = None) -> list[Panel]:
    """The funnel; none while presenting to one partner (it is the whole pipeline)."""
    if partner_id is not None:
        return []
    return [funnel_panel(db)]


def funnel_panel(db: peewee.Database) -> Panel:
    """Prospects that reached each stage, the share that went on, and the win rate."""
    now = dict(db.execute_sql(
        "SELECT stage, count(*) FROM prospect WHERE deleted = 0 GROUP BY stage").fetchall())
    lost = now.get(Stage.LOST.value, 0)
    funnel_codes = {stage.value for stage in FUNNEL}
    lost_from = {stage: count for stage, count in db.execute_sql(_LOST_FROM)
                 if stage in funnel_codes}
    lost_from[Stage.IDENTIFIED.value] = (lost_from.get(Stage.IDENTIFIED.value, 0)
                                         + lost - sum(lost_from.values()))
    reached = [sum(now.get(s.value, 0) + lost_from.get(s.value, 0) for s in FUNNEL[index:])
               for index in range(len(FUNNEL))]
    notes = conversion_notes(reached)
    bars = [Bar(label(stage.value), count,
                " · ".join(filter(None, (f"{now.get(stage.value, 0):,} now", note))),
                Link("prospects", (("stage", stage.value),)))
            for stage, count, note in zip(FUNNEL, reached, notes, strict=True)]
    bars.append(Bar(label(Stage.LOST.value), lost, "", Link("prospects", (("stage", "lost"),))))
    signed = now.get(Stage.SIGNED.value, 0)
    win_rate = percent(signed, signed + lost)
    headline = (f"{win_rate}% win rate" if win_rate is not None
                else f"{sum(now.values()):,} prospects")
    steps = " → ".join(note.split("%")[0] + "%" for note in notes if note)
    return Panel("funnel", "Recruitment funnel", headline,
                 f"Prospects that reached each stage (lost ones up to where they were lost); "
                 f"stage to stage: {steps}. Win rate: signed of signed and lost. "
                 "Click a bar to list that stage.",
                 tuple(bars), order=10, empty_text="No prospects yet.")
