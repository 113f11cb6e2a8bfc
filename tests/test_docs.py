"""The README and docs/ say what is true: their links and pictures exist, nothing points
outside the repository, and the demo figures the README quotes are the demo's."""

from __future__ import annotations

import re
from pathlib import Path

from channeldesk.services.demo_data import load_demo_data
from channeldesk.store import open_store

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = [REPO / "README.md", REPO / "installer" / "README.md", REPO / "bench" / "README.md",
             *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def test_every_relative_link_and_picture_exists_inside_the_repository():
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        assert "../shared" not in text, document
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path = (document.parent / target).resolve()
            assert path.is_relative_to(REPO), (document.name, target)
            assert path.exists(), f"{document.relative_to(REPO)} links to missing {target}"


def test_the_readme_quotes_the_demo_data_set_as_it_is(tmp_path):
    store = open_store(tmp_path / "demo.sqlite3")
    try:
        counts = load_demo_data(store).counts
    finally:
        store.close()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quoted = re.search(r"demo\s+data set \(([^)]*)\)", readme).group(1)
    for noun in ("partners", "contacts", "activities", "prospects"):
        assert f"{counts[noun]} {noun}" in " ".join(quoted.split()), (noun, counts, quoted)
    plans = next(count for noun, count in counts.items() if "plan" in noun)
    assert f"{plans} plans" in " ".join(readme.split())  # the plans.png caption
