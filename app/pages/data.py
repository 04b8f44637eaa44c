"""Data: what the GAN must learn (lab question 2): count, gallery, overlay, mean, material, load cases."""
from __future__ import annotations

import numpy as np
import streamlit as st

from mechgan import data, figures

from app.state import T, guarded, lang

PLOT = dict(width="stretch", config={"displayModeBar": False})


@st.cache_resource(show_spinner=False)
def _gallery(seed: int, count: int, language: str):
    ds = data.load_dataset()
    pick = np.random.default_rng(seed).choice(len(ds), min(count, len(ds)), replace=False)
    titles = [f"#{i} · {ds.volfrac[i]:.0%}" for i in pick]
    return figures.designs_grid(ds.designs[pick], cols=8, titles=titles)


@st.cache_resource(show_spinner=False)
def _summary_figures(language: str) -> dict:
    ds = data.load_dataset()
    tr = lambda k: T(k)  # noqa: E731 -- cached per language
    return {
        "mean": figures.overlay(ds.designs, title=tr("fig_mean_design")),
        "hist": figures.material_histogram(ds.designs, title=tr("fig_material"), xaxis=tr("material_axis"),
                                           yaxis=tr("designs_axis")),
        "loads": figures.load_cases(ds, title=tr("fig_load_cases"), xaxis=tr("angle_axis"), yaxis=tr("row_axis")),
    }


@st.cache_resource(show_spinner=False)
def _overlay(seed: int, count: int, language: str):
    ds = data.load_dataset()
    pick = np.random.default_rng(seed).choice(len(ds), min(count, len(ds)), replace=False)
    return figures.overlay(ds.designs[pick], title=T("fig_overlay", count=len(pick)))


@guarded
def page() -> None:
    ds = data.load_dataset()
    st.title(T("data_title"))
    st.caption(T("data_intro"))
    levels = data.material_level(ds.designs)
    c = st.columns(4)
    c[0].metric(T("design_count"), f"{len(ds):,}".replace(",", " "))
    c[1].metric(T("design_size"), f"{ds.designs.shape[1]} × {ds.designs.shape[2]}")
    c[2].metric(T("mean_material"), f"{levels.mean():.0f} px", help=T("help_mean_material"))
    c[3].metric(T("mean_volfrac"), f"{ds.volfrac.mean():.0%}")

    st.subheader(T("gallery"))
    seed = st.number_input(T("gallery_seed"), 0, 10_000, 0, key="gallery_seed", help=T("help_gallery_seed"))
    st.plotly_chart(_gallery(int(seed), 24, lang()), key="fig_gallery", **PLOT)

    st.subheader(T("overlay_and_mean"))
    count = st.slider(T("overlay_count"), 2, 200, 20, key="overlay_count", help=T("help_overlay_count"))
    figs = _summary_figures(lang())
    left, right = st.columns(2)
    left.plotly_chart(_overlay(int(seed), count, lang()), key="fig_overlay", **PLOT)
    right.plotly_chart(figs["mean"], key="fig_mean", **PLOT)
    st.caption(T("overlay_caption"))

    left, right = st.columns(2)
    left.plotly_chart(figs["hist"], key="fig_hist", **PLOT)
    right.plotly_chart(figs["loads"], key="fig_loads", **PLOT)
    st.caption(T("load_cases_caption"))


page()
