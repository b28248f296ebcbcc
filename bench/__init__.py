"""Frontdesk benchmarks: data generator, scenarios and report (never collected by pytest)."""
