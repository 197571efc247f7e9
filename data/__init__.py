"""The shared core: tables, engine and sessions, migrations, settings and the domain rules
that every process (ingest, pipeline, console, the command line) uses."""
