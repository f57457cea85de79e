"""NRU: the neural reciprocal unit of Mistry, Farrahi & Hare (2021)."""

from keras import ops

from nalu._validation import check_positive
from nalu.base import DEFAULT, LinearUnit
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.formulas import FLOAT32_EPSILON, bounded_product
from nalu.initializers import CappedGlorotUniform
from nalu.registry import register_cell, register_unit

SELECTION_SHARPNESS = 1000.0  # tanh(1000 W)^2: a smooth |W| for training


@register_unit("nru")
class NRU(LinearUnit):
    """Neural reciprocal unit: products of real powers in [-1, 1], signs kept.

        training:   y_j = prod_i (sign(x_i) |x_i|^W_ij s_ij + 1 - s_ij),  s = tanh(1000 W)^2
        evaluation: the same with s = |W|,                   W clipped to [-1, 1]

    `W = [1, -1]` gives `a / b`, `W = [0.5]` a signed square root; a weight of 0 leaves a
    factor 1. Choices here (the paper leaves them open): `|x|^W` is `exp(W log |x|)` with
    `|x|` floored at float32 epsilon (so `x = 0` gives a factor 0 through `sign(0) = 0`,
    and gradients stay finite); each power and the product are bounded by
    `exp(max_exponent)`, at 20 by default as in the NPU.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (default and paper: `CappedGlorotUniform(0.5)`,
            U(-r, r) with r = min(0.5, sqrt(6 / (in + out)))).
        kernel_regularizer: regularizer (default none; paper: `SparsityRegularizer`,
            strength 10, ramped).
        kernel_constraint: constraint of `W` (default `Clip(-1, 1)`).
        max_exponent: bound on the log-magnitude of a power and of the product (default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Mistry, Farrahi & Hare, "Learning Division with Neural Arithmetic Logic
    Modules", NeurIPS 2021, arXiv 2110.05177.

    Example:
        >>> layer = nalu.NRU(1)  # learns e.g. a / b
    """

    weight_defaults = {
        "kernel_initializer": lambda: CappedGlorotUniform(0.5),
        "kernel_constraint": lambda: Clip(-1.0, 1.0),
    }

    def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                 kernel_constraint=DEFAULT, max_exponent=20.0, copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def call(self, inputs, training=None):
        weight = ops.expand_dims(self.kernel, -3)  # (..., 1, features, units)
        value = ops.expand_dims(inputs, -1)  # (..., batch, features, 1)
        log_magnitude = ops.log(ops.maximum(ops.abs(value), FLOAT32_EPSILON)) * weight
        power = ops.sign(value) * ops.exp(ops.minimum(log_magnitude, self.max_exponent))
        if training:
            selected = ops.square(ops.tanh(SELECTION_SHARPNESS * weight))
        else:
            selected = ops.abs(weight)
        # (..., batch, features, units) -> (..., batch, units)
        return bounded_product(power * selected + 1.0 - selected, self.max_exponent)

    def get_config(self):
        return {**super().get_config(), "max_exponent": self.max_exponent}


@register_cell("nru")
class NRUCell(UnitCell):
    """Recurrent NRU: `h_t = NRU(concat(h_{t-1}, x_t))`; solved, a running product of
    powers."""

    unit_class = NRU
    default_initial_state = 1.0

