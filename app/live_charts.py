"""The Lab's live curves as Vega-Lite charts, which Streamlit updates in place.

Streamlit keys a Plotly chart by an id made from its figure, so a chart whose
data changes is unmounted and drawn anew, blank meanwhile: at two refreshes a
second the loss curves flickered, and a browser sharing the CPU with training
showed them blank a third of the time.  A Vega-Lite chart without selections
keeps its place and redraws its lines only.  Colours follow
:mod:`mechgan.training_figures`; notebooks and the Runs page keep its Plotly figures.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mechgan.training_figures import FAKE, REAL

HEIGHT = 300
EVEN = 0.5  # the D score of a discriminator that cannot tell real from generated


def loss_curves(history, title: str, xaxis: str, yaxis: str, names: tuple[str, str]) -> tuple[pd.DataFrame, dict]:
    """Data and spec of the D and G losses per iteration (NaN entries, e.g. from a lone G step, are skipped)."""
    return _lines(history, {"loss_d": (names[0], REAL), "loss_g": (names[1], FAKE)}, title, xaxis, yaxis)


def d_score_curves(history, title: str, xaxis: str, names: tuple[str, str],
                   yaxis: str = "D(x)") -> tuple[pd.DataFrame, dict]:
    """Mean D(real) and D(fake) per iteration, on a fixed 0–1 scale with a dotted line at 0.5."""
    even = {"mark": {"type": "rule", "color": "#94a3b8", "strokeDash": [2, 3]}, "encoding": {"y": {"datum": EVEN}}}
    return _lines(history, {"d_real": (names[0], REAL), "d_fake": (names[1], FAKE)}, title, xaxis, yaxis,
                  ydomain=[0, 1], layers=(even,))


def _lines(history, series: dict[str, tuple[str, str]], title: str, xaxis: str, yaxis: str,
           ydomain: list | None = None, layers: tuple = ()) -> tuple[pd.DataFrame, dict]:
    """One column per series, folded into lines by Vega: the data travels as a small Arrow table."""
    frame = pd.DataFrame.from_records(list(history), columns=["iteration", *series]).astype(np.float32)
    names = [name for name, _ in series.values()]  # Vega reads a dot or a bracket as a nested field: none here
    frame.columns = ["iteration", *names]
    y = {"field": "value", "type": "quantitative", "title": yaxis}
    if ydomain is not None:
        y["scale"] = {"domain": ydomain}
    line = {
        "transform": [{"fold": names, "as": ["series", "value"]},
                      {"filter": "isFinite(datum.value)"}],
        "mark": {"type": "line", "strokeWidth": 1.5, "clip": True},
        "encoding": {
            "x": {"field": "iteration", "type": "quantitative", "title": xaxis},
            "y": y,
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": names, "range": [color for _, color in series.values()]},
                      "legend": {"orient": "top", "direction": "horizontal"}},
        },
    }
    return frame, {"title": {"text": title, "anchor": "start"}, "height": HEIGHT, "layer": [line, *layers]}

