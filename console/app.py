"""The console's Streamlit script. `streamlit_app.py` (for `streamlit run`) and `inbox console`
/ `inbox up` (which run this file, so an installed package needs no source tree) both land
here: sign-in first, then the pages the user's role may open."""

from __future__ import annotations

import streamlit as st

from console.auth import current_user, sign_in_form
from console.pages import navigation


def main() -> None:
    st.set_page_config(page_title="Inbox", page_icon="💬", layout="wide")
    user = current_user()
    if user is None:
        sign_in_form()
        return
    navigation(user).run()


if __name__ == "__main__":
    main()
