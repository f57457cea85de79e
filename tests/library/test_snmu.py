"""sNMU: the plain NMU at evaluation, exact under noise with discrete weights, noisy with
fractional ones, reproducible from its seed."""

import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy

INPUTS = np.random.default_rng(0).uniform(-3, 3, (64, 3)).astype("float32")


def test_snmu_evaluates_as_the_nmu():
    """Without training the output is the NMU's for the same weights."""
    weight = np.array([[0.3], [0.9], [0.6]], dtype="float32")
    snmu = set_weights(nalu.SNMU(1, seed=1), 3, kernel=weight)
    nmu = set_weights(nalu.NMU(1), 3, kernel=weight)
    np.testing.assert_array_equal(to_numpy(snmu(INPUTS)), to_numpy(nmu(INPUTS)))


def test_noise_cancels_with_discrete_weights_and_extrapolates():
    """W in {0, 1}: NMU(x n) / NMU(n) is the exact product, also on inputs 100x larger."""
    layer = set_weights(nalu.SNMU(1, seed=2), 3, kernel=[[1.0], [0.0], [1.0]])
    for inputs in (INPUTS, 100 * INPUTS):
        np.testing.assert_allclose(to_numpy(layer(inputs, training=True))[:, 0],
                                   inputs[:, 0] * inputs[:, 2], rtol=1e-5)


def test_noise_perturbs_fractional_weights_and_follows_the_seed():
    """W = 0.5: training outputs differ from evaluation and between calls; the same seed
    draws the same noise."""
    def layer(seed):
        return set_weights(nalu.SNMU(1, seed=seed), 3, kernel=0.5)

    first, other = layer(5), layer(5)
    drawn = to_numpy(first(INPUTS, training=True))
    assert not np.allclose(drawn, to_numpy(first(INPUTS)), rtol=1e-3)
    assert not np.allclose(drawn, to_numpy(first(INPUTS, training=True)), rtol=1e-3)
    np.testing.assert_array_equal(drawn, to_numpy(other(INPUTS, training=True)))


def test_the_cell_is_the_plain_nmu_in_training_too():
    """The recurrent cell draws no noise (its loop could not carry the seed state on JAX)."""
    import nalu as units

    cell = units.SNMUCell(1, seed=3)
    cell.build((None, 2))
    cell.unit.kernel.assign(np.full((3, 1), 0.5, dtype="float32"))
    state = np.ones((64, 1), dtype="float32")
    inputs = INPUTS[:, :2]
    np.testing.assert_array_equal(to_numpy(cell(inputs, [state], training=True)[0]),
                                  to_numpy(cell(inputs, [state])[0]))
