"""The console's first page lists the workspace's conversations from the database."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data.demo import seed

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def test_without_a_workspace_the_console_says_how_to_load_the_demo(engine) -> None:
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "inbox demo" in app.info[0].value


def test_the_demo_conversations_are_listed_newest_first_and_filter_by_channel(
    engine, session
) -> None:
    seed.seed(session)
    session.commit()
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "Brightwater Plumbing" in app.title[0].value
    table = app.dataframe[0].value
    assert len(table) >= 40
    assert set(table["Channel"]) == {"SMS", "WhatsApp", "Web Chat", "Email", "Voice"}
    app.radio[0].set_value("SMS").run()
    assert set(app.dataframe[0].value["Channel"]) == {"SMS"}
