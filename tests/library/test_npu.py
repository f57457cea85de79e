"""NPU: the complex-valued power formula, square roots and division."""

import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy


def test_npu_matches_complex_power_reference():
    """Re(prod_i x_i ** (W_re + i W_im)) over relevant inputs equals the NPU output."""
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (2, 2)).astype("float32")
    imaginary = rng.uniform(-0.3, 0.3, (2, 2)).astype("float32")
    layer = set_weights(nalu.NPU(2, eps=0.0), 2, real=real, imaginary=imaginary, gate=1.0)
    inputs = rng.uniform(-3, 3, (8, 2)).astype("float32")
    # principal complex log of x; exp(sum_i log(x_i) * (W_re + i W_im))
    log_inputs = np.log(inputs.astype(complex))
    expected = np.real(np.exp(log_inputs @ (real + 1j * imaginary)))
    np.testing.assert_allclose(to_numpy(layer(inputs)), expected, rtol=1e-4, atol=1e-5)


def test_npu_takes_square_roots_and_extrapolates_100x():
    """W_re = 0.5 on one input: sqrt(x), also on inputs 100x larger; irrelevant input ignored."""
    layer = set_weights(nalu.NPU(1), 2, real=[[0.5], [0.0]], imaginary=0.0, gate=[[1.0, 0.0]])
    inputs = np.random.default_rng(1).uniform(100, 200, (16, 2)).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(inputs))[:, 0], np.sqrt(inputs[:, 0]), rtol=1e-5)
