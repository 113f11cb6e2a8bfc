"""Every kind of install finds the shipped resources and exports a PDF.

The bug this guards: a ``pip install --user .`` (or a system-wide pip) put the fonts and
branding under a prefix the app did not look in, so every PDF export failed. Now they are
package data read with importlib.resources (``channeldesk.paths.resource``). Each test
installs the real wheel built from this checkout — for the user (``--user`` into a
temporary HOME and PYTHONUSERBASE), into a fresh venv, and under another prefix as a
system install does — then runs ``channeldesk demo`` and ``channeldesk export plan`` from
that install, in a folder outside the checkout, and reads the PDF back. The third-party
packages come from the test's own environment, added after the install on the path.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
DEPENDENCIES = sysconfig.get_paths()["purelib"]  # this environment's site-packages

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "--disable-pip-version-check", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=600)
    [built] = out.glob("channeldesk-*.whl")
    return built


def _pip_install(python: str, *args: str, env: dict[str, str], target: str = "") -> None:
    into = ["--python", target] if target else []  # pip's own option, before "install"
    done = subprocess.run([python, "-m", "pip", *into, "install", "--no-deps", "--no-index",
                           "--disable-pip-version-check", *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "CHANNELDESK_", "VIRTUAL_ENV"))}
    env.update({"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "XDG_STATE_HOME": str(tmp_path / "state"),
                "XDG_DATA_HOME": str(tmp_path / "data"), **extra})
    return env


def _exports_a_pdf(python: str, env: dict[str, str], tmp_path: Path, install: Path) -> None:
    """Resources come from ``install``, not the checkout, and a plan PDF is written."""
    work = tmp_path / "elsewhere"  # never the checkout, whose channeldesk/ would win
    work.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run([python, *args], env=env, cwd=work, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    found = run("-c", "import channeldesk.paths as p; print(p.resource('fonts/DejaVuSans.ttf'))")
    font = Path(found.strip())
    assert font.is_file() and font.is_relative_to(install.resolve()), (font, install)
    assert not font.is_relative_to(REPO)
    db = work / "demo.sqlite3"
    run("-m", "channeldesk", "demo", "--db", str(db))
    with sqlite3.connect(db) as conn:
        [partner] = conn.execute("SELECT p.name FROM partner p JOIN business_plan b "
                                 "ON b.partner_id = p.id ORDER BY p.name LIMIT 1").fetchone()
    pdf = work / "plan.pdf"
    run("-m", "channeldesk", "export", "plan", "--db", str(db), "--partner", partner,
        "--out", str(pdf))
    reader = PdfReader(pdf)
    assert partner.split()[0] in reader.pages[0].extract_text()
    fonts = {font["/BaseFont"] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts


def test_a_user_install_exports_a_pdf(wheel, tmp_path):
    user_base = tmp_path / "userbase"
    env = _environment(tmp_path, PYTHONUSERBASE=str(user_base), PYTHONPATH=DEPENDENCIES)
    _pip_install(BASE_PYTHON, "--user", str(wheel), env=env)
    _exports_a_pdf(BASE_PYTHON, env, tmp_path, user_base)


def test_a_venv_install_exports_a_pdf(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = str(venv / "bin" / "python")
    site = Path(subprocess.run([python, "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(DEPENDENCIES + "\n")  # after the install
    env = _environment(tmp_path)
    _pip_install(sys.executable, str(wheel), env=env, target=python)
    _exports_a_pdf(python, env, tmp_path, venv)


def test_a_system_install_under_another_prefix_exports_a_pdf(wheel, tmp_path):
    prefix = tmp_path / "usr-local"
    env = _environment(tmp_path)
    _pip_install(BASE_PYTHON, "--prefix", str(prefix), str(wheel), env=env)
    [site] = prefix.glob("lib/python3*/site-packages")
    env["PYTHONPATH"] = os.pathsep.join([str(site), DEPENDENCIES])
    _exports_a_pdf(BASE_PYTHON, env, tmp_path, prefix)


def test_the_server_extra_installs_without_qt():
    """`pip install '.[server]'` takes the core and the server extra: neither names Qt."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    server_install = [*project["dependencies"], *project["optional-dependencies"]["server"]]
    assert not [dep for dep in server_install
                if dep.lower().startswith(("pyside6", "shiboken6", "reportlab"))]
    assert any(dep.startswith("pyside6-essentials==")
               for dep in project["optional-dependencies"]["desktop"])


def test_the_server_runs_without_the_desktop_packages(tmp_path):
    """With Qt, reportlab, keyring and httpx unimportable, the server app is built and its
    admin commands run (as in a `pip install '.[server]'`)."""
    blocked = ("PySide6", "shiboken6", "reportlab", "keyring", "httpx", "PIL")
    script = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "from channeldesk.server.app import create_app\n"
        "from channeldesk.server.cli import main\n"
        f"url = 'sqlite:///{tmp_path / 'server.sqlite3'}'\n"
        "assert main(['create-team', 'Acme', '--database', url]) == 0\n"
        "assert main(['list-users', '--database', url]) == 0\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=REPO,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Created team 'Acme'." in done.stdout
