"""Shared test set-up: paths come from pyproject.toml; fixtures for in-process moto live in tests/unit."""
