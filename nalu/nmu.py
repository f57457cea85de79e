"""NMU: the neural multiplication unit of Madsen & Johansen (2020)."""

import keras

from nalu._validation import check_positive
from nalu.base import DEFAULT, LinearUnit
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.formulas import bounded_product, nmu_terms
from nalu.registry import register_cell, register_unit


@register_unit("nmu")
class NMU(LinearUnit):
    """Neural multiplication unit: multiplies the inputs it selects, negatives included.

        y_j = prod_i (W_ij * x_i + 1 - W_ij),   W clipped to [0, 1]

    A weight of 1 takes the input into the product, a weight of 0 contributes a factor 1.
    The product is exact; where its magnitude would pass `exp(max_exponent)` the output is
    `sign * exp(max_exponent)` instead, so outputs and gradients stay finite for any input.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (default and paper: U(0.25, 0.75), E[W] = 1/2).
        kernel_regularizer: regularizer (default none), e.g. `nalu.SparsityRegularizer`
            (paper: strength 10, ramped late).
        kernel_constraint: constraint of `W` (default `Clip(0, 1)`).
        max_exponent: bound on the log-magnitude of the product (default 80, < float32's 88).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016.

    Example:
        >>> layer = nalu.NMU(1)  # learns a * b, also for negative a, b
    """

    weight_defaults = {
        "kernel_initializer": lambda: keras.initializers.RandomUniform(0.25, 0.75),
        "kernel_constraint": lambda: Clip(0.0, 1.0),
    }

    def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                 kernel_constraint=DEFAULT, max_exponent=80.0, copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def call(self, inputs):
        # (..., batch, features, units) -> (..., batch, units)
        return bounded_product(nmu_terms(inputs, self.kernel), self.max_exponent)

    def get_config(self):
        return {**super().get_config(), "max_exponent": self.max_exponent}


@register_cell("nmu")
class NMUCell(UnitCell):
    """Recurrent NMU: `h_t = NMU(concat(h_{t-1}, x_t))`; solved, a running product."""

    unit_class = NMU
    default_initial_state = 1.0
