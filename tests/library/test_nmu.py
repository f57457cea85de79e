"""NMU: products with W = 1 (negatives too), identity with W = 0, clipping, extrapolation."""

import keras
import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy


def test_nmu_with_unit_weights_multiplies_including_negatives():
    """W = 1 gives the product of the inputs, signs included."""
    layer = set_weights(nalu.NMU(1), 3, kernel=1.0)
    inputs = np.random.default_rng(0).uniform(-3, 3, (32, 3)).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(inputs))[:, 0], inputs.prod(axis=1), rtol=1e-5)


def test_nmu_selects_inputs_and_extrapolates_100x():
    """W = [1, 0, 1] multiplies inputs 0 and 2, also on inputs 100x larger."""
    layer = set_weights(nalu.NMU(1), 3, kernel=[[1.0], [0.0], [1.0]])
    inputs = np.random.default_rng(1).uniform(100, 200, (32, 3)).astype("float32")
    np.testing.assert_allclose(
        to_numpy(layer(inputs))[:, 0], inputs[:, 0] * inputs[:, 2], rtol=1e-5
    )


def test_nmu_matches_numpy_reference():
    """prod_i (W_ij x_i + 1 - W_ij) for fractional hand-set weights."""
    weight = np.array([[0.3, 0.9], [0.6, 0.1]], dtype="float32")
    layer = set_weights(nalu.NMU(2), 2, kernel=weight)
    inputs = np.array([[2.0, -3.0], [0.5, 4.0]], dtype="float32")
    expected = np.prod(inputs[:, :, None] * weight[None] + 1 - weight[None], axis=1)
    np.testing.assert_allclose(to_numpy(layer(inputs)), expected, rtol=1e-5)


def test_nmu_weights_are_clipped_after_an_update():
    """After one large optimizer step every weight is back inside [0, 1]."""
    layer = set_weights(nalu.NMU(1), 2, kernel=0.5)
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.SGD(10.0), "mse")
    model.fit(np.full((8, 2), 2.0), np.full((8, 1), -50.0), epochs=1, verbose=0)
    kernel = to_numpy(layer.kernel)
    assert kernel.min() >= 0.0 and kernel.max() <= 1.0
    assert kernel.min() in (0.0, 1.0) or kernel.max() in (0.0, 1.0)
