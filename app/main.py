"""mechgan's lab in the browser: ``streamlit run app/main.py``.

Pages: Lab (train and watch), Data, Architectures, Runs.  The language switch
lives in the sidebar; every string comes from ``app.i18n``.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts only app/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import failover, teacher  # noqa: E402
from app.i18n import LANGUAGES  # noqa: E402
from app.state import T, default_lang  # noqa: E402
from app.streamlit_texts import translate_streamlit  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
SIDEBAR_PX = 356  # Streamlit's 300 cut the longer French choices and chips short at 1366 px
PAGES = Path(__file__).resolve().parent / "screens"  # a "pages" folder would be listed by Streamlit, file names and all

# a file of the app, served by the app: a Material icon as favicon is fetched from a font host, offline too
st.set_page_config(page_title="mechgan", page_icon=str(Path(__file__).resolve().parent / "favicon.png"), layout="wide",
                   initial_sidebar_state=SIDEBAR_PX)

ss = st.session_state
if ss.get("lang") not in LANGUAGES:  # a new session: the link's ?lang=, else the server's default
    ss.lang = st.query_params.get("lang") if st.query_params.get("lang") in LANGUAGES else default_lang()
st.sidebar.segmented_control(T("language"), LANGUAGES, key="lang", format_func=str.upper, required=True,
                             help=T("language_help"))
if st.query_params.get("lang") != ss.lang:
    st.query_params["lang"] = ss.lang  # a reload, or the link passed on, keeps the language
translate_streamlit()

pages = [
    st.Page(PAGES / "lab.py", title=T("page_lab"), icon=":material/model_training:", default=True),
    st.Page(PAGES / "data.py", title=T("page_data"), icon=":material/grid_on:"),
    st.Page(PAGES / "architectures.py", title=T("page_architectures"), icon=":material/account_tree:"),
    st.Page(PAGES / "runs.py", title=T("page_runs"), icon=":material/compare_arrows:"),
    st.Page(PAGES / "design.py", title=T("page_design"), icon=":material/architecture:"),
]
if teacher.is_teacher():  # without the server's token and the teacher's link, the page does not exist
    pages.append(st.Page(PAGES / "class_view.py", title=T("page_class"), icon=":material/groups:",
                         url_path="class"))
elif ss.pop("teacher_refused", False):
    st.warning(T("teacher_refused"), icon=":material/lock:")
failover.notice()
st.navigation(pages).run()
