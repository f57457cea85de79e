"""RealNPU: the real-valued neural power unit of Heim, Pevny and Smidl (2020)."""

import keras
import numpy as np
from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import ArithmeticUnit, assign_rows, identity_block
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.npu import relevance_inputs
from nalu.registry import register_cell, register_unit


@register_unit("realnpu")
@keras.saving.register_keras_serializable(package="nalu")
class RealNPU(ArithmeticUnit):
    """Real neural power unit: the NPU without its imaginary weights.

        r = g * (|x| + eps) + (1 - g),   k = g * pi * [x < 0]
        y = exp(min(log r @ W, max_exponent)) * cos(k @ W)

    With `W = [1, -1]` and `g = 1` it computes `a / b`, signs included.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (paper: Glorot uniform).
        gate_initializer: initializer of the relevance gate `g` (paper: 0.5).
        kernel_regularizer, gate_regularizer: optional regularizers.
        kernel_constraint: optional constraint of `W`.
        gate_constraint: constraint of `g` (default `Clip(0, 1)`).
        eps: added to `|x|` (default 1e-7).
        max_exponent: upper bound of the exponent (default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Heim, Pevny, Smidl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681.

    Example:
        >>> layer = nalu.RealNPU(1)  # learns e.g. a / b
    """

    def __init__(
        self,
        units,
        kernel_initializer="glorot_uniform",
        gate_initializer=None,
        kernel_regularizer=None,
        gate_regularizer=None,
        kernel_constraint=None,
        gate_constraint="default",
        eps=1e-7,
        max_exponent=20.0,
        copy_seeds=None,
        **kwargs,
    ):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        if gate_initializer is None:
            gate_initializer = keras.initializers.Constant(0.5)
        if gate_constraint == "default":
            gate_constraint = Clip(0.0, 1.0)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.gate_initializer = keras.initializers.get(gate_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.gate_regularizer = keras.regularizers.get(gate_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.gate_constraint = keras.constraints.get(gate_constraint)
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        self.kernel = self.add_unit_weight(
            "kernel", (input_shape[-1], self.units), self.kernel_initializer,
            self.kernel_regularizer, self.kernel_constraint,
        )
        self.gate = self.add_unit_weight(
            "gate", (1, input_shape[-1]), self.gate_initializer, self.gate_regularizer,
            self.gate_constraint,
        )

    def initialize_identity(self, rows):
        assign_rows(self.kernel, rows, identity_block(rows, self.units, 1.0, 0.0))
        gate = np.array(self.gate)
        gate[..., :rows] = 1.0
        self.gate.assign(gate)

    def weight_matrix(self):
        """The effective weight `W`."""
        return ops.convert_to_tensor(self.kernel)

    def call(self, inputs):
        log_relevant, negative_angle = relevance_inputs(inputs, self.gate, self.eps)
        exponent = ops.minimum(ops.matmul(log_relevant, self.kernel), self.max_exponent)
        # (..., units)
        return ops.exp(exponent) * ops.cos(ops.matmul(negative_angle, self.kernel))

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "max_exponent": self.max_exponent}


@register_cell("realnpu")
@keras.saving.register_keras_serializable(package="nalu")
class RealNPUCell(UnitCell):
    """Recurrent RealNPU: `h_t = RealNPU(concat(h_{t-1}, x_t))`."""

    unit_class = RealNPU
    default_initial_state = 1.0
