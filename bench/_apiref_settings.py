"""Bench-only settings: the product's settings with a URLconf that adds the reference views of
bench/bench_api.py (bare Django views, one raw SQL query each). Never used by the product."""

from anjian.config.settings import *  # noqa: F403

ROOT_URLCONF = "_apiref_urls"
