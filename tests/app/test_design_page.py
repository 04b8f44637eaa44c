"""The Design page through AppTest: designs from the shipped conditional G and SIMP's answer, in both languages."""
from __future__ import annotations

import pytest

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
    charts = at.get("plotly_chart")
    assert len(charts) == 4  # three generated designs and SIMP's
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
