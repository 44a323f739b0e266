#!/usr/bin/env bash
# Render the monthly accident report's first and last page to PNG in docs/images/, to look at the
# GB/T 9704 layout as a reader sees it: the 版头 (the office's name in red, the number, the red
# rule) on the first page, the 版记 (抄送, 印发机关, 印发日期 between rules) on the last.
#
# The report is built from a demo city (last month, the city's report) through the same code as the
# job (anjian.accidents.monthly: report_data + build_docx), in memory: nothing is saved, no number
# is issued. Then soffice -> PDF -> pdftoppm.
#
#   scripts/render-monthly-report.sh             # a scratch demo city in a temporary directory
#   ANJIAN_DATA_DIR=var/demo scripts/render-monthly-report.sh   # an existing demo (read only)
#
# Needs LibreOffice, poppler and the CJK fonts: scripts/install-office.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
OUT=${OUT:-$ROOT/docs/images}
RESOLUTION=${RESOLUTION:-70}

log() { printf 'render-monthly-report: %s\n' "$*"; }

for tool in soffice pdftoppm pdfinfo; do
  command -v "$tool" >/dev/null 2>&1 || { log "$tool is missing: run scripts/install-office.sh" >&2; exit 1; }
done

# a demo database (the dev secret key is allowed for it); SECRET_KEY from the environment otherwise
export ANJIAN_DEMO=${ANJIAN_DEMO:-1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${ANJIAN_DATA_DIR:-}" ]; then
  export ANJIAN_DATA_DIR="$WORK/data"
  log "building a scratch demo city in $ANJIAN_DATA_DIR (a few minutes)"
  (cd "$ROOT" && "$PY" manage.py migrate -v0 && "$PY" -m anjian demo --scale small >/dev/null)
fi

(cd "$ROOT" && REPORT="$WORK/report.docx" "$PY" - <<'PY'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.config.settings")
django.setup()

from django.utils import timezone, translation  # noqa: E402

from anjian.accidents.models import MonthlyReport  # noqa: E402
from anjian.accidents.monthly import build_docx, issuing_office, previous_month, report_data  # noqa: E402
from anjian.orgs.models import Jurisdiction  # noqa: E402

today = timezone.localdate()
year, month = previous_month(today)
city = Jurisdiction.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
if city is None:
    raise SystemExit("no city in this database: run `anjian demo` first")
issuer, _office = issuing_office(city)
existing = MonthlyReport.objects.filter(year=year, month=month, jurisdiction=city).first()
number = existing.number if existing and existing.number else f"{city.name[:2]}安委办〔{year}〕1号"
title = f"{city.name}{year}年{month}月安全生产事故月报"
with translation.override("zh-hans"):
    data = report_data(year=year, month=month, jurisdiction=city)
    docx = build_docx(data, city, title=title, number=number, issuer=issuer, date=today)
with open(os.environ["REPORT"], "wb") as fh:
    fh.write(docx)
print(f"render-monthly-report: built {title} ({number})")
PY
)

soffice -env:UserInstallation="file://$WORK/lo" --headless --convert-to pdf --outdir "$WORK" "$WORK/report.docx" >/dev/null
pages=$(pdfinfo "$WORK/report.pdf" | awk '/^Pages:/ {print $2}')
mkdir -p "$OUT"
pdftoppm -png -r "$RESOLUTION" -f 1 -l 1 -singlefile "$WORK/report.pdf" "$OUT/monthly-report-first-page"
pdftoppm -png -r "$RESOLUTION" -f "$pages" -l "$pages" -singlefile "$WORK/report.pdf" "$OUT/monthly-report-last-page"
log "$pages pages; wrote $OUT/monthly-report-first-page.png and $OUT/monthly-report-last-page.png"
