"""NAU: exact addition with W = 1, extrapolation, clipping after an optimizer step."""

import keras
import numpy as np

import nalu
from tests.helpers import add, extrapolation_error, fit_unit, set_weights, to_numpy


def test_nau_with_unit_weights_adds():
    """W = 1 sums the inputs exactly, also on inputs 100x outside [1, 2]."""
    layer = set_weights(nalu.NAU(1), 3, kernel=1.0)
    for scale in (1.0, 100.0):
        inputs = np.random.default_rng(0).integers(1, 3, (16, 3)).astype("float32") * scale
        np.testing.assert_array_equal(to_numpy(layer(inputs))[:, 0], inputs.sum(axis=1))


def test_nau_weights_are_clipped_after_an_update():
    """After one large optimizer step every weight is back inside [-1, 1]."""
    layer = set_weights(nalu.NAU(2), 2, kernel=0.99)
    model = keras.Sequential([keras.Input((2,)), layer])
    model.compile(keras.optimizers.SGD(10.0), "mse")
    model.fit(np.ones((8, 2)), np.full((8, 2), 100.0), epochs=1, verbose=0)
    kernel = to_numpy(layer.kernel)
    assert kernel.max() == 1.0 and kernel.min() >= -1.0


def test_nau_sparsity_regularizer_in_losses():
    """The sparsity regularizer appears in layer.losses with mean(min(|w|, 1 - |w|))."""
    regularizer = nalu.SparsityRegularizer(0.5)
    layer = set_weights(nalu.NAU(1, kernel_regularizer=regularizer), 2, kernel=[[0.25], [-0.9]])
    layer(np.ones((1, 2), dtype="float32"))
    np.testing.assert_allclose(float(sum(layer.losses)), 0.5 * (0.25 + 0.1) / 2, rtol=1e-6)


def test_nau_learns_addition_and_extrapolates():
    """Trained on [1, 2], a NAU's a + b is within 0.1% on [2, 6] (on every backend)."""
    model = fit_unit(nalu.NAU(1), add, steps=1500, learning_rate=0.05)
    assert extrapolation_error(model, add) < 1e-3
