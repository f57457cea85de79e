"""NAC and NACCell: exact sums with saturated weights, learning, extrapolation."""

import keras
import numpy as np

import nalu
from tests.helpers import add, extrapolation_error, fit_unit, set_weights, subtract, to_numpy

SATURATED = 50.0  # tanh(50) and sigmoid(50) are exactly 1.0 in float32


def test_saturated_nac_sums_exactly_at_large_magnitude():
    """W_hat = M_hat = 50 gives W = 1 exactly: the NAC sums inputs of magnitude 1e6 exactly."""
    layer = set_weights(nalu.NAC(1), 3, w_hat=SATURATED, m_hat=SATURATED)
    inputs = np.random.default_rng(0).integers(-1_000_000, 1_000_000, (64, 3)).astype("float32")
    np.testing.assert_array_equal(to_numpy(layer(inputs))[:, 0], inputs.sum(axis=1))


def test_nac_matches_numpy_reference():
    """y = x @ (tanh(W_hat) * sigmoid(M_hat)) for hand-set weights."""
    w_hat = np.array([[0.3, -1.2], [2.0, 0.1]], dtype="float32")
    m_hat = np.array([[-0.5, 0.7], [1.5, -2.0]], dtype="float32")
    layer = set_weights(nalu.NAC(2), 2, w_hat=w_hat, m_hat=m_hat)
    inputs = np.array([[1.0, 2.0], [-3.0, 0.5]], dtype="float32")
    expected = inputs @ (np.tanh(w_hat) / (1 + np.exp(-m_hat)))
    np.testing.assert_allclose(to_numpy(layer(inputs)), expected, rtol=1e-6)


def test_nac_weight_is_computed_in_call():
    """Changing W_hat after the first call changes the output (W is not cached)."""
    layer = nalu.NAC(1)
    inputs = np.ones((1, 2), dtype="float32")
    before = to_numpy(layer(inputs))
    layer.w_hat.assign(layer.w_hat + 1.0)
    assert not np.allclose(before, to_numpy(layer(inputs)))


def test_recurrent_nac_is_a_running_sum_over_1000_steps():
    """A saturated NACCell in an RNN sums a 1000-step sequence exactly."""
    cell = nalu.NACCell(1)
    rnn = keras.layers.RNN(cell)
    sequence = np.random.default_rng(1).integers(0, 10, (4, 1000, 1)).astype("float32")
    rnn.build(sequence.shape)
    cell.unit.w_hat.assign(np.full((2, 1), SATURATED, dtype="float32"))
    cell.unit.m_hat.assign(np.full((2, 1), SATURATED, dtype="float32"))
    np.testing.assert_array_equal(to_numpy(rnn(sequence))[:, 0], sequence.sum(axis=(1, 2)))


def test_recurrent_model_runs_on_any_length():
    """One model built on length 10 is called on length 1000 without rebuilding."""
    inputs = keras.Input((None, 1))
    model = keras.Model(inputs, keras.layers.RNN(nalu.NACCell(1))(inputs))
    short = model(np.ones((2, 10, 1), dtype="float32"))
    long = model(np.ones((2, 1000, 1), dtype="float32"))
    assert short.shape == long.shape == (2, 1)


def test_nac_learns_addition_and_extrapolates():
    """Trained on [1, 2], a NAC's a + b is within 2% on [2, 6]."""
    model = fit_unit(nalu.NAC(1), add, steps=3000, learning_rate=0.1)
    assert extrapolation_error(model, add) < 0.02


def test_nac_learns_subtraction_and_extrapolates():
    """Trained on [1, 2], a NAC's a - b errs by under 2% of a + b on [2, 6]."""
    model = fit_unit(nalu.NAC(1), subtract, steps=3000, learning_rate=0.1)
    inputs = np.random.default_rng(1).uniform(2, 6, (1000, 2)).astype("float32")
    error = np.abs(model.predict(inputs, verbose=0) - subtract(inputs))
    # relative to the operands' size: a - b itself can be near zero
    assert float(np.mean(error / inputs.sum(axis=1, keepdims=True))) < 0.02


def test_nac_cell_learns_a_running_sum_and_extrapolates_to_1000_steps():
    """A NACCell RNN trained on 10 steps sums 1000 steps within 3%."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    inputs = keras.Input((None, 1))
    cell = nalu.NACCell(1, identity_recurrence=True)
    model = keras.Model(inputs, keras.layers.RNN(cell)(inputs))
    model.compile(keras.optimizers.Adam(0.1), "mse")
    train = rng.uniform(0, 1, (1024, 10, 1)).astype("float32")
    model.fit(train, train.sum(axis=1), batch_size=32, epochs=25, verbose=0)
    long = rng.uniform(0, 1, (16, 1000, 1)).astype("float32")
    predicted = model.predict(long, verbose=0)[:, 0]
    assert float(np.max(np.abs(predicted / long.sum(axis=(1, 2)) - 1))) < 0.03
