#!/usr/bin/env bash
# Install LibreOffice Writer (headless, no GUI) and poppler's pdftotext, so that the tests that
# open generated Word documents in LibreOffice and read back the PDF text run instead of skipping
# (the monthly accident report, the GB/T 9704 layout tests).
#
# Idempotent: does nothing (exit 0) when soffice and pdftotext are already present.
# Needs root (or sudo) and access to Debian's package archive (~150 MB download).
set -euo pipefail
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

log() { printf 'install-office: %s\n' "$*"; }

missing=()
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  log "LibreOffice already present"
else
  missing+=(libreoffice-writer-nogui)
fi
if command -v pdftotext >/dev/null 2>&1; then
  log "pdftotext already present"
else
  missing+=(poppler-utils)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  log "nothing to do"
  exit 0
fi

apt_install install-office "${missing[@]}"
command -v soffice >/dev/null 2>&1 || { log "soffice is still missing after apt-get install" >&2; exit 1; }
log "installed: $(soffice --version 2>/dev/null | head -n 1)"
