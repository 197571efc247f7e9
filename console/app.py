"""The console's Streamlit script. `streamlit_app.py` (for `streamlit run`) and `inbox console`
/ `inbox up` (which run this file, so an installed package needs no source tree) both land
here."""

from __future__ import annotations

from console.inbox_preview import render


def main() -> None:
    render()


if __name__ == "__main__":
    main()
