"""NMRU: the neural multiplicative reciprocal unit of Mistry, Farrahi & Hare (2021)."""

import math

import keras
from keras import ops

from nalu._validation import check_positive
from nalu.base import DEFAULT, LinearUnit
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.formulas import FLOAT32_EPSILON, bounded_product, nmu_terms
from nalu.registry import register_cell, register_unit


def reciprocal(inputs, eps):
    """`1 / (x + eps)`, the denominator's magnitude floored at float32 epsilon (its sign
    kept, 0 counted as positive), so values and gradients stay finite."""
    shifted = inputs + eps
    sign = ops.where(shifted < 0, -1.0, 1.0)
    return sign / ops.maximum(ops.abs(shifted), FLOAT32_EPSILON)


@register_unit("nmru")
class NMRU(LinearUnit):
    """Neural multiplicative reciprocal unit: a NMU over the inputs and their reciprocals,
    with the sign of the product retrieved as in the RealNPU.

        x~ = concat(x, 1 / (x + eps))          # eps: float32 epsilon in training, 0 after
        y_j = prod_k (W_kj |x~_k| + 1 - W_kj) * cos(pi * [x~ < 0] @ W)_j,   W in [0, 1]

    `W` has `2 * features` rows: W = 1 on `a` and on `1 / b` gives `a / b`. Choices here:
    a denominator's magnitude is floored at float32 epsilon (so |1 / x| <= 8.4e6, finite
    gradients everywhere), and the product is bounded by `exp(max_exponent)` as in the NMU,
    at 20 by default (as the NPU's) so that its gradients stay finite too.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (default and paper: U(0.25, 0.75)).
        kernel_regularizer: regularizer (default none; paper: `SparsityRegularizer`,
            strength 10, ramped).
        kernel_constraint: constraint of `W` (default `Clip(0, 1)`).
        eps: added to the denominator of the reciprocal in training (default: float32
            epsilon, the paper's).
        max_exponent: bound on the log-magnitude of the product (default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.

    The paper trains it with the gradient norm clipped to 1 (the arithmetic tasks'
    `clip_norm` setting).

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Mistry, Farrahi & Hare, "Learning Division with Neural Arithmetic Logic
    Modules", NeurIPS 2021, arXiv 2110.05177.

    Example:
        >>> layer = nalu.NMRU(1)  # learns e.g. a / b, negatives included
    """

    weight_defaults = {
        "kernel_initializer": lambda: keras.initializers.RandomUniform(0.25, 0.75),
        "kernel_constraint": lambda: Clip(0.0, 1.0),
    }

    def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                 kernel_constraint=DEFAULT, eps=FLOAT32_EPSILON, max_exponent=20.0,
                 copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())
        self.eps = check_positive("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        self.kernel = self.add_unit_weight("kernel", (2 * input_shape[-1], self.units))

    def initialize_identity(self, rows):
        super().initialize_identity(rows)  # the state rows of x: the identity
        features = self.kernel.shape[-2] // 2
        values = ops.convert_to_numpy(self.kernel).copy()
        values[..., features:features + rows, :] = 0.0  # the state's reciprocals: unused
        self.kernel.assign(values)

    def call(self, inputs, training=None):
        extended = ops.concatenate(
            [inputs, reciprocal(inputs, self.eps if training else 0.0)], axis=-1)
        magnitude = bounded_product(nmu_terms(ops.abs(extended), self.kernel),
                                    self.max_exponent)
        negative = ops.cast(extended < 0, extended.dtype)
        # (..., batch, 2 features) @ (..., 2 features, units) -> (..., batch, units)
        return magnitude * ops.cos(math.pi * ops.matmul(negative, self.kernel))

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "max_exponent": self.max_exponent}


@register_cell("nmru")
class NMRUCell(UnitCell):
    """Recurrent NMRU: `h_t = NMRU(concat(h_{t-1}, x_t))`; solved, a running product of
    inputs and reciprocals."""

    unit_class = NMRU
    default_initial_state = 1.0
