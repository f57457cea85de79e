"""NMU: the neural multiplication unit of Madsen & Johansen (2020)."""

import keras
from keras import ops

from nalu._validation import check_positive
from nalu.base import ArithmeticUnit, assign_rows, identity_block, safe_log_abs
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.registry import register_cell, register_unit


@register_unit("nmu")
@keras.saving.register_keras_serializable(package="nalu")
class NMU(ArithmeticUnit):
    """Neural multiplication unit: multiplies the inputs it selects, negatives included.

        y_j = prod_i (W_ij * x_i + 1 - W_ij),   W clipped to [0, 1]

    A weight of 1 takes the input into the product, a weight of 0 contributes a factor 1.
    The product is exact; where its magnitude would pass `exp(max_exponent)` the output is
    `sign * exp(max_exponent)` instead, so outputs and gradients stay finite for any input.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (paper: U(0.25, 0.75), E[W] = 1/2).
        kernel_regularizer: optional regularizer, e.g. `nalu.SparsityRegularizer`
            (paper: strength 10, ramped late).
        kernel_constraint: constraint of `W` (default `Clip(0, 1)`).
        max_exponent: bound on the log-magnitude of the product (default 80, < float32's 88).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016.

    Example:
        >>> layer = nalu.NMU(1)  # learns a * b, also for negative a, b
    """

    paper_sparsity_strength = 10.0  # lambda_hat of the sparsity regularizer
    arithmetic_recipe = "averaged"  # static benchmark: Adam beta_1 0.999 (tasks/arithmetic.py)
    arithmetic_first_layer = "nau"  # the paper's pairing: NAU computes a and b, NMU a * b

    def __init__(
        self,
        units,
        kernel_initializer=None,
        kernel_regularizer=None,
        kernel_constraint="default",
        max_exponent=80.0,
        copy_seeds=None,
        **kwargs,
    ):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        if kernel_initializer is None:
            kernel_initializer = keras.initializers.RandomUniform(0.25, 0.75)
        if kernel_constraint == "default":
            kernel_constraint = Clip(0.0, 1.0)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        self.kernel = self.add_unit_weight(
            "kernel", (input_shape[-1], self.units), self.kernel_initializer,
            self.kernel_regularizer, self.kernel_constraint,
        )

    def initialize_identity(self, rows):
        assign_rows(self.kernel, rows, identity_block(rows, self.units, 1.0, 0.0))

    def weight_matrix(self):
        """The effective weight `W`."""
        return ops.convert_to_tensor(self.kernel)

    def call(self, inputs):
        weight = ops.expand_dims(self.kernel, -3)  # (..., 1, features, units)
        # (..., batch, features, 1) * (..., 1, features, units) -> (..., batch, features, units)
        terms = ops.expand_dims(inputs, -1) * weight + (1.0 - weight)
        log_magnitude = ops.sum(safe_log_abs(terms, 0.0), axis=-2, keepdims=True)
        overflow = log_magnitude > self.max_exponent  # (..., batch, 1, units)
        # the exact product where it fits; where it would overflow, sign * exp(max_exponent).
        # Overflowing rows multiply ones instead, so no inf reaches any gradient.
        exact = ops.prod(ops.where(overflow, 1.0, terms), axis=-2)
        bounded = ops.prod(ops.sign(terms), axis=-2) * ops.exp(self.max_exponent)
        return ops.where(ops.squeeze(overflow, -2), bounded, exact)

    def get_config(self):
        return {**super().get_config(), "max_exponent": self.max_exponent}


@register_cell("nmu")
@keras.saving.register_keras_serializable(package="nalu")
class NMUCell(UnitCell):
    """Recurrent NMU: `h_t = NMU(concat(h_{t-1}, x_t))`; solved, a running product."""

    unit_class = NMU
    default_initial_state = 1.0
