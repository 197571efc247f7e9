"""The managers' analytics page: DuckDB figures (data/analytics) drawn with Altair, each with
its table and a CSV download."""
