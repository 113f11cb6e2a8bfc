#!/bin/sh
# Install ChannelDesk from this unpacked tarball for the current user (no root needed):
#   ./install.sh            install into ~/.local (app in ~/.local/opt/ChannelDesk)
#   ./install.sh --remove   remove what an earlier ./install.sh put there
# The menu entry, its icon and the `channeldesk` command appear at once; the app's data
# (~/.local/share/ChannelDesk) is never touched by either.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_ID="com.channeldesk.ChannelDesk"
PREFIX="${XDG_DATA_HOME:-$HOME/.local/share}"
OPT="$HOME/.local/opt/ChannelDesk"
BIN="$HOME/.local/bin"

remove() {
    rm -rf -- "$OPT"
    rm -f -- "$BIN/channeldesk" "$PREFIX/applications/$APP_ID.desktop" \
        "$PREFIX/metainfo/$APP_ID.metainfo.xml"
    find "$PREFIX/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
}

if [ "${1:-}" = "--remove" ]; then
    remove
    echo "ChannelDesk removed. Your data in ${XDG_DATA_HOME:-$HOME/.local/share}/ChannelDesk stays."
    exit 0
fi

remove
mkdir -p "$OPT" "$BIN" "$PREFIX/applications" "$PREFIX/metainfo" "$PREFIX/icons"
cp -r "$HERE/ChannelDesk/." "$OPT/"
ln -s "$OPT/channeldesk" "$BIN/channeldesk"
sed "s|^Exec=channeldesk|Exec=$OPT/channeldesk|" "$HERE/share/applications/$APP_ID.desktop" \
    > "$PREFIX/applications/$APP_ID.desktop"
cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$PREFIX/metainfo/"
cp -r "$HERE/share/icons/hicolor" "$PREFIX/icons/"
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$PREFIX/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$PREFIX/icons/hicolor" || true
echo "ChannelDesk installed: find it in your applications menu, or run $BIN/channeldesk."
