"""Entry point for `streamlit run streamlit_app.py`; `inbox console` runs `console/app.py`."""

from console.app import main

main()
