"""Definitions split by concern: ingest, dbt, quality, automation."""
