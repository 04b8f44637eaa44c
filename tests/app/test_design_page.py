"""The Design page through AppTest: designs from the shipped conditional G and SIMP's answer, in both languages."""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from app.i18n import text
from mechgan import figures
from lab_helpers import new_app, widget_key


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


def _headings(at) -> list[str]:
    """The three columns' headings."""
    return [m.value[5:] for m in at.markdown if m.value.startswith("#### ")]


NUMBER = {"en": re.compile(r"[+-]?\d+(?:\.\d+)?"), "fr": re.compile(r"[+-]?\d+(?:,\d+)?")}


def _numbers(caption: str, lang: str) -> list[float]:
    """The numbers of a caption as ``lang`` writes them (a French decimal point would be left out)."""
    return [float(x.replace(",", ".")) for x in NUMBER[lang].findall(caption)]


def _design_captions(at, lang: str) -> list[tuple[float, float]]:
    """(C, CE in %) of every design shown, the three columns left to right."""
    return [tuple(_numbers(c, lang)[:2]) for c in _captions(at) if c.startswith("C = ")]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_design_page_shows_g_alone_g_polished_and_simp_for_a_case(lang):
    at = new_app("screens/design.py", lang)
    assert not at.exception and not at.error
    at.slider(key=widget_key("design_row", lang)).set_value(18).run()
    at.slider(key=widget_key("design_n", lang)).set_value(3).run()  # the same case: SIMP's answer from the cache
    assert not at.exception and not at.error
    assert _headings(at) == [text("design_alone", lang), text("design_polished", lang, k=5), text("design_simp", lang)]
    images = at.get("image")  # G's 3, G + 5's 3, SIMP's, each an image with its clamped edge and load
    assert len(images) == 7 and all(i.value[0].startswith("data:image/png;base64,") for i in images)
    names = [i.captions[0] for i in images]
    column = lambda shown: sorted(n.split(" · ")[0] for n in shown)  # noqa: E731 - two a row: #1, #3, then #2
    assert column(names[:3]) == ["G #1", "G #2", "G #3"] and column(names[3:6]) == ["G #1 + 5", "G #2 + 5", "G #3 + 5"]
    word = "iterations" if lang == "en" else "itérations"
    assert re.fullmatch(rf"SIMP · final \(\d+ {word}\)", names[6])
    assert all(re.search(r"\d\u202f%$" if lang == "fr" else r"\d%$", n) for n in names[:6]), names  # "40 %"
    judged = _design_captions(at, lang)  # G alone, G + 5, SIMP: C and CE of each, numbers
    assert len(judged) == 7 and all(len(j) == 2 and np.isfinite(j).all() for j in judged), judged
    assert judged[6][1] == 0.0  # SIMP from scratch is the reference of every CE
    assert np.median([j[1] for j in judged[3:6]]) < np.median([j[1] for j in judged[:3]])  # SIMP finishes
    summaries = [c for c in _captions(at) if " · " in c and not c.startswith("C = ")]  # each column's
    assert len(summaries) == 3 and summaries[1].startswith(text("design_polished_summary", lang, it=5, ce="", t="")
                                                           .split(" · ")[0]), summaries
    assert all(np.isfinite(_numbers(c, lang)).all() for c in summaries)
    assert text("design_ce_explain", lang) in _captions(at)
    table = at.dataframe[0].value
    assert len(table) == 2  # the default case, then row 18 (the count changes no case)
    assert list(table.iloc[0])[:2] == [18, "+0°"]
    assert not at.warning  # row 18, 0°, 0.40 lies in the trained ranges


def test_the_k_slider_recomputes_the_polished_column_only(monkeypatch):
    from mechgan import proposals

    at = new_app("screens/design.py")
    at.slider(key=widget_key("design_row")).set_value(22).run()
    before = _design_captions(at, "en")
    calls = {name: 0 for name in ("generated", "polished", "from_scratch")}
    for name in calls:
        def counting(*args, _real=getattr(proposals, name), _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(proposals, name, counting)
    at.slider(key=widget_key("design_k")).set_value(13).run()
    assert not at.exception and not at.error
    assert calls == {"generated": 0, "polished": 1, "from_scratch": 0}  # G and SIMP come from the cache
    assert _headings(at)[1] == "G + 13 SIMP iterations"
    assert any(c.startswith("13 SIMP iterations on each · median CE ") for c in _captions(at))
    after = _design_captions(at, "en")
    assert after[:4] == before[:4] and after[8] == before[8]  # G alone and SIMP as they were
    assert after[4:8] != before[4:8] and all(np.isfinite(a).all() for a in after)
    assert sorted(i.captions[0].split(" · ")[0] for i in at.get("image")[4:8]) == [f"G #{i} + 13" for i in range(1, 5)]
    table = at.dataframe[0].value
    assert list(table.iloc[0][["K", "Row"]]) == [13, 22] and list(table.iloc[1][["K", "Row"]]) == [5, 22]


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


def test_simp_frame_draws_floating_material_in_orange():
    design = np.zeros((50, 50), bool)
    design[:, :20] = True  # the clamped part
    design[10:14, 40:44] = True  # cut off from it
    floating = np.zeros_like(design)
    floating[10:14, 40:44] = True
    rgb = _pixels(figures.loaded_design_png(design, 25, 0, floating=floating))
    scale = figures.LOADED_PNG_SCALE
    assert rgb[int((12 + 8) * scale), int((42 + 2) * scale)].tolist() == [249, 115, 22]  # palette.FLOATING
    assert rgb[int((30 + 8) * scale), int((10 + 2) * scale)].tolist() == [31, 41, 55]  # solid stays dark
