"""Ingest: the FastAPI process providers call. Verifies, deduplicates and stores; never sends."""
