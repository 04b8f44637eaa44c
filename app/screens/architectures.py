"""Architectures: layer tables and diagrams of G and D, and the loss formulas (lab questions 3-4)."""
from __future__ import annotations

import re

import streamlit as st

from mechgan.config import ARCHITECTURES, LOSSES, PARAMS
from mechgan.losses import FORMULAS, connect_formula
from mechgan.layer_tables import layer_table

from app.state import N, T, default_config, guarded, kept, labeller

NF, LATENT = PARAMS["nf"].steps, PARAMS["latent_dim"].steps


def _with(options: tuple, value) -> list:
    return sorted(set(options) | {value})


# drawn inside the box of the layer before them
FOLLOWERS = re.compile(r"^(BatchNorm|ReLU|LeakyReLU|tanh|Dropout)")
ROW_PX = 35  # the height of a row of st.dataframe


def _blocks(rows: list[dict]) -> list[list[dict]]:
    """Layers grouped as a reader sees them: a layer with weights (or a reshape, resize, flatten) with the
    normalization, activation and dropout that follow it."""
    blocks: list[list[dict]] = []
    for row in rows:
        if blocks and FOLLOWERS.match(row["type"]):
            blocks[-1].append(row)
        else:
            blocks.append([row])
    return blocks


def _shape(shape: tuple) -> str:
    return "×".join(str(n) for n in shape)


def _diagram(rows: list[dict], color: str, source: str) -> str:
    """A compact left-to-right Graphviz chain: one box per block, named by its first layer, with the
    layers it holds and its output shape."""
    nodes = [f'in [label="{source}", shape=plain]']
    for i, block in enumerate(_blocks(rows)):
        head, rest = block[0], block[1:]
        lines = [head["layer"]]
        if head["params"] or head["layer"].startswith("resize"):  # a reshape or upsample says it in its name
            lines.append(head["type"].replace(", stride", " /"))
        if rest:
            lines.append("+ " + " + ".join(r["type"] for r in rest))
        label = "\\n".join([*lines, f'→ {_shape(block[-1]["output_shape"])}'])
        nodes.append(f'n{i} [label="{label}", fillcolor="{color}"]')
    names = ["in", *(f"n{i}" for i in range(len(nodes) - 1))]
    edges = [f"{a} -> {b}" for a, b in zip(names, names[1:])]
    style = ('digraph { rankdir=LR; nodesep=0.1; ranksep=0.12; margin=0; '
            'node [shape=box, style="rounded,filled", fontname=Helvetica, fontsize=9, margin="0.06,0.03"]; '
            'edge [arrowsize=0.5];\n')
    return style + ";\n".join(nodes + edges) + "}"


def _network(title: str, rows: list[dict], color: str, source: str, function: str) -> None:
    total = sum(int(r["params"]) for r in rows)
    st.markdown(f"**{title}** · `{function}` · {T('param_count', count=N(total))}")
    st.graphviz_chart(_diagram(rows, color, source), width="stretch")


def _table(rows: list[dict]) -> None:
    st.dataframe([{T("col_layer"): r["layer"], T("col_type"): r["type"], T("col_shape"): _shape(r["output_shape"]),
                   T("col_params"): int(r["params"])} for r in rows], hide_index=True, width="stretch",
                 height=ROW_PX * (len(rows) + 1) + 3)  # every layer in view: a scrolled table hides the last ones


@guarded
def page() -> None:
    st.title(T("arch_title"))
    st.caption(T("arch_intro"))
    st.markdown(T("arch_handout"))
    base = default_config()
    ss = st.session_state
    for name in ("architecture", "nf", "latent_dim"):  # start from the Lab's settings
        ss.setdefault(f"arch_{name}", ss.get(f"cfg_{name}", getattr(base, name)))
    c = st.columns(3)
    arch = c[0].selectbox(T("ctl_architecture"), ARCHITECTURES, format_func=labeller("choice_"),
                          help=T("help_architecture"), **kept("arch_architecture", ss.arch_architecture))
    nf = c[1].select_slider(T("ctl_nf"), _with(NF, ss.arch_nf), help=T("help_nf"), disabled=arch == "tutorial",
                            **kept("arch_nf", ss.arch_nf))
    latent = c[2].select_slider(T("ctl_latent_dim"), _with(LATENT, ss.arch_latent_dim), help=T("help_latent_dim"),
                                **kept("arch_latent_dim", ss.arch_latent_dim))
    tables = layer_table(arch, nf, latent)
    _network(T("generator"), tables["generator"], "#f3e8ff", T("diagram_noise", latent=latent),
             "initialize_weights_generator")
    _network(T("discriminator"), tables["discriminator"], "#dcfce7", T("diagram_design"),
             "initialize_weights_discriminator")
    with st.expander(T("arch_tables")):  # one above the other: side by side, 1366 px cut their columns short
        for side in ("generator", "discriminator"):
            st.caption(T(side))
            _table(tables[side])
    st.divider()
    st.subheader(T("losses_title"))
    for loss in LOSSES:
        with st.expander(T(f"choice_{loss}"), expanded=loss == base.loss):
            st.latex(FORMULAS[loss]["d"])
            st.latex(FORMULAS[loss]["g"])
            st.caption(T(f"loss_note_{loss}"))
    with st.expander(T("connect_title")):
        st.latex(connect_formula(T("connect_sum_range")))
        st.caption(T("connect_note"))


page()
