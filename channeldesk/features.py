"""The feature list: every feature of ChannelDesk is one entry here.

The main window, the ``screenshots`` command, the command line and the tests loop over
this list; none of them names a feature. An entry points at its parts by dotted path
(``"package.module:attribute"``), so nothing is imported until it is used: a tab's module
loads when the tab is first shown, the sync engine when sync first runs. Adding a feature
is its folders plus one entry (see ``docs/adding-a-feature.md``).

Parts, all optional:

- ``tab``: the tab's class (a ``ui.widgets.feature_tab.FeatureTab``), created on first
  show; ``menu`` is the title of its menu in the menu bar.
- ``window_part``: for a feature without a tab (sync): a class built with the window,
  which adds its toolbar, status-bar widget and actions (``ui.shell.window_part``).
- ``cli``: ``register(commands: cli.registry.CommandSet)`` adding the feature's
  sub-commands.
- ``demo``: ``add_demo(store, context)`` writing the feature's demo rows in the demo
  transaction (Qt-free).
- ``deadlines``: ``deadlines(db, start, end) -> list[Deadline]``: what is due or
  expiring (``services/deadlines.py``), for the dashboard and the calendar export.
- ``search``: ``search_texts(db) -> Iterable[SearchText]``: the text a person would look a
  record up by, for search everywhere (``services/search_index.py``).
- ``pdf_sections``: modules that register the feature's sections of the partner-facing
  PDFs on import (``services/pdf/sections.py``).
- ``dashboard``: ``panels(db, today, partner_id=None) -> list[Panel]``
  (``domain/dashboard.py``): what the feature adds to the dashboard, measured in SQL;
  with a ``partner_id`` (presentation mode) only that partner's figures, or nothing.
- ``demo_order``: when the demo hook runs, if not in feature order (a feature whose demo
  rows hang off the demo partners runs after the partners hook).
- ``plan_actuals``: ``actual(db, partner_id, metric, start, end, currency) -> int | None``
  with ``actual.metrics`` naming the metrics it measures: a plan target's actual
  measured by the feature (certified people, MDF spent) over the dates, in the plan's
  currency for money; it replaces the typed-in actual (``store/plan_queries.py``).
- ``partner_actions``: ``actions(tab) -> list[QAction]`` (Qt, in the feature's UI folder):
  what the feature offers on the selected partner in the Partners tab's menu ("Start
  onboarding"); the partners tab lists them and never imports the feature.
- ``after_conversion``: ``offer(tab, partner_id) -> None`` (Qt): called by the Prospects
  tab once a prospect became a partner, so a feature can offer its next step ("Start
  onboarding now?"); the prospects tab never imports the feature.
- ``settings_actions``: ``actions(context: WindowContext) -> list[QAction]`` (Qt): the
  feature's entries in the Settings menu (the onboarding templates editor), made when the
  window is built; keep the module light and open dialogs on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feature:
    """One feature: its key (tab objectName ``tab-<key>``), title and parts."""

    key: str
    title: str
    order: int
    menu: str = ""
    tab: str = ""
    window_part: str = ""
    cli: str = ""
    demo: str = ""
    deadlines: str = ""
    search: str = ""
    pdf_sections: tuple[str, ...] = ()
    dashboard: str = ""
    demo_order: int = 0
    plan_actuals: str = ""
    partner_actions: str = ""
    after_conversion: str = ""
    settings_actions: str = ""
    opens_first: bool = False
    file_menu: bool = False


FEATURES: tuple[Feature, ...] = (
    Feature("dashboard", "&Dashboard", 0, menu="&Dashboard", opens_first=True,
            file_menu=True, tab="channeldesk.ui.dashboard.tab:DashboardTab",
            window_part="channeldesk.ui.dashboard.notice:OverdueNotice",
            cli="channeldesk.cli.calendar:register"),
    Feature("prospects", "P&rospects", 10, menu="P&rospect", file_menu=True,
            tab="channeldesk.ui.prospects.tab:ProspectsTab",
            cli="channeldesk.cli.prospects:register",
            dashboard="channeldesk.store.prospect_dashboard:panels",
            demo="channeldesk.services.demo_prospects:add_demo",
            deadlines="channeldesk.store.prospect_lookups:deadlines",
            search="channeldesk.store.prospect_lookups:search_texts"),
    Feature("onboarding", "&Onboarding", 20, menu="&Onboarding", demo_order=70,
            tab="channeldesk.ui.onboarding.tab:OnboardingTab",
            demo="channeldesk.services.demo_onboarding:add_demo",
            deadlines="channeldesk.store.onboarding_lookups:deadlines",
            search="channeldesk.store.onboarding_lookups:search_texts",
            pdf_sections=("channeldesk.services.pdf.onboarding_sections",),
            partner_actions="channeldesk.ui.onboarding.entry_points:partner_actions",
            after_conversion="channeldesk.ui.onboarding.entry_points:offer_after_conversion",
            settings_actions="channeldesk.ui.onboarding.entry_points:settings_actions"),
    Feature("partners", "&Partners", 30, menu="&Partner",
            tab="channeldesk.ui.partners.tab:PartnersTab",
            demo="channeldesk.services.demo_data:add_demo_partners",
            search="channeldesk.store.partner_lookups:search_texts",
            dashboard="channeldesk.store.partner_dashboard:panels"),
    Feature("enablement", "&Enablement", 40, menu="E&nablement",
            tab="channeldesk.ui.enablement.tab:EnablementTab",
            demo="channeldesk.services.demo_enablement:add_demo", demo_order=80,
            deadlines="channeldesk.store.enablement_lookups:deadlines",
            search="channeldesk.store.enablement_lookups:search_texts",
            pdf_sections=("channeldesk.services.pdf.enablement_sections",),
            plan_actuals="channeldesk.store.enablement_lookups:plan_actual",
            dashboard="channeldesk.store.enablement_dashboard:panels",
            partner_actions="channeldesk.ui.enablement.partner_actions:actions"),
    Feature("incentives", "&Incentives", 50, menu="&Incentives", file_menu=True,
            tab="channeldesk.ui.incentives.tab:IncentivesTab",
            cli="channeldesk.cli.incentives:register",
            demo="channeldesk.services.demo_incentives:add_demo", demo_order=90,
            deadlines="channeldesk.store.incentive_lookups:deadlines",
            search="channeldesk.store.incentive_lookups:search_texts",
            plan_actuals="channeldesk.store.incentive_lookups:actual",
            dashboard="channeldesk.store.incentive_dashboard:panels",
            partner_actions="channeldesk.ui.incentives.partner_actions:actions",
            pdf_sections=("channeldesk.services.pdf.incentive_sections",)),
    Feature("plans", "P&lans", 60, menu="P&lan", file_menu=True,
            tab="channeldesk.ui.plans.tab:PlansTab",
            cli="channeldesk.cli.plans:register",
            demo="channeldesk.services.demo_plans:add_demo",
            deadlines="channeldesk.store.plan_lookups:deadlines",
            search="channeldesk.store.plan_lookups:search_texts",
            dashboard="channeldesk.store.plan_dashboard:panels",
            pdf_sections=("channeldesk.services.pdf.plan_sections",
                          "channeldesk.services.pdf.pack_sections")),
    Feature("sync", "Sync", 90,
            window_part="channeldesk.ui.sync.controller:SyncController",
            cli="channeldesk.cli.sync:register"),
)


def features() -> list[Feature]:
    """Every feature in the order its tab and menu appear (the partner lifecycle)."""
    return sorted(FEATURES, key=lambda f: f.order)



def demo_hooks() -> list[tuple[Feature, Any]]:
    """Each feature's demo hook, resolved, in the order the hooks run (``demo_order``,
    else feature order)."""
    ordered = sorted(features(), key=lambda f: f.demo_order or f.order)
    return [(f, resolve(f.demo)) for f in ordered if f.demo]


def resolve(path: str) -> Any:
    """The object a ``"package.module:attribute"`` path names (the module alone without
    ``:attribute``), imported now."""
    module_name, _, attribute = path.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def load_pdf_sections() -> None:
    """Import every feature's PDF section modules (each registers its sections)."""
    for found in features():
        for path in found.pdf_sections:
            resolve(path)


def parts(name: str) -> list[tuple[Feature, Any]]:
    """Each feature's part ``name`` (e.g. "deadlines"), resolved, in feature order."""
    return [(f, resolve(getattr(f, name))) for f in features() if getattr(f, name)]
