import base64
import io

import numpy as np
from PIL import Image

from mechgan import data, figures

DS = data.load_dataset()


def test_designs_grid_draws_each_design_in_its_cell_under_its_title():
    designs = DS.designs[:10]
    fig = figures.designs_grid(designs, cols=5, titles=[f"#{i}" for i in range(10)])
    header, encoded = fig.data[0].source.split(",", 1)
    assert header == "data:image/png;base64" and fig.data[0].dx == 1 / figures.GRID_SCALE
    full = np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB"))
    scale, gap = figures.GRID_SCALE, figures.GRID_GAP
    cell = 50 + gap
    rgb = full[::scale, ::scale]
    assert rgb.shape == (2 * cell, 5 * cell - gap, 3)
    tile = rgb[cell + gap:2 * cell, 3 * cell:3 * cell + 50]  # design 8: second row, fourth column
    assert np.array_equal(tile.mean(axis=2) < 128, designs[8])  # solid dark, void white
    ink = tuple(int(figures.INK[i:i + 2], 16) for i in (1, 3, 5))
    band = full[cell * scale:(cell + gap) * scale, 3 * cell * scale:(3 * cell + 50) * scale]
    assert ink in {tuple(c) for c in band.reshape(-1, 3)}  # its title, above it


def test_a_french_title_s_no_break_space_is_drawn_as_a_space():
    designs = DS.designs[:2]
    assert figures.designs_png(designs, titles=["45\u202f%", "45\u00a0%"]) == figures.designs_png(
        designs, titles=["45 %", "45 %"])


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
