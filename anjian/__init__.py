"""anjian (安监): a city's work-safety supervision platform."""

__version__ = "0.1.0"
