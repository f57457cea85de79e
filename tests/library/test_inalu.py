"""iNALU: numpy reference, sign retrieval for negative products."""

import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy


def test_inalu_multiplies_negative_inputs_with_sign():
    """Gate shut, W_m = 1: the iNALU multiplies inputs of either sign, sign included."""
    layer = set_weights(
        nalu.INALU(1), 2, w_hat_multiplicative=50.0, m_hat_multiplicative=50.0, gate=-50.0
    )
    inputs = np.array([[-2.0, 3.0], [-2.0, -3.0], [4.0, 0.5]], dtype="float32")
    np.testing.assert_allclose(to_numpy(layer(inputs))[:, 0], inputs.prod(axis=1), rtol=1e-5)


def test_inalu_matches_numpy_reference():
    """The paper's formula with hand-set weights and a half-open gate."""
    rng = np.random.default_rng(2)
    values = {name: rng.normal(size=(2, 1)).astype("float32") for name in
              ("w_hat_additive", "m_hat_additive", "w_hat_multiplicative", "m_hat_multiplicative")}
    layer = set_weights(nalu.INALU(1), 2, gate=0.3, **values)
    inputs = rng.uniform(-3, 3, (6, 2)).astype("float32")

    def weight(path):
        return np.tanh(values[f"w_hat_{path}"]) / (1 + np.exp(-values[f"m_hat_{path}"]))

    gate = 1 / (1 + np.exp(-0.3))
    w_m = weight("multiplicative")
    magnitude = np.exp(np.minimum(np.log(np.maximum(np.abs(inputs), 1e-7)) @ w_m, 20))
    sign = np.prod(np.sign(inputs)[:, :, None] * np.abs(w_m)[None] + 1 - np.abs(w_m)[None], 1)
    expected = gate * inputs @ weight("additive") + (1 - gate) * magnitude * sign
    np.testing.assert_allclose(to_numpy(layer(inputs)), expected, rtol=1e-5)
