"""NPU: the neural power unit of Heim, Pevny and Smidl (2020)."""

import math

import keras
import numpy as np
from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import DEFAULT, ArithmeticUnit
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.formulas import TINY
from nalu.identity import assign_rows, start_linear_at_identity
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


class PowerUnit(ArithmeticUnit):
    """What the NPU and RealNPU share: the relevance gate, `eps`, `max_exponent`, and an
    identity start that makes the state inputs relevant. A subclass makes its own power
    weights in `build_powers`.

    Args:
        gate_initializer: initializer of the relevance gate `g`, one per input (default
            and paper: 0.5).
        gate_regularizer: regularizer of `g` (default none).
        gate_constraint: constraint of `g` (default `Clip(0, 1)`).
        eps: added to `|x|` (default 1e-7).
        max_exponent: upper bound of the exponent (default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.
    """

    weight_defaults = {
        "gate_initializer": lambda: keras.initializers.Constant(0.5),
        "gate_constraint": lambda: Clip(0.0, 1.0),
    }

    def __init__(self, units, eps=1e-7, max_exponent=20.0, copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        self.build_powers((input_shape[-1], self.units))
        self.gate = self.add_unit_weight("gate", (1, input_shape[-1]))

    def initialize_identity(self, rows):
        gate = np.array(self.gate)
        gate[..., :rows] = 1.0
        self.gate.assign(gate)

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "max_exponent": self.max_exponent}


@register_unit("npu")
class NPU(PowerUnit):
    """Neural power unit: learns real powers and products of its inputs, negatives included.

        r = g * (|x| + eps) + (1 - g),   k = g * pi * [x < 0]
        y = exp(min(log r @ W_re - k @ W_im, max_exponent)) * cos(log r @ W_im + k @ W_re)

    With `W_re = [1, -1]`, `W_im = 0`, `g = 1` it divides; with `0.5` it takes a square root.

    Args:
        units: number of outputs.
        real_initializer: initializer of `W_re` (default and paper: Glorot uniform).
        imaginary_initializer: initializer of `W_im` (default and paper: zeros).
        real_regularizer, imaginary_regularizer: regularizers (default none).
        real_constraint, imaginary_constraint: constraints (default none).
        gate_*, eps, max_exponent, copy_seeds: see `PowerUnit`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Heim, Pevny, Smidl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681.

    Example:
        >>> layer = nalu.NPU(1)  # learns e.g. a / b or sqrt(a)
    """

    weight_defaults = {**PowerUnit.weight_defaults, "imaginary_initializer": "zeros"}

    def __init__(self, units, real_initializer=DEFAULT, imaginary_initializer=DEFAULT,
                 gate_initializer=DEFAULT, real_regularizer=DEFAULT,
                 imaginary_regularizer=DEFAULT, gate_regularizer=DEFAULT,
                 real_constraint=DEFAULT, imaginary_constraint=DEFAULT,
                 gate_constraint=DEFAULT, eps=1e-7, max_exponent=20.0, copy_seeds=None,
                 **kwargs):
        super().__init__(units, eps, max_exponent, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())

    def build_powers(self, shape):
        self.real = self.add_unit_weight("real", shape)
        self.imaginary = self.add_unit_weight("imaginary", shape)

    def initialize_identity(self, rows):
        super().initialize_identity(rows)
        start_linear_at_identity(self.real, rows, self.units)
        assign_rows(self.imaginary, rows, 0.0)

    def weight_matrix(self):
        """The real weight `W_re`."""
        return ops.convert_to_tensor(self.real)

    def call(self, inputs):
        log_relevant, negative_angle = relevance_inputs(inputs, self.gate, self.eps)
        exponent = ops.matmul(log_relevant, self.real) - ops.matmul(negative_angle, self.imaginary)
        angle = ops.matmul(log_relevant, self.imaginary) + ops.matmul(negative_angle, self.real)
        # (..., units)
        return ops.exp(ops.minimum(exponent, self.max_exponent)) * ops.cos(angle)


@register_cell("npu")
class NPUCell(UnitCell):
    """Recurrent NPU: `h_t = NPU(concat(h_{t-1}, x_t))`."""

    unit_class = NPU
    default_initial_state = 1.0
