#!/usr/bin/env bash
# Install LibreOffice Writer (headless, no GUI), poppler's pdftotext/pdftoppm and the Chinese fonts
# an official document needs, so that the tests that open generated Word documents in LibreOffice
# and read back the PDF run instead of skipping (the monthly accident report, the GB/T 9704 layout
# tests), and scripts/render-monthly-report.sh draws the pages with serif body text.
#
# Fonts. A GB/T 9704 document names 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体 and 宋体, which a
# reader's Windows/WPS supplies but Debian does not package. The closest free families are
# installed instead and named as the document's fallbacks (anjian/documents/word.py,
# FONT_FALLBACKS / FONT_FREE_FALLBACKS):
#   fonts-arphic-uming  AR PL UMing  (明体/宋体 style)  for 宋体, 仿宋 and 小标宋
#   fonts-arphic-ukai   AR PL UKai   (楷体)             for 楷体
#   fonts-wqy-zenhei    WenQuanYi Zen Hei (黑体)        for 黑体
# and a fontconfig rule (/etc/fonts/conf.d/64-anjian-gbt9704.conf) maps the document's font names
# to them, so LibreOffice substitutes a serif 宋/仿宋-like face, not the first sans-serif CJK font.
#
# Idempotent: does nothing (exit 0) when everything is already present. Waits for the apt/dpkg
# lock when another install is running (lib/apt.sh). Needs root (or sudo) and access to Debian's
# package archive (~170 MB download).
set -euo pipefail
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

FONTCONFIG_RULE=${FONTCONFIG_RULE:-/etc/fonts/conf.d/64-anjian-gbt9704.conf}

log() { printf 'install-office: %s\n' "$*"; }

have_family() {
  command -v fc-list >/dev/null 2>&1 && fc-list : family | grep -qF "$1"
}

missing=()
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  log "LibreOffice already present"
else
  missing+=(libreoffice-writer-nogui)
fi
if command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  log "pdftotext and pdftoppm already present"
else
  missing+=(poppler-utils)
fi
have_family "AR PL UMing" || missing+=(fonts-arphic-uming)
have_family "AR PL UKai" || missing+=(fonts-arphic-ukai)
have_family "WenQuanYi Zen Hei" || missing+=(fonts-wqy-zenhei)
command -v fc-cache >/dev/null 2>&1 || missing+=(fontconfig)

if [ "${#missing[@]}" -eq 0 ]; then
  log "packages: nothing to install"
else
  apt_install install-office "${missing[@]}"
fi
command -v soffice >/dev/null 2>&1 || { log "soffice is still missing after apt-get install" >&2; exit 1; }

# The document's font names -> the installed free families (strong binding: the substitute is
# used even though another CJK font would also match the language).
rule=$(cat <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- Installed by anjian scripts/install-office.sh: fonts of GB/T 9704 official documents. -->
<fontconfig>
XML
)
alias() {  # alias <free family> <document font>...
  local target=$1
  shift
  for name in "$@"; do
    rule+=$'\n'"  <match target=\"pattern\"><test name=\"family\"><string>$name</string></test>"
    rule+="<edit name=\"family\" mode=\"prepend\" binding=\"strong\"><string>$target</string></edit></match>"
  done
}
alias "AR PL UMing CN" "方正小标宋简体" "方正小标宋_GBK" "小标宋" "仿宋_GB2312" "仿宋" "FangSong" "FangSong_GB2312" \
  "宋体" "SimSun" "NSimSun"
alias "AR PL UKai CN" "楷体_GB2312" "楷体" "KaiTi" "KaiTi_GB2312"
alias "WenQuanYi Zen Hei" "黑体" "SimHei"
rule+=$'\n</fontconfig>\n'
if [ -f "$FONTCONFIG_RULE" ] && [ "$(cat "$FONTCONFIG_RULE")" = "$(printf '%s' "$rule")" ]; then
  log "font substitution rule already in place: $FONTCONFIG_RULE"
else
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  printf '%s' "$rule" | "${as_root[@]}" tee "$FONTCONFIG_RULE" >/dev/null
  "${as_root[@]}" fc-cache -f >/dev/null 2>&1 || true
  log "font substitution rule written: $FONTCONFIG_RULE"
fi
log "仿宋_GB2312 renders as: $(fc-match '仿宋_GB2312' family)"
log "installed: $(soffice --version 2>/dev/null | head -n 1)"
