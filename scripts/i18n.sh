#!/usr/bin/env bash
# Refresh the English catalogue from the Chinese source strings, then compile it.
# Needs GNU gettext (xgettext, msgfmt) — maintainers only; the compiled .mo is committed so that
# a fresh install needs no gettext.
set -euo pipefail
cd "$(dirname "$0")/../anjian"
export ANJIAN_TESTING=1
../.venv/bin/python ../manage.py makemessages -l en --no-obsolete --add-location file -i "static/*" -i "testing/*"
../.venv/bin/python ../manage.py compilemessages -l en
