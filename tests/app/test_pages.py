"""Data (with an uploaded dataset), Architectures and Runs pages through AppTest, in both languages."""
from __future__ import annotations

import numpy as np
import pytest

from mechgan.config import ARCHITECTURES
from mechgan.data import load_designs

from lab_helpers import new_app, npy, ready, wait_until, widget_key, worker_of, zipped


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_data_page(lang):
    at = new_app("screens/data.py", lang)
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert labels[0] == ("Designs" if lang == "en" else "Pièces")
    assert int(at.metric[0].value.replace(" ", "")) > 0
    assert len(at.get("plotly_chart")) == 5  # gallery, overlay, mean, material histogram, load cases
    at.number_input(key="gallery_seed").set_value(3).run()
    at.slider(key="overlay_count").set_value(50).run()
    assert not at.exception and not at.error


def test_architectures_page_for_every_architecture():
    at = new_app("screens/architectures.py")
    for arch in ARCHITECTURES:
        at.selectbox(key=widget_key("arch_architecture")).set_value(arch).run()
        assert not at.exception and not at.error, arch
        assert len(at.dataframe) == 2 and len(at.get("graphviz_chart")) == 2
    tutorial = [m.value for m in at.markdown]
    assert any("initialize_weights_discriminator" in text for text in tutorial)  # the handout's names
    at.selectbox(key=widget_key("arch_architecture")).set_value("nf").run()
    heading = lambda: next(m.value for m in at.markdown if "`initialize_weights_generator`" in m.value)  # noqa: E731
    before = heading()
    at.select_slider(key=widget_key("arch_nf")).set_value(32).run()
    at.select_slider(key=widget_key("arch_latent_dim")).set_value(8).run()
    assert heading() != before  # more filters, more weights
    assert len(at.latex) == 11  # D and G formulas of the five losses, and G's connect penalty


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_runs_page_without_runs_says_how_to_make_one(lang):
    at = new_app("screens/runs.py", lang)
    assert not at.exception and not at.error
    assert at.info[0].value.startswith("No saved run yet" if lang == "en" else "Aucun entraînement")


OWN = load_designs()[:80]


def upload(at, name: str, raw: bytes):
    at.file_uploader(key="upload_file").set_value((name, raw, "application/octet-stream")).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_data_page_shows_an_uploaded_dataset(lang):
    at = upload(new_app("screens/data.py", lang), "my designs.npy", npy(OWN))
    assert not at.error
    assert [m.value for m in at.metric][4:6] == ["80", "50 × 50"]  # after the shipped set's four
    assert len(at.get("plotly_chart")) == 9  # the shipped five, then the upload's gallery, overlay, mean, histogram
    assert at.subheader[2].value.startswith("Your designs" if lang == "en" else "Vos pièces")
    at.number_input(key="upload_gallery_seed").set_value(5).run()
    at.slider(key="upload_overlay_count").set_value(60).run()
    assert not at.exception and not at.error
    assert not at.button(key="btn_train_on_upload").disabled


@pytest.mark.parametrize("name, raw, code, fields, lang", [
    ("junk.npy", b"not an array", "npy_unreadable", {}, "fr"),
    ("few.npy", npy(OWN[:10]), "too_few", {"count": 10, "least": 64}, "en"),
    ("bomb.zip", zipped({"a.png": b"\0" * 2**22}), "zip_bomb", {"name": "a.png"}, "fr"),
    ("escape.npz", zipped({"../../designs.npy": npy(OWN)}), "unsafe_path", {"name": "../../designs.npy"}, "en"),
])
def test_a_bad_upload_gets_a_clear_error_and_nothing_to_train(name, raw, code, fields, lang):
    from app.errors import say
    from app.i18n import text

    at = upload(new_app("screens/data.py", lang), name, raw)
    assert len(at.error) == 1
    shown = at.error[0].value.replace("\\", "")  # Markdown escapes
    assert shown == text("upload_error", lang, error=say(code, fields, lang))  # the code, in the page's language
    assert len(at.get("plotly_chart")) == 5 and not [b for b in at.button if b.key == "btn_train_on_upload"]


def test_train_on_uploaded_designs_switches_the_labs_dataset_for_this_session_only():
    at = upload(new_app("screens/data.py"), "mine.npy", npy(OWN))
    at.button(key="btn_train_on_upload").click().run()
    assert at.success[0].value == "The Lab trains on your 80 designs."
    assert at.button(key="btn_train_on_upload").disabled
    own = at.session_state["lab_designs"]
    np.testing.assert_array_equal(own, OWN)
    other = new_app()  # another student's session
    try:
        at.switch_page("screens/lab.py").run()
        wait_until(at, ready, 300, what="the worker on the uploaded designs")
        assert worker_of(at).views.designs is own
        assert "80 uploaded designs" in at.sidebar.info[0].value
        wait_until(other, ready, 300, what="the other session's worker")
        assert len(worker_of(other).views.designs) == len(load_designs())

        at.switch_page("screens/data.py").run()
        at.button(key="btn_back_to_shipped").click().run()
        assert "lab_designs" in at.session_state and at.session_state["lab_designs"] is None
        first = worker_of(at)
        at.switch_page("screens/lab.py").run()
        wait_until(at, lambda a: worker_of(a) is not first and ready(a), 300, what="the worker on the shipped set")
        assert worker_of(at).views is worker_of(other).views and not at.sidebar.info
        assert not at.exception and not at.error
    finally:
        for session in (at, other):
            w = worker_of(session)
            if w is not None:
                w.send("stop")
                w.join(30)
