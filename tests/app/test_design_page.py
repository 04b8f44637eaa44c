"""The Design page through AppTest: designs from the shipped conditional G and SIMP's answer, in both languages."""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from mechgan import figures
from lab_helpers import new_app, widget_key


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_design_page_draws_designs_and_simp_for_a_case(lang):
    at = new_app("screens/design.py", lang)
    assert not at.exception and not at.error
    at.slider(key=widget_key("design_row", lang)).set_value(18).run()
    at.slider(key=widget_key("design_n", lang)).set_value(3).run()  # the same case: SIMP's answer from the cache
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 3  # the generated designs
    simp_design = at.get("image")  # SIMP's, an image as its frames were while it solved
    assert len(simp_design) == 1 and simp_design[0].value[0].startswith("data:image/png;base64,")
    word = "iterations" if lang == "en" else "itérations"
    assert re.fullmatch(rf"SIMP · final \(\d+ {word}\)", simp_design[0].captions[0])
    g_captions = [c for c in _captions(at) if c.startswith("C = ")]
    assert len(g_captions) == 3 and all("CE = " in c for c in g_captions)
    simp = "Compliance C = " if lang == "en" else "Souplesse C = "
    assert any(c.startswith(simp) for c in _captions(at))
    table = at.dataframe[0].value
    assert len(table) == 2  # the default case, then row 18 (the count changes no case)
    assert list(table.iloc[0])[:2] == [18, "+0°"]
    assert not at.warning  # row 18, 0°, 0.40 lies in the trained ranges


def test_design_page_warns_outside_the_trained_ranges():
    at = new_app("screens/design.py")
    at.select_slider(key=widget_key("design_volume")).set_value(0.6).run()
    assert not at.exception and not at.error
    assert "outside what the model was trained on" in at.warning[0].value
    assert at.dataframe[0].value.iloc[0]["Trained range"] == False  # noqa: E712 - a numpy bool


def _pixels(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")).astype(int)


@pytest.mark.parametrize("row, angle", [(25, 0), (10, 40), (40, -90)])
def test_simp_frame_draws_the_densities_clamped_edge_and_load_as_the_chart_does(row, angle):
    densities = np.zeros((50, 50))
    densities[:, :25] = 1.0  # solid left half, void right half
    densities[0, 30] = 0.5
    rgb = _pixels(figures.loaded_design_png(densities, row, angle))
    scale = figures.LOADED_PNG_SCALE
    assert rgb.shape == (64 * scale, 64 * scale, 3)  # the chart's view: x from -2 to 62, y from -8 to 56

    def at(x: float, y: float) -> list[int]:  # the pixel at (x, y) in the design's pixel coordinates
        return rgb[int((y + 8) * scale), int((x + 2) * scale)].tolist()

    assert at(10, 40) == [31, 41, 55] and at(40, 5) == [255, 255, 255]  # solid dark, void white (figures.GRAY)
    assert 130 < at(30, 0)[0] < 150  # half density, half way
    assert at(-0.5, 20) == [37, 99, 235]  # the clamped edge, blue
    tip, along = np.array([49.5, row - 0.5]), np.array([np.sin(np.deg2rad(angle)), np.cos(np.deg2rad(angle))])
    for back in (1, 6, 11):  # the head next to the loaded node, the shaft, its tail 12 elements back
        assert at(*(tip - back * along)) == [220, 38, 38]
