"""Dagster orchestration of the disclosure-report warehouse."""
