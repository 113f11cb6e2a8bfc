#!/usr/bin/env bash
# ChannelDesk developer entry point: sets up everything a fresh machine needs, then
# either starts the app or runs the whole check suite.
#
#   ./installer/dev.sh run  [channeldesk args...]   set up, then start ChannelDesk
#   ./installer/dev.sh test [pytest args...]        set up, then ruff + the pytest suite
#   ./installer/dev.sh setup [EXTRAS]               set up only (installer/build-linux.sh
#                                                   uses `setup desktop,bundle`)
#
# Setup is idempotent and cheap when nothing changed:
#   1. Debian/Ubuntu only: apt-installs the Qt runtime libraries that are missing
#      (checked one by one with dpkg-query; `apt-get update` runs only if something is
#      missing). Uses sudo when not root. Other systems get a note and are skipped.
#   2. Creates .venv in the repo root with python3 >= 3.11 (or $PYTHON if set).
#   3. `pip install -e '.[desktop]'` (run) or `pip install -e '.[dev,desktop,server,bundle]'`
#      (test), but only when
#      pyproject.toml or the wanted extras changed since the last install: a stamp
#      file inside .venv remembers the hash of pyproject.toml and the extras.
#
# CI runs `./installer/dev.sh test` through .ci/run, as root, with no stdin.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
STAMP="$VENV/.channeldesk-install-stamp"
PYTHON="${PYTHON:-python3}"
MIN_PY_MAJOR=3
MIN_PY_MINOR=11

# Libraries Qt needs even offscreen (import PySide6.QtCore fails without some of them;
# without a font every glyph renders as an empty box).
QT_RUNTIME_PKGS=(libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3
                 fonts-dejavu-core)
# Extra libraries for a real window on an X11/XWayland desktop (Qt's xcb plugin).
QT_DESKTOP_PKGS=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1
                 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
                 libxcb-randr0)
# Extra tools for the test suite: pdftoppm renders generated PDFs to PNG; the sync
# server's tests start a throwaway PostgreSQL cluster of their own (initdb, pg_ctl).
TEST_PKGS=(poppler-utils postgresql)
# Tools the bundle build checks its desktop entry and AppStream metainfo with.
BUNDLE_PKGS=(desktop-file-utils appstream binutils)

# pip: no "new pip available" nag, and never wait for input (CI has no stdin).
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1

say() { printf 'ChannelDesk: %s\n' "$*" >&2; }
die() { printf 'ChannelDesk: error: %s\n' "$*" >&2; exit 1; }

# quietly LABEL CMD...: run CMD with its output kept in a temporary log; on success
# print nothing, on failure print the whole log and exit with CMD's status.
quietly() {
    local label="$1" log status=0
    shift
    log="$(mktemp "${TMPDIR:-/tmp}/channeldesk-dev.XXXXXX")"
    "$@" >"$log" 2>&1 || status=$?
    if [[ $status -ne 0 ]]; then
        say "$label failed (exit $status):"
        cat "$log" >&2
        rm -f -- "$log"
        exit "$status"
    fi
    rm -f -- "$log"
}

usage() {
    cat >&2 <<'EOF'
Usage: ./installer/dev.sh COMMAND [ARGS...]

Commands:
  run  [channeldesk args...]   set up this machine, then start ChannelDesk
  test [pytest args...]        set up this machine, then run ruff and the test suite
  setup [EXTRAS]               only set up (EXTRAS e.g. desktop,bundle; default desktop)

Setup installs missing Qt runtime libraries (Debian/Ubuntu, via apt), creates .venv
with python3 >= 3.11 (override with PYTHON=/path/to/python3.X) and installs
ChannelDesk into it in editable mode (again only when pyproject.toml changed).
EOF
    exit 2
}

# --- 1. System packages -------------------------------------------------------------

# True if the Debian package is installed. Ubuntu 24.04+ renamed some libraries with a
# "t64" suffix (e.g. libglib2.0-0t64); accept that name too, so we don't reinstall
# (and `apt-get update`) on every start there. apt itself maps the old name to the new.
pkg_installed() {
    local name
    for name in "$1" "${1}t64"; do
        if dpkg-query -W -f='${db:Status-Status}\n' "$name" 2>/dev/null | grep -qx installed
        then
            return 0
        fi
    done
    return 1
}

# ensure_system_packages PKG...: apt-get install those of PKG that are missing.
ensure_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        say "not a Debian/Ubuntu system: skipping system packages. Make sure Qt's runtime"
        say "libraries (OpenGL/EGL, fontconfig, xkbcommon, D-Bus, xcb-cursor, a font) are installed."
        return 0
    fi

    local missing=() pkg
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    # Root runs apt directly; otherwise sudo if there is one (it may ask for a password).
    local as_root=()
    if [[ $EUID -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            as_root=(sudo)
        else
            say "missing system packages but not root and no sudo; install them yourself:"
            say "  apt-get install ${missing[*]}"
            say "continuing without them."
            return 0
        fi
    fi

    say "installing Qt runtime libraries… (${missing[*]})"
    # noninteractive: no debconf prompts (CI has no stdin). Lock::Timeout: wait for a
    # running apt/unattended-upgrades instead of failing at once. Output is shown only
    # if a step fails. sudo (if used) asks for its password before we hide output.
    if [[ ${#as_root[@]} -gt 0 ]]; then
        sudo -v || die "sudo failed; install these yourself: apt-get install ${missing[*]}"
    fi
    local apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive
               apt-get -q -o DPkg::Lock::Timeout=300)
    quietly "apt-get update" "${apt[@]}" update
    quietly "apt-get install" "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
}

# --- 2. Python and the virtualenv ---------------------------------------------------

# py_ok INTERPRETER: true if it runs and is at least MIN_PY_MAJOR.MIN_PY_MINOR.
py_ok() {
    "$1" -c "import sys; sys.exit(sys.version_info < ($MIN_PY_MAJOR, $MIN_PY_MINOR))" \
        >/dev/null 2>&1
}

py_version() {
    "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null || echo "unknown"
}

# Fails early (before any apt work) if the base interpreter is missing or too old.
check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "$PYTHON not found. ChannelDesk needs Python >= $MIN_PY_MAJOR.$MIN_PY_MINOR;" \
               "install it or point PYTHON=/path/to/python3.X at one."
    py_ok "$PYTHON" \
        || die "$PYTHON is Python $(py_version "$PYTHON"), but ChannelDesk needs" \
               ">= $MIN_PY_MAJOR.$MIN_PY_MINOR. Install a newer Python and rerun with" \
               "PYTHON=/path/to/python3.X ./installer/dev.sh ..."
}

# Debian's own python3 cannot create venvs without the python3-venv package. Prints it
# when that is the case so it joins the apt step.
venv_support_pkgs() {
    if [[ ! -x "$VENV/bin/python" ]] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1
    then
        echo python3-venv
    fi
}

ensure_venv() {
    if [[ -e "$VENV" ]] && ! py_ok "$VENV/bin/python"; then
        # Broken (its interpreter was removed) or made with a too-old Python: rebuild it.
        # .venv is git-ignored and only ever holds this project's environment.
        say "$VENV is unusable or older than Python $MIN_PY_MAJOR.$MIN_PY_MINOR; recreating it…"
        rm -rf -- "$VENV"
    fi
    if [[ ! -e "$VENV" ]]; then
        say "creating .venv with $PYTHON (Python $(py_version "$PYTHON"))…"
        "$PYTHON" -m venv "$VENV" || die "could not create $VENV with $PYTHON"
    fi
}

# --- 3. Installing ChannelDesk into the venv ----------------------------------------

# ensure_installed EXTRAS: pip install -e ".[EXTRAS]" unless the stamp says that exact
# pyproject.toml was already installed with at least those extras. EXTRAS is a comma
# list ("" or "dev,server").
ensure_installed() {
    local extras="$1" hash want have_hash have_extras target extra
    hash="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"

    if [[ -f "$STAMP" ]]; then
        # Stamp format: line 1 = sha256 of pyproject.toml, line 2 = extras installed.
        { read -r have_hash || true; read -r have_extras || true; } <"$STAMP"
        if [[ "$have_hash" == "$hash" ]]; then
            local covered=1
            IFS=',' read -ra want <<<"$extras"
            for extra in "${want[@]}"; do
                if [[ ",$have_extras," != *",$extra,"* ]]; then
                    covered=0
                fi
            done
            if [[ $covered -eq 1 ]]; then
                return 0
            fi
        fi
    fi

    target=""
    if [[ -n "$extras" ]]; then
        target="[$extras]"
    fi
    say "installing Python packages (pip install -e '.$target'; a few minutes the first time)…"
    rm -f -- "$STAMP"
    # Output is shown only if pip fails (then all of it: its errors and warnings).
    (cd "$REPO_ROOT" && quietly "pip install -e '.$target'" \
        "$VENV/bin/python" -m pip install -q -e ".$target")
    printf '%s\n%s\n' "$hash" "$extras" >"$STAMP"
}

# setup SYSTEM_PKG...: the whole setup shared by both commands.
setup() {
    check_python
    local pkgs=("$@")
    mapfile -t -O "${#pkgs[@]}" pkgs < <(venv_support_pkgs)
    ensure_system_packages "${pkgs[@]}"
    ensure_venv
}

# --- Commands -----------------------------------------------------------------------

cmd_run() {
    setup "${QT_RUNTIME_PKGS[@]}" "${QT_DESKTOP_PKGS[@]}"
    ensure_installed "desktop"
    say "starting…"
    exec "$VENV/bin/channeldesk" "$@"
}

cmd_test() {
    # The suite builds the Linux bundle once (tests/test_installer.py, marker "bundle";
    # skip it with -m "not bundle"), so it needs PyInstaller and the bundle's tools too.
    setup "${QT_RUNTIME_PKGS[@]}" "${QT_DESKTOP_PKGS[@]}" "${TEST_PKGS[@]}" "${BUNDLE_PKGS[@]}"
    ensure_installed "dev,desktop,server,bundle"
    cd "$REPO_ROOT"

    # Lint first, but run the tests even if lint fails so one run reports both;
    # the exit status is non-zero if either failed.
    local lint_paths=() p ruff_status=0 pytest_status=0
    for p in channeldesk tests bench installer; do
        if [[ -e "$p" ]]; then
            lint_paths+=("$p")
        fi
    done
    if [[ ${#lint_paths[@]} -gt 0 ]]; then
        say "ruff check ${lint_paths[*]}…"
        "$VENV/bin/python" -m ruff check "${lint_paths[@]}" || ruff_status=$?
        if [[ $ruff_status -ne 0 ]]; then
            say "ruff found problems (exit $ruff_status); running tests anyway."
        fi
    fi

    say "running tests…"
    QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest "$@" || pytest_status=$?

    if [[ $pytest_status -eq 5 ]]; then
        # pytest's 5 = "no tests collected": never a pass (already non-zero; say why).
        say "FAILED: pytest collected no tests."
        exit 5
    elif [[ $pytest_status -ne 0 ]]; then
        say "FAILED: pytest exited $pytest_status."
        exit "$pytest_status"
    elif [[ $ruff_status -ne 0 ]]; then
        say "FAILED: tests passed but ruff check failed."
        exit 1
    fi
    # Success: print nothing more, so pytest's summary stays the last line of output.
}

cmd_setup() {
    local extras="${1:-desktop}" pkgs=("${QT_RUNTIME_PKGS[@]}" "${QT_DESKTOP_PKGS[@]}")
    if [[ ",$extras," == *",bundle,"* ]]; then
        pkgs+=("${BUNDLE_PKGS[@]}")
    fi
    setup "${pkgs[@]}"
    ensure_installed "$extras"
}

main() {
    [[ $# -ge 1 ]] || usage
    local cmd="$1"
    shift
    case "$cmd" in
        run) cmd_run "$@" ;;
        test) cmd_test "$@" ;;
        setup) cmd_setup "$@" ;;
        *) usage ;;
    esac
}

main "$@"
