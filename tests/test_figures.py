import numpy as np
import plotly.graph_objects as go

from mechgan import data, figures

DS = data.load_dataset()


def test_designs_grid_has_one_image_per_design():
    fig = figures.designs_grid(DS.designs[:10], cols=5, titles=[str(i) for i in range(10)])
    heatmaps = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert len(heatmaps) == 10
    assert np.array_equal(np.asarray(heatmaps[3].z), DS.designs[3].astype(float))


def test_outlines_show_the_share_of_designs_with_an_edge_at_each_pixel():
    square, empty = np.zeros((50, 50), bool), np.zeros((50, 50), bool)
    square[10:20, 5:15] = True
    z = np.asarray(figures.outlines(np.stack([square, empty])).data[0].z)
    ring = square.copy()
    ring[11:19, 6:14] = False  # the square's inside: solid all around
    assert np.array_equal(z, np.where(ring, 0.5, 0.0))  # one design of two has its edge there
    square[10:20, 0:15] = True  # on the clamped edge: the domain's border is no edge
    z = np.asarray(figures.outlines(square[None]).data[0].z)
    assert not z[11:19, 0].any() and z[10, 0] == z[19, 0] == 1 and z[11:19, 14].all()


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
