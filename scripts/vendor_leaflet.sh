#!/usr/bin/env bash
# Vendor Leaflet from the npm registry into the web app's static files, so the
# console's map works on a mission network with no internet. Re-run to upgrade.
set -euo pipefail
VERSION="${1:-1.9.4}"
cd "$(dirname "$0")/.."
DEST=alerts/web/static/vendor/leaflet
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "leaflet@$VERSION" >/dev/null && tar xzf "leaflet-$VERSION.tgz")
mkdir -p "$DEST/images"
cp "$WORK/package/dist/leaflet.js" "$WORK/package/dist/leaflet.css" "$DEST/"
cp "$WORK/package/dist/images/"*.png "$DEST/images/"
cp "$WORK/package/LICENSE" "$DEST/LICENSE"
echo "leaflet $VERSION" > "$DEST/VERSION"
echo "vendored leaflet $VERSION into $DEST"
