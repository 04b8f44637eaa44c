"""Data, Architectures and Runs pages through AppTest, in both languages."""
from __future__ import annotations

import pytest

from mechgan.config import ARCHITECTURES

from lab_helpers import new_app


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_data_page(lang):
    at = new_app("pages/data.py", lang)
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert labels[0] == ("Designs" if lang == "en" else "Pièces")
    assert int(at.metric[0].value.replace(" ", "")) > 0
    assert len(at.get("plotly_chart")) == 5  # gallery, overlay, mean, material histogram, load cases
    at.number_input(key="gallery_seed").set_value(3).run()
    at.slider(key="overlay_count").set_value(50).run()
    assert not at.exception and not at.error


def test_architectures_page_for_every_architecture():
    at = new_app("pages/architectures.py")
    for arch in ARCHITECTURES:
        at.selectbox(key="arch_architecture").set_value(arch).run()
        assert not at.exception and not at.error, arch
        assert len(at.dataframe) == 2 and len(at.get("graphviz_chart")) == 2
    at.selectbox(key="arch_architecture").set_value("nf").run()
    before = at.caption[1].value
    at.select_slider(key="arch_nf").set_value(32).run()
    at.select_slider(key="arch_latent_dim").set_value(8).run()
    assert at.caption[1].value != before  # more filters, more weights
    assert len(at.latex) == 10  # D and G formulas of the five losses


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_runs_page_without_runs_says_how_to_make_one(lang):
    at = new_app("pages/runs.py", lang)
    assert not at.exception and not at.error
    assert at.info[0].value.startswith("No saved run yet" if lang == "en" else "Aucun entraînement")
