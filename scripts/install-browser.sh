#!/usr/bin/env bash
# Install Debian's Chromium (for Playwright browser tests and page screenshots) and a small CJK
# font so that Chinese text renders in screenshots instead of boxes.
#
# Idempotent: does nothing (exit 0) when /usr/bin/chromium and a CJK font are already present.
# Needs root (or sudo) and access to Debian's package archive. Never run `playwright install`:
# Playwright is pointed at /usr/bin/chromium instead (see docs: executable_path).
set -euo pipefail
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

CHROMIUM=/usr/bin/chromium
# fonts-wqy-microhei is the smallest CJK font package in Debian (~1.6 MB download, vs ~7.5 MB for
# fonts-wqy-zenhei and ~57 MB for fonts-noto-cjk).
CJK_FONT_PACKAGE=fonts-wqy-microhei

log() { printf 'install-browser: %s\n' "$*"; }

have_cjk_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ]
}

missing=()
if [ -x "$CHROMIUM" ]; then
  log "chromium already present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
else
  missing+=(chromium)
fi
if have_cjk_font; then
  log "a CJK font is already installed: $(fc-list :lang=zh-cn family | head -n 1)"
else
  missing+=("$CJK_FONT_PACKAGE" fontconfig)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  log "nothing to do"
  exit 0
fi

apt_install install-browser "${missing[@]}"
if command -v fc-cache >/dev/null 2>&1; then
  fc-cache -f >/dev/null 2>&1 || true
fi

if [ ! -x "$CHROMIUM" ]; then
  log "chromium is still missing after apt-get install" >&2
  exit 1
fi
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
if have_cjk_font; then
  log "CJK font: $(fc-list :lang=zh-cn family | head -n 1)"
fi
