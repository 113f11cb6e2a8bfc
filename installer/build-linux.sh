#!/usr/bin/env bash
# Build the stand-alone Linux bundle of ChannelDesk and prove it runs without Python.
#
#   ./installer/build-linux.sh            set up (as dev.sh does), build, check, package
#   ./installer/build-linux.sh --no-setup use the Python in $PYTHON (or .venv) as it is
#
# Steps, each printed as it runs:
#   1. set-up: `installer/dev.sh setup desktop,bundle` (Qt runtime and xcb libraries,
#      desktop-file-utils, appstream, .venv with PyInstaller);
#   2. the desktop entry and AppStream metainfo pass desktop-file-validate and
#      appstreamcli validate;
#   3. PyInstaller builds dist/ChannelDesk (onedir) from installer/channeldesk.spec;
#   4. the tree dist/channeldesk-VERSION-linux-ARCH/ gets the bundle, share/applications,
#      share/metainfo, share/icons/hicolor and install.sh, and is packed into a .tar.gz;
#   5. the tarball is unpacked into a temporary folder and its `channeldesk --self-test`
#      runs there with an empty PATH (no Python, no tools) and a temporary HOME.
# Exit status non-zero when any step fails. Output: dist/channeldesk-VERSION-linux-ARCH.tar.gz
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INSTALLER="$REPO_ROOT/installer"
APP_ID="com.channeldesk.ChannelDesk"
DIST="$REPO_ROOT/dist"
WORK="$REPO_ROOT/build/pyinstaller"

say() { printf 'build-linux: %s\n' "$*" >&2; }
die() { printf 'build-linux: error: %s\n' "$*" >&2; exit 1; }
seconds_since() { echo $(( $(date +%s) - $1 )); }

setup=1
for arg in "$@"; do
    case "$arg" in
        --no-setup) setup=0 ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option $arg (try --help)" ;;
    esac
done

started=$(date +%s)
if [[ $setup -eq 1 ]]; then
    say "1/5 setting up (installer/dev.sh setup desktop,bundle)…"
    "$INSTALLER/dev.sh" setup desktop,bundle
fi
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
"$PYTHON" -c 'import PyInstaller' 2>/dev/null \
    || die "$PYTHON has no PyInstaller; run without --no-setup, or pip install '.[desktop,bundle]'"
VERSION="$(cd "$REPO_ROOT" && "$PYTHON" -c 'import channeldesk; print(channeldesk.__version__)')"
ARCH="$(uname -m)"
NAME="channeldesk-$VERSION-linux-$ARCH"

say "2/5 validating the desktop entry and AppStream metainfo…"
command -v desktop-file-validate >/dev/null || die "desktop-file-validate is missing (apt-get install desktop-file-utils)"
command -v appstreamcli >/dev/null || die "appstreamcli is missing (apt-get install appstream)"
desktop-file-validate "$INSTALLER/linux/$APP_ID.desktop"
appstreamcli validate --no-net --pedantic "$INSTALLER/linux/$APP_ID.metainfo.xml" >&2

say "3/5 building the bundle with PyInstaller…"
step=$(date +%s)
rm -rf -- "$DIST/ChannelDesk" "$DIST/$NAME" "$DIST/$NAME.tar.gz"
(cd "$REPO_ROOT" && "$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" "$INSTALLER/channeldesk.spec")
[[ -x "$DIST/ChannelDesk/channeldesk" ]] || die "PyInstaller made no $DIST/ChannelDesk/channeldesk"
say "    built in $(seconds_since "$step") s"

say "4/5 packing $NAME.tar.gz…"
tree="$DIST/$NAME"
mkdir -p "$tree/share/applications" "$tree/share/metainfo" "$tree/share/icons"
mv "$DIST/ChannelDesk" "$tree/ChannelDesk"
cp "$INSTALLER/linux/$APP_ID.desktop" "$tree/share/applications/"
cp "$INSTALLER/linux/$APP_ID.metainfo.xml" "$tree/share/metainfo/"
cp -r "$INSTALLER/icons/hicolor" "$tree/share/icons/"
install -m 0755 "$INSTALLER/linux/install.sh" "$tree/install.sh"
tar -C "$DIST" -czf "$DIST/$NAME.tar.gz" "$NAME"

say "5/5 self-test of the unpacked tarball, with no Python on PATH…"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/channeldesk-bundle.XXXXXX")"
trap 'rm -rf -- "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/empty-path"
tar -C "$scratch" -xzf "$DIST/$NAME.tar.gz"
env -i HOME="$scratch/home" PATH="$scratch/empty-path" LANG=C.UTF-8 \
    QT_QPA_PLATFORM=offscreen \
    "$scratch/$NAME/ChannelDesk/channeldesk" --self-test \
    || die "the bundled app failed its self-test (see above)"

size_mb=$(du -sm "$tree/ChannelDesk" | cut -f1)
tar_mb=$(( $(stat -c %s "$DIST/$NAME.tar.gz") / 1024 / 1024 ))
say "done in $(seconds_since "$started") s: $DIST/$NAME.tar.gz ($tar_mb MB packed, $size_mb MB unpacked)"
