"""Entry point for `streamlit run streamlit_app.py` (and `inbox console`)."""

from console.inbox_preview import render

render()
