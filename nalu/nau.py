"""NAU: the neural addition unit of Madsen & Johansen (2020)."""

import keras
from keras import ops

from nalu.base import ArithmeticUnit, assign_rows, identity_block
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.registry import register_cell, register_unit


@register_unit("nau")
@keras.saving.register_keras_serializable(package="nalu")
class NAU(ArithmeticUnit):
    """Neural addition unit: a linear layer whose weights are clipped to [-1, 1].

        y = x @ W,   W clipped to [-1, 1] after every update

    Pair it with `SparsityRegularizer` (paper: strength 0.01, ramped over training) to
    push `W` to {-1, 0, 1}.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (paper: Glorot uniform).
        kernel_regularizer: optional regularizer, e.g. `nalu.SparsityRegularizer`.
        kernel_constraint: constraint of `W` (default `Clip(-1, 1)`).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016.

    Example:
        >>> layer = nalu.NAU(1, kernel_regularizer=nalu.SparsityRegularizer(0.01, 1000, 5000))
    """

    paper_sparsity_strength = 0.01  # lambda_hat of the sparsity regularizer

    def __init__(
        self,
        units,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        kernel_constraint="default",
        copy_seeds=None,
        **kwargs,
    ):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        if kernel_constraint == "default":
            kernel_constraint = Clip(-1.0, 1.0)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)

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
        # (..., features) @ (features, units) -> (..., units)
        return ops.matmul(inputs, self.kernel)


@register_cell("nau")
@keras.saving.register_keras_serializable(package="nalu")
class NAUCell(UnitCell):
    """Recurrent NAU: `h_t = NAU(concat(h_{t-1}, x_t))`."""

    unit_class = NAU
