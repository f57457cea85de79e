"""The formulas the units share."""

from keras import ops

TINY = 1.1754944e-38  # smallest normal float32: the floor under every log


def nac_weight(w_hat, m_hat):
    """The NAC weight `tanh(W_hat) * sigmoid(M_hat)`, biased towards {-1, 0, 1}."""
    return ops.tanh(w_hat) * ops.sigmoid(m_hat)


def safe_log_abs(x, eps):
    """`log(|x| + eps)`, floored at the smallest normal float so that eps=0 stays finite."""
    return ops.log(ops.maximum(ops.abs(x) + eps, TINY))
