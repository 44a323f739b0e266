#!/usr/bin/env bash
# Refresh the vendored front-end assets in anjian/static/vendor/ from the npm registry.
#
# For maintainers only: CI and the app never run it (the files are committed). Needs `npm` and
# `tar`. Change a version below, run `bash scripts/vendor-assets.sh`, review the diff, update the
# versions in anjian/static/vendor/README.md and in the templates that load the files.
#
# For each package it runs `npm pack <name>@<version>` in a temporary folder and copies only the
# minified dist files the pages load plus the package's LICENSE (and NOTICE). The trailing
# `sourceMappingURL` comment is removed from minified files because the .map files are not shipped
# (Django's ManifestStaticFilesStorage would otherwise fail on the missing map during collectstatic).
set -euo pipefail

BOOTSTRAP_VERSION=5.3.9
BOOTSTRAP_ICONS_VERSION=1.13.2
HTMX_VERSION=2.0.11
LEAFLET_VERSION=1.9.4
ECHARTS_VERSION=6.1.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/anjian/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { printf 'vendor-assets: %s\n' "$*"; }

# fetch NAME VERSION -> prints the folder holding the unpacked package
fetch() {
  local name="$1" version="$2" tgz dir
  dir="$WORK/$name-$version"
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "$name@$version" | tail -n 1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  printf '%s\n' "$dir/package"
}

# put SRC_FILE DEST_FILE: copy, creating folders
put() {
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
}

# strip_source_map FILE: drop a trailing "//# sourceMappingURL=..." or "/*# sourceMappingURL=... */" line
strip_source_map() {
  sed -i -E '/^[[:space:]]*(\/\/|\/\*)# sourceMappingURL=/d' "$1"
}

# fresh PREFIX: remove earlier copies of one package (any version): PREFIX-<digit>...
fresh() {
  find "$DEST" -maxdepth 1 -type d -name "$1-[0-9]*" -exec rm -rf {} +
}

mkdir -p "$DEST"

log "bootstrap $BOOTSTRAP_VERSION"
pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
fresh bootstrap
out="$DEST/bootstrap-$BOOTSTRAP_VERSION"
put "$pkg/dist/css/bootstrap.min.css" "$out/css/bootstrap.min.css"
put "$pkg/dist/js/bootstrap.bundle.min.js" "$out/js/bootstrap.bundle.min.js"
put "$pkg/LICENSE" "$out/LICENSE"
strip_source_map "$out/css/bootstrap.min.css"
strip_source_map "$out/js/bootstrap.bundle.min.js"

log "bootstrap-icons $BOOTSTRAP_ICONS_VERSION"
pkg="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
fresh bootstrap-icons
out="$DEST/bootstrap-icons-$BOOTSTRAP_ICONS_VERSION"
put "$pkg/font/bootstrap-icons.min.css" "$out/font/bootstrap-icons.min.css"
# the CSS refers to both formats; both are kept so collectstatic finds every url()
put "$pkg/font/fonts/bootstrap-icons.woff2" "$out/font/fonts/bootstrap-icons.woff2"
put "$pkg/font/fonts/bootstrap-icons.woff" "$out/font/fonts/bootstrap-icons.woff"
put "$pkg/LICENSE" "$out/LICENSE"

log "htmx.org $HTMX_VERSION"
pkg="$(fetch htmx.org "$HTMX_VERSION")"
fresh htmx
out="$DEST/htmx-$HTMX_VERSION"
put "$pkg/dist/htmx.min.js" "$out/htmx.min.js"
put "$pkg/LICENSE" "$out/LICENSE"
strip_source_map "$out/htmx.min.js"

log "leaflet $LEAFLET_VERSION"
pkg="$(fetch leaflet "$LEAFLET_VERSION")"
fresh leaflet
out="$DEST/leaflet-$LEAFLET_VERSION"
put "$pkg/dist/leaflet.js" "$out/leaflet.js"
put "$pkg/dist/leaflet.css" "$out/leaflet.css"
mkdir -p "$out/images"
cp "$pkg"/dist/images/*.png "$out/images/"
put "$pkg/LICENSE" "$out/LICENSE"
strip_source_map "$out/leaflet.js"

log "echarts $ECHARTS_VERSION"
pkg="$(fetch echarts "$ECHARTS_VERSION")"
fresh echarts
out="$DEST/echarts-$ECHARTS_VERSION"
put "$pkg/dist/echarts.min.js" "$out/echarts.min.js"
put "$pkg/LICENSE" "$out/LICENSE"
put "$pkg/NOTICE" "$out/NOTICE"
# LICENSE names licenses/LICENSE-d3 for code embedded in the bundle
put "$pkg/licenses/LICENSE-d3" "$out/licenses/LICENSE-d3"
strip_source_map "$out/echarts.min.js"

log "done: $(du -sh "$DEST" | cut -f1) in $DEST"
