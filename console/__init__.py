"""The Streamlit console: operators' inbox, managers' analytics. Reads and writes intents
through `data/`; never calls a provider or reaches into ingest or the pipeline."""
