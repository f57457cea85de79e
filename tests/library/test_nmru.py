"""NMRU: a NMU over inputs and reciprocals with the sign retrieved, division extrapolating,
the training epsilon, the identity start."""

import numpy as np

import nalu
from tests.helpers import set_weights, to_numpy


def reference(inputs, weight, eps):
    """The NMRU in float64: an NMU over |[x, 1/(x+eps)]| times cos(pi [x~ < 0] @ W)."""
    extended = np.concatenate([inputs, 1.0 / (inputs + eps)], axis=1).astype("float64")
    terms = weight[None] * np.abs(extended)[:, :, None] + 1 - weight[None]
    return np.prod(terms, axis=1) * np.cos(np.pi * (extended < 0) @ weight)


def test_nmru_divides_with_signs_and_extrapolates_100x():
    """W = 1 on a and on 1/b gives a / b for every sign pattern, 100x outside [1, 2]."""
    layer = set_weights(nalu.NMRU(1), 2, kernel=[[1.0], [0.0], [0.0], [1.0]])
    rng = np.random.default_rng(0)
    inputs = (rng.uniform(100, 200, (64, 2)) * rng.choice([-1, 1], (64, 2))).astype("float32")
    np.testing.assert_allclose(to_numpy(layer(inputs))[:, 0], inputs[:, 0] / inputs[:, 1],
                               rtol=1e-5)


def test_nmru_matches_numpy_reference_in_both_modes():
    """Fractional weights; training adds float32 epsilon to the reciprocal's denominator."""
    weight = np.array([[0.3, 0.9], [0.6, 0.1], [0.1, 0.7], [1.0, 0.3]], dtype="float32")
    layer = set_weights(nalu.NMRU(2), 2, kernel=weight)
    inputs = np.array([[2.0, -3.0], [0.5, 4.0], [-1.5, 1e-6]], dtype="float32")
    np.testing.assert_allclose(to_numpy(layer(inputs)), reference(inputs, weight, 0.0),
                               rtol=1e-5)
    np.testing.assert_allclose(to_numpy(layer(inputs, training=True)),
                               reference(inputs, weight, layer.eps), rtol=1e-5)


def test_nmru_identity_start_carries_the_state_exactly():
    """A cell started at the identity keeps a running product: the state's reciprocal rows
    are off, so h_t = h_{t-1} * x_t with x selected."""
    cell = nalu.NMRUCell(1, identity_recurrence=True)
    cell.build((None, 1))
    cell.unit.kernel.assign(np.array([[1.0], [1.0], [0.0], [0.0]], dtype="float32"))
    state = np.full((3, 1), 1.0, dtype="float32")
    inputs = np.array([[2.0], [-3.0], [0.5]], dtype="float32")
    for _ in range(3):
        state = to_numpy(cell(inputs, [state])[0])
    np.testing.assert_allclose(state[:, 0], inputs[:, 0] ** 3, rtol=1e-5)
    fresh = nalu.NMRUCell(2, identity_recurrence=True)
    fresh.build((None, 3))
    np.testing.assert_array_equal(to_numpy(fresh.unit.kernel)[5:7], np.zeros((2, 2)))
