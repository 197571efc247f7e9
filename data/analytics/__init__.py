"""Manager analytics: DuckDB computes every figure over a columnar snapshot of the live
database (`snapshot.py`), one module per dashboard section holds its queries and the exact
definition of each metric beside it."""
