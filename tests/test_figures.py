import numpy as np
import plotly.graph_objects as go

from mechgan import data, figures

DS = data.load_dataset()


def test_designs_grid_has_one_image_per_design():
    fig = figures.designs_grid(DS.designs[:10], cols=5, titles=[str(i) for i in range(10)])
    heatmaps = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert len(heatmaps) == 10
    assert np.array_equal(np.asarray(heatmaps[3].z), DS.designs[3].astype(float))


def test_overlay_draws_each_design_on_one_picture():
    fig = figures.overlay(DS.designs[:4])
    assert len(fig.data) == 4
    assert np.array_equal(np.asarray(fig.data[2].z), DS.designs[2].astype(float))
    assert len({t.line.color for t in fig.data}) == 4


def test_mean_design_shows_the_share_of_solid_designs():
    fig = figures.mean_design(DS.designs[:50])
    z = np.asarray(fig.data[0].z)
    assert np.allclose(z, DS.designs[:50].mean(axis=0))
    assert z.min() >= 0 and z.max() <= 1


def test_material_histogram_counts_every_design_and_overlays_others():
    fig = figures.material_histogram(DS.designs)
    assert np.array_equal(np.asarray(fig.data[0].x), data.material_level(DS.designs))
    fig = figures.material_histogram(DS.designs, others={"generated": DS.designs[:5]})
    assert [t.name for t in fig.data] == ["data", "generated"]


def test_load_case_scatter_uses_the_stored_specification():
    fig = figures.load_cases(DS, title="Cas de charge")
    assert np.array_equal(np.asarray(fig.data[0].y), DS.load_row)
    assert fig.layout.title.text == "Cas de charge"
