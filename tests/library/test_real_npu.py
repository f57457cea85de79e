"""RealNPU: division with W = [1, -1], negatives included, and 100x extrapolation."""

import numpy as np

import nalu
from tests.helpers import divide, extrapolation_error, fit_unit, set_weights, to_numpy


def test_real_npu_with_minus_one_divides_including_negatives():
    """W = [1, -1] and g = 1: a / b with the right sign for every sign pattern."""
    layer = set_weights(nalu.RealNPU(1, eps=0.0), 2, kernel=[[1.0], [-1.0]], gate=1.0)
    inputs = np.array([[6.0, 3.0], [-6.0, 3.0], [6.0, -4.0], [-1.0, -8.0]], dtype="float32")
    np.testing.assert_allclose(to_numpy(layer(inputs)), divide(inputs), rtol=1e-5)


def test_real_npu_division_extrapolates_100x():
    """The same solved weights divide inputs 100x outside [1, 2]."""
    layer = set_weights(nalu.RealNPU(1, eps=0.0), 2, kernel=[[1.0], [-1.0]], gate=1.0)
    inputs = np.random.default_rng(0).uniform(100, 200, (32, 2)).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(inputs)), divide(inputs), rtol=1e-5)


def test_real_npu_learns_division():
    """Trained on [1, 2], some seed of three RealNPUs divides within 1% on [2, 6]."""
    errors = []
    for seed in range(3):
        model = fit_unit(nalu.RealNPU(1), divide, steps=3000, learning_rate=0.1, seed=seed)
        errors.append(extrapolation_error(model, divide))
        if errors[-1] < 0.01:
            break
    assert min(errors) < 0.01, errors
