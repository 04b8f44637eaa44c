"""Architectures: layer tables and diagrams of G and D, and the loss formulas (lab questions 3-4)."""
from __future__ import annotations

import streamlit as st

from mechgan.config import ARCHITECTURES, LOSSES, PARAMS
from mechgan.losses import FORMULAS, SPECK_FORMULA
from mechgan.models import layer_table

from app.state import T, default_config, guarded, labeller

NF, LATENT = PARAMS["nf"].steps, PARAMS["latent_dim"].steps


def _with(options: tuple, value) -> list:
    return sorted(set(options) | {value})


def _diagram(rows: list[dict], color: str) -> str:
    """A top-to-bottom Graphviz chain of the layers, each with its output shape."""
    nodes = [f'n{i} [label="{r["type"]}\\n{r["output_shape"]}", fillcolor="{color}"]' for i, r in enumerate(rows)]
    edges = [f"n{i} -> n{i + 1}" for i in range(len(rows) - 1)]
    head = ('digraph { rankdir=TB; nodesep=0.15; ranksep=0.15; '
            'node [shape=box, style="rounded,filled", fontname=Helvetica, fontsize=10];\n')
    return head + ";\n".join(nodes + edges) + "}"


def _network(title: str, rows: list[dict], color: str) -> None:
    st.subheader(title)
    total = sum(int(r["params"]) for r in rows)
    st.caption(T("param_count", count=f"{total:,}".replace(",", " ")))
    st.graphviz_chart(_diagram(rows, color), width="stretch")
    st.dataframe([{T("col_layer"): r["layer"], T("col_type"): r["type"], T("col_shape"): str(r["output_shape"]),
                   T("col_params"): int(r["params"])} for r in rows], hide_index=True, width="stretch")


@guarded
def page() -> None:
    st.title(T("arch_title"))
    st.caption(T("arch_intro"))
    base = default_config()
    ss = st.session_state
    for name in ("architecture", "nf", "latent_dim"):  # start from the Lab's settings
        ss.setdefault(f"arch_{name}", ss.get(f"cfg_{name}", getattr(base, name)))
    c = st.columns(3)
    arch = c[0].selectbox(T("ctl_architecture"), ARCHITECTURES, key="arch_architecture",
                          format_func=labeller("choice_"), help=T("help_architecture"))
    nf = c[1].select_slider(T("ctl_nf"), _with(NF, ss.arch_nf), key="arch_nf", help=T("help_nf"),
                            disabled=arch == "tutorial")
    latent = c[2].select_slider(T("ctl_latent_dim"), _with(LATENT, ss.arch_latent_dim), key="arch_latent_dim",
                                help=T("help_latent_dim"))
    tables = layer_table(arch, nf, latent)
    left, right = st.columns(2)
    with left:
        _network(T("generator"), tables["generator"], "#f3e8ff")
    with right:
        _network(T("discriminator"), tables["discriminator"], "#dcfce7")
    st.divider()
    st.subheader(T("losses_title"))
    for loss in LOSSES:
        with st.expander(T(f"choice_{loss}"), expanded=loss == base.loss):
            st.latex(FORMULAS[loss]["d"])
            st.latex(FORMULAS[loss]["g"])
            st.caption(T(f"loss_note_{loss}"))
    with st.expander(T("speck_title")):
        st.latex(SPECK_FORMULA)
        st.caption(T("speck_note"))


page()
