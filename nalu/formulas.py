"""The formulas the units share."""

from keras import ops

TINY = 1.1754944e-38  # smallest normal float32: the floor under every log
FLOAT32_EPSILON = 1.1920929e-07  # the smallest magnitude the NRU and NMRU divide by


def nac_weight(w_hat, m_hat):
    """The NAC weight `tanh(W_hat) * sigmoid(M_hat)`, biased towards {-1, 0, 1}."""
    return ops.tanh(w_hat) * ops.sigmoid(m_hat)


def safe_log_abs(x, eps):
    """`log(|x| + eps)`, floored at the smallest normal float so that eps=0 stays finite."""
    return ops.log(ops.maximum(ops.abs(x) + eps, TINY))


def bounded_product(terms, max_exponent, axis=-2):
    """`prod(terms, axis)`, exact where its magnitude fits under `exp(max_exponent)`, else
    `sign * exp(max_exponent)`. Overflowing rows multiply ones instead of their terms, so no
    inf reaches any gradient."""
    log_magnitude = ops.sum(safe_log_abs(terms, 0.0), axis=axis, keepdims=True)
    overflow = log_magnitude > max_exponent
    exact = ops.prod(ops.where(overflow, 1.0, terms), axis=axis)
    bounded = ops.prod(ops.sign(terms), axis=axis) * ops.exp(max_exponent)
    return ops.where(ops.squeeze(overflow, axis), bounded, exact)


def nmu_terms(inputs, kernel):
    """The NMU's factors `W_ij x_i + 1 - W_ij`: (..., batch, features, units)."""
    weight = ops.expand_dims(kernel, -3)  # (..., 1, features, units)
    return ops.expand_dims(inputs, -1) * weight + (1.0 - weight)
