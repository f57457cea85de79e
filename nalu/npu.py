"""NPU: the neural power unit of Heim, Pevny and Smidl (2020)."""

import math

import keras
import numpy as np
from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import TINY, ArithmeticUnit, assign_rows, identity_block
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.registry import register_cell, register_unit


def relevance_inputs(inputs, gate, eps):
    """NPU input transform: `log r` and `k` of the relevance-gated inputs.

        r = g * (|x| + eps) + (1 - g)        # irrelevant inputs become 1
        k = g * pi * [x < 0]
    """
    relevant = gate * (ops.abs(inputs) + eps) + (1.0 - gate)
    log_relevant = ops.log(ops.maximum(relevant, TINY))  # finite even for eps = 0
    negative = ops.cast(inputs < 0, inputs.dtype)
    return log_relevant, gate * math.pi * negative


@register_unit("npu")
@keras.saving.register_keras_serializable(package="nalu")
class NPU(ArithmeticUnit):
    """Neural power unit: learns real powers and products of its inputs, negatives included.

        r = g * (|x| + eps) + (1 - g),   k = g * pi * [x < 0]
        y = exp(min(log r @ W_re - k @ W_im, max_exponent)) * cos(log r @ W_im + k @ W_re)

    With `W_re = [1, -1]`, `W_im = 0`, `g = 1` it divides; with `0.5` it takes a square root.

    Args:
        units: number of outputs.
        real_initializer: initializer of `W_re` (paper: Glorot uniform).
        imaginary_initializer: initializer of `W_im` (paper: zeros).
        gate_initializer: initializer of the relevance gate `g` (paper: 0.5).
        real_regularizer, imaginary_regularizer, gate_regularizer: optional regularizers.
        real_constraint, imaginary_constraint: optional constraints.
        gate_constraint: constraint of `g` (default `Clip(0, 1)`).
        eps: added to `|x|` (default 1e-7).
        max_exponent: upper bound of the exponent (default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Heim, Pevny, Smidl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681.

    Example:
        >>> layer = nalu.NPU(1)  # learns e.g. a / b or sqrt(a)
    """

    def __init__(
        self,
        units,
        real_initializer="glorot_uniform",
        imaginary_initializer="zeros",
        gate_initializer=None,
        real_regularizer=None,
        imaginary_regularizer=None,
        gate_regularizer=None,
        real_constraint=None,
        imaginary_constraint=None,
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
        self.real_initializer = keras.initializers.get(real_initializer)
        self.imaginary_initializer = keras.initializers.get(imaginary_initializer)
        self.gate_initializer = keras.initializers.get(gate_initializer)
        self.real_regularizer = keras.regularizers.get(real_regularizer)
        self.imaginary_regularizer = keras.regularizers.get(imaginary_regularizer)
        self.gate_regularizer = keras.regularizers.get(gate_regularizer)
        self.real_constraint = keras.constraints.get(real_constraint)
        self.imaginary_constraint = keras.constraints.get(imaginary_constraint)
        self.gate_constraint = keras.constraints.get(gate_constraint)
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.real = self.add_unit_weight(
            "real", shape, self.real_initializer, self.real_regularizer, self.real_constraint
        )
        self.imaginary = self.add_unit_weight(
            "imaginary", shape, self.imaginary_initializer, self.imaginary_regularizer,
            self.imaginary_constraint,
        )
        self.gate = self.add_unit_weight(
            "gate", (1, input_shape[-1]), self.gate_initializer, self.gate_regularizer,
            self.gate_constraint,
        )

    def initialize_identity(self, rows):
        assign_rows(self.real, rows, identity_block(rows, self.units, 1.0, 0.0))
        assign_rows(self.imaginary, rows, identity_block(rows, self.units, 0.0, 0.0))
        gate = np.array(self.gate)
        gate[..., :rows] = 1.0
        self.gate.assign(gate)

    def weight_matrix(self):
        """The real weight `W_re`."""
        return ops.convert_to_tensor(self.real)

    def call(self, inputs):
        log_relevant, negative_angle = relevance_inputs(inputs, self.gate, self.eps)
        exponent = ops.matmul(log_relevant, self.real) - ops.matmul(negative_angle, self.imaginary)
        angle = ops.matmul(log_relevant, self.imaginary) + ops.matmul(negative_angle, self.real)
        # (..., units)
        return ops.exp(ops.minimum(exponent, self.max_exponent)) * ops.cos(angle)

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "max_exponent": self.max_exponent}


@register_cell("npu")
@keras.saving.register_keras_serializable(package="nalu")
class NPUCell(UnitCell):
    """Recurrent NPU: `h_t = NPU(concat(h_{t-1}, x_t))`."""

    unit_class = NPU
    default_initial_state = 1.0
