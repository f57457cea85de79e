"""NALU and NALUCell: the multiplicative path, the gate, tied and separate weights."""

import numpy as np

import nalu
from tests.helpers import extrapolation_error, fit_unit, multiply, set_weights, to_numpy


def test_nalu_with_gate_shut_multiplies_positive_inputs():
    """Gate closed (g = 0) and W = 1: the NALU returns the product of positive inputs."""
    layer = set_weights(nalu.NALU(1), 2, w_hat=50.0, m_hat=50.0, gate=-50.0)
    inputs = np.random.default_rng(0).uniform(0.5, 20.0, (32, 2)).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(inputs))[:, 0], inputs.prod(axis=1), rtol=1e-5)


def test_nalu_matches_numpy_reference():
    """y = g a + (1 - g) m with the formulas of the paper, hand-set weights."""
    rng = np.random.default_rng(3)
    w_hat, m_hat, gate = (rng.normal(size=(3, 2)).astype("float32") for _ in range(3))
    layer = set_weights(nalu.NALU(2), 3, w_hat=w_hat, m_hat=m_hat, gate=gate)
    inputs = rng.uniform(-2, 2, (5, 3)).astype("float32")
    weight = np.tanh(w_hat) / (1 + np.exp(-m_hat))
    gate_value = 1 / (1 + np.exp(-(inputs @ gate)))
    expected = gate_value * (inputs @ weight) + (1 - gate_value) * np.exp(
        np.log(np.abs(inputs) + 1e-7) @ weight
    )
    np.testing.assert_allclose(to_numpy(layer(inputs)), expected, rtol=1e-5)


def test_separate_weights_decouple_the_paths():
    """With separate_weights the multiplicative path has its own W_hat and M_hat."""
    tied, separate = nalu.NALU(1), nalu.NALU(1, separate_weights=True)
    tied.build((None, 2))
    separate.build((None, 2))
    assert len(separate.trainable_weights) == len(tied.trainable_weights) + 2
    set_weights(separate, 2, w_hat=50.0, m_hat=50.0, gate=-50.0,
                w_hat_multiplicative=50.0, m_hat_multiplicative=-50.0)
    # additive W = 1 but multiplicative W = 0: m = exp(0) = 1
    np.testing.assert_allclose(to_numpy(separate(np.array([[3.0, 4.0]]))), [[1.0]], rtol=1e-6)


def test_exponent_bound_is_respected():
    """The multiplicative path never exceeds exp(max_exponent)."""
    layer = set_weights(nalu.NALU(1, max_exponent=5.0), 2, w_hat=50.0, m_hat=50.0, gate=-50.0)
    output = float(to_numpy(layer(np.array([[1e20, 1e20]], dtype="float32")))[0, 0])
    np.testing.assert_allclose(output, np.exp(5.0), rtol=1e-5)


def test_nalu_learns_multiplication_and_extrapolates():
    """Trained on positive [1, 2], a NALU's a * b is within 2% on [2, 6]."""
    model = fit_unit(nalu.NALU(1), multiply, steps=3000, learning_rate=0.1)
    assert extrapolation_error(model, multiply) < 0.02
