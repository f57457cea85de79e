"""NRU: signed real powers in [-1, 1], division extrapolating, training and evaluation
selection, clipping, the capped start."""

import keras
import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy


def reference(inputs, weight, selected):
    """prod_i (sign(x_i) |x_i|^W_ij s_ij + 1 - s_ij) in float64."""
    power = np.sign(inputs)[:, :, None] * np.abs(inputs)[:, :, None] ** weight[None]
    return np.prod(power * selected[None] + 1 - selected[None], axis=1)


def test_nru_divides_with_signs_and_extrapolates_100x():
    """W = [1, -1] gives a / b, signs included, on inputs 100x the usual range."""
    layer = set_weights(nalu.NRU(1), 2, kernel=[[1.0], [-1.0]])
    rng = np.random.default_rng(0)
    inputs = (rng.uniform(100, 200, (64, 2)) * rng.choice([-1, 1], (64, 2))).astype("float32")
    for training in (False, True):  # exp(W log |x|) in float32: a few ulps of 1e-7 each
        np.testing.assert_allclose(to_numpy(layer(inputs, training=training))[:, 0],
                                   inputs[:, 0] / inputs[:, 1], rtol=5e-5)


def test_nru_matches_numpy_reference_in_both_modes():
    """Fractional weights: tanh(1000 W)^2 selects in training, |W| in evaluation."""
    weight = np.array([[0.5, -0.3], [-0.001, 0.8]], dtype="float32")
    layer = set_weights(nalu.NRU(2), 2, kernel=weight)
    inputs = np.array([[2.0, -3.0], [0.5, 4.0], [-1.5, 0.25]], dtype="float32")
    np.testing.assert_allclose(to_numpy(layer(inputs)),
                               reference(inputs, weight, np.abs(weight)), rtol=1e-5)
    np.testing.assert_allclose(to_numpy(layer(inputs, training=True)),
                               reference(inputs, weight, np.tanh(1000 * weight) ** 2),
                               rtol=1e-5)
    assert not np.allclose(to_numpy(layer(inputs)), to_numpy(layer(inputs, training=True)))


def test_nru_starts_within_half_and_stays_clipped():
    """The default start is within +-0.5; after a large update W is inside [-1, 1]."""
    layer = nalu.NRU(1)
    layer.build((None, 2))
    assert np.abs(to_numpy(layer.kernel)).max() <= 0.5
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.SGD(100.0), "mse")
    model.fit(np.full((8, 2), 2.0), np.full((8, 1), 50.0), epochs=1, verbose=0)
    kernel = to_numpy(layer.kernel)
    assert kernel.min() >= -1.0 and kernel.max() <= 1.0
    assert np.isclose(np.abs(kernel).max(), 1.0)
