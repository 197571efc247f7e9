"""The pipeline: the only part that thinks and sends. Jobs claim work from the database."""
