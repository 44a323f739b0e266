"""Bench-only settings for bench/bench_load.py: the product's settings with the public portal's
rate limits off (every simulated citizen comes from 127.0.0.1). Never used by the product."""

from anjian.config.settings import *  # noqa: F403

PUBLIC_REPORT_RATE_IP = 0
PUBLIC_REPORT_RATE_DEVICE = 0
PUBLIC_TRACK_RATE_IP = 0
