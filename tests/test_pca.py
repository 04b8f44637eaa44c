"""The PCA plane of the shipped designs."""
import numpy as np

from mechgan import data
from mechgan.pca import data_pca

DS = data.load_dataset()


def test_pca_plane_separates_and_reconstructs():
    pca = data_pca()
    coords = pca.project(DS.designs[:200], dims=50)
    back = pca.reconstruct(coords)
    err = np.abs(back - DS.designs[:200]).mean()
    assert err < np.abs(pca.mean.reshape(50, 50) - DS.designs[:200]).mean()
    assert pca.explained_variance[0] >= pca.explained_variance[1] > 0
