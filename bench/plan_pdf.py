"""Plan PDFs: one plan after warm-up vs the same content with bare reportlab, and a batch.

    python -m bench.plan_pdf                 # 500 plans, every core, then one core
    python -m bench.plan_pdf --plans 100 --runs 10

Setup (not timed): a temporary database with ``--plans`` partners whose demo plans are
written by the app's own demo code (targets by quarter for gold and platinum partners,
12-16 activities in four groups, commitments, signatures).

- **One plan:** ``load_plan_document`` (database → plain document) and
  ``plan_pdf_bytes`` (document → PDF in memory: cover, summary, targets table, gauges,
  bar charts, activities by group, commitments, signatures, "Page n of N").
- **Baseline, same run:** the same content (texts, the four tables, one grouped bar chart)
  as a ``SimpleDocTemplate`` with plain styles in the same embedded font, i.e. what
  reportlab costs with none of ChannelDesk's layout on top.
- **Batch:** ``export_all_plans`` into a temporary folder (each PDF written to a temp file
  and renamed), with a worker process per core and with one worker, reported as plans/s.
  Worker start-up (spawn, imports, font registration) is included: it is what a user waits for.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from channeldesk.domain.plan_document import PlanDocument
from channeldesk.services.demo_plans import add_demo_plans
from channeldesk.services.pdf.branding import load_branding
from channeldesk.services.pdf.build import plan_pdf_bytes
from channeldesk.services.pdf.fonts import BOLD, REGULAR, register_fonts
from channeldesk.services.plan_export import batch_plan_ids, export_all_plans
from channeldesk.store import Store, open_store
from channeldesk.store.models import BusinessPlan, Partner, PlanActivity
from channeldesk.store.plan_queries import load_plan_document

TODAY = date(2026, 11, 27)
PERIOD = "FY2026"
TIERS = ("registered", "silver", "gold", "platinum")
TYPES = ("reseller", "msp", "distributor", "isv", "system_integrator")


def make_database(path: Path, plans: int) -> Store:
    store = open_store(path)
    names = [f"Bench Partner {n:04d} Łódź Ελλάδα Москва" for n in range(int(plans * 1.25))]
    store.insert_many(Partner, [
        {"name": name, "partner_type": TYPES[n % len(TYPES)], "tier": TIERS[n % len(TIERS)],
         "status": "active", "region": "emea", "country": "Poland",
         "owner": "Sofie Lindholm"} for n, name in enumerate(names)])
    with store.transaction():
        add_demo_plans(store, names, TODAY, seed=7)
        # Exactly ``plans`` plans for the batch: this year's, the extra ones set aside.
        for extra in batch_plan_ids(PERIOD)[plans:]:
            store.delete(BusinessPlan, extra)
    return store


def bare_reportlab(doc: PlanDocument) -> bytes:
    """The same content with plain reportlab: no cover art, sections, gauges or footers."""
    register_fonts()
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=9.5, leading=13)
    head = ParagraphStyle("h", fontName=BOLD, fontSize=14, leading=18, spaceBefore=6)
    story = [Paragraph(doc.partner_name, head), Paragraph(doc.period_label, body),
             PageBreak(), Paragraph("Executive summary", head)]
    story += [Paragraph(p, body) for p in doc.summary.split("\n\n")]
    story += [Paragraph(f"{n}. {text}", body) for n, text in enumerate(doc.objectives, 1)]
    story.append(Paragraph("Financial targets and results", head))
    rows = [["Metric", "Target", "Actual", "Attainment"]]
    rows += [[line.label, doc.format_value(line.unit, line.target),
              doc.format_value(line.unit, line.actual), str(line.attainment or "-")]
             for line in doc.targets]
    story.append(Table(rows, repeatRows=1, style=[("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
                                                   ("GRID", (0, 0), (-1, -1), 0.3,
                                                    colors.grey)]))
    drawing = Drawing(170 * mm, 60 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 10 * mm, 150 * mm, 45 * mm
    chart.data = [[line.target for line in doc.targets],
                  [line.actual or 0 for line in doc.targets]]
    chart.categoryAxis.categoryNames = [line.label for line in doc.targets]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontName = REGULAR
    drawing.add(chart)
    story += [Spacer(1, 5 * mm), drawing, Paragraph("Joint activities", head)]
    story.append(Table([["Group", "Activity", "Owner", "Due", "Status"]] + [
        [a.group, Paragraph(a.title, body), a.owner_name, str(a.due_on or ""), a.status]
        for a in doc.activities], repeatRows=1,
        style=[("FONT", (0, 0), (-1, -1), REGULAR, 8.5)]))
    story.append(Paragraph("Commitments", head))
    story.append(Table([[c.side, Paragraph(c.text, body)] for c in doc.commitments],
                       style=[("FONT", (0, 0), (-1, -1), REGULAR, 8.5)]))
    story.append(Paragraph("Signatures", head))
    story += [Paragraph(f"{s.side}: {s.name}, {s.title}, {s.signed_on}", body)
              for s in doc.signatures]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return (f"median {statistics.median(times) * 1000:7.1f} ms   "
            f"min {min(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="bench-config-")
    with tempfile.TemporaryDirectory(prefix="bench-plans-") as folder:
        folder = Path(folder)
        start = time.perf_counter()
        store = make_database(folder / "plans.sqlite3", args.plans)
        ids = batch_plan_ids(PERIOD)
        print(f"setup: {len(ids)} plans in {time.perf_counter() - start:.1f} s "
              f"(not timed below)")
        branding = load_branding()
        # A typical plan: the one with the median number of activities.
        counts = sorted((PlanActivity.live().where(PlanActivity.plan == i).count(), i)
                        for i in ids)
        plan_id = counts[len(counts) // 2][1]
        document = load_plan_document(plan_id, store.blobs)
        pdf = plan_pdf_bytes(document, branding, TODAY)
        bare = bare_reportlab(document)
        print(f"one plan: {len(document.targets)} metrics, {len(document.activities)} "
              f"activities; PDF {len(pdf) / 1024:.0f} KiB (bare {len(bare) / 1024:.0f} KiB)")
        for _ in range(3):  # warm-up: imports, font, caches
            plan_pdf_bytes(document, branding, TODAY)
            bare_reportlab(document)
        load = timed(lambda: load_plan_document(plan_id, store.blobs), args.runs)
        ours, baseline = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            ours += timed(lambda: plan_pdf_bytes(document, branding, TODAY), 1)
            baseline += timed(lambda: bare_reportlab(document), 1)
        print(f"  load_plan_document     {describe(load)}")
        print(f"  ChannelDesk plan PDF   {describe(ours)}")
        print(f"  bare reportlab         {describe(baseline)}")
        ratio = statistics.median(ours) / statistics.median(baseline)
        total = statistics.median(load) + statistics.median(ours)
        print(f"  ratio (median) {ratio:.2f}x bare reportlab; load + render "
              f"{total * 1000:.0f} ms (aim: <= 300 ms)")
        for workers in (os.cpu_count() or 1, 1):
            out = folder / f"out-{workers}"
            out.mkdir()
            start = time.perf_counter()
            result = export_all_plans(store, out, branding, period=PERIOD, workers=workers,
                                      today=TODAY)
            elapsed = time.perf_counter() - start
            written = len(list(out.glob("*.pdf")))
            print(f"batch, {workers} worker(s): {len(result.written)} plans in {elapsed:.1f} s "
                  f"= {len(result.written) / elapsed:.1f} plans/s ({written} files, "
                  f"{len(result.failed)} failed)")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
