"""NALU: the neural arithmetic logic unit of Trask et al. (2018)."""

import keras
from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import (
    SATURATION,
    ArithmeticUnit,
    assign_rows,
    identity_block,
    nac_weight,
    safe_log_abs,
)
from nalu.cell import UnitCell
from nalu.registry import register_cell, register_unit


@register_unit("nalu")
@keras.saving.register_keras_serializable(package="nalu")
class NALU(ArithmeticUnit):
    """Neural arithmetic logic unit: a learned gate between adding and multiplying.

        W = tanh(W_hat) * sigmoid(M_hat)
        a = x @ W                                           # add / subtract
        m = exp(min(log(|x| + eps) @ W_m, max_exponent))    # multiply / divide
        g = sigmoid(x @ G)
        y = g * a + (1 - g) * m

    `W_m = W` (tied, as in the paper) unless `separate_weights=True`, which gives the
    multiplicative path its own `W_hat_m`, `M_hat_m`. Clipping the exponent at
    `max_exponent` keeps `m` and its gradients finite for every finite input; `m` ignores
    the sign of `x`, so NALU cannot multiply negative numbers.

    Args:
        units: number of outputs.
        w_hat_initializer, m_hat_initializer, gate_initializer: initializers
            (Glorot uniform, as in the paper).
        w_hat_regularizer, m_hat_regularizer, gate_regularizer: optional regularizers.
        w_hat_constraint, m_hat_constraint, gate_constraint: optional constraints.
        eps: added to `|x|` before the log (>= 0, default 1e-7).
        max_exponent: upper bound on the exponent of the multiplicative path (> 0).
        separate_weights: give the multiplicative path its own weights.
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Trask et al., "Neural Arithmetic Logic Units", arXiv 1808.00508, eq. 2.

    Example:
        >>> layer = nalu.NALU(1)
        >>> y = layer(np.array([[3.0, 4.0]]))  # learns e.g. a * b once trained
    """

    def __init__(
        self,
        units,
        w_hat_initializer="glorot_uniform",
        m_hat_initializer="glorot_uniform",
        gate_initializer="glorot_uniform",
        w_hat_regularizer=None,
        m_hat_regularizer=None,
        gate_regularizer=None,
        w_hat_constraint=None,
        m_hat_constraint=None,
        gate_constraint=None,
        eps=1e-7,
        max_exponent=20.0,
        separate_weights=False,
        copy_seeds=None,
        **kwargs,
    ):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)
        self.separate_weights = bool(separate_weights)
        self.w_hat_initializer = keras.initializers.get(w_hat_initializer)
        self.m_hat_initializer = keras.initializers.get(m_hat_initializer)
        self.gate_initializer = keras.initializers.get(gate_initializer)
        self.w_hat_regularizer = keras.regularizers.get(w_hat_regularizer)
        self.m_hat_regularizer = keras.regularizers.get(m_hat_regularizer)
        self.gate_regularizer = keras.regularizers.get(gate_regularizer)
        self.w_hat_constraint = keras.constraints.get(w_hat_constraint)
        self.m_hat_constraint = keras.constraints.get(m_hat_constraint)
        self.gate_constraint = keras.constraints.get(gate_constraint)

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.w_hat = self.add_unit_weight(
            "w_hat", shape, self.w_hat_initializer, self.w_hat_regularizer,
            self.w_hat_constraint,
        )
        self.m_hat = self.add_unit_weight(
            "m_hat", shape, self.m_hat_initializer, self.m_hat_regularizer,
            self.m_hat_constraint,
        )
        self.gate = self.add_unit_weight(
            "gate", shape, self.gate_initializer, self.gate_regularizer, self.gate_constraint
        )
        if self.separate_weights:
            self.w_hat_multiplicative = self.add_unit_weight(
                "w_hat_multiplicative", shape, self.w_hat_initializer,
                self.w_hat_regularizer, self.w_hat_constraint,
            )
            self.m_hat_multiplicative = self.add_unit_weight(
                "m_hat_multiplicative", shape, self.m_hat_initializer,
                self.m_hat_regularizer, self.m_hat_constraint,
            )

    def initialize_identity(self, rows):
        assign_rows(self.w_hat, rows, identity_block(rows, self.units, SATURATION, 0.0))
        assign_rows(self.m_hat, rows, identity_block(rows, self.units, SATURATION, -SATURATION))
        if self.separate_weights:
            assign_rows(self.w_hat_multiplicative, rows,
                        identity_block(rows, self.units, SATURATION, 0.0))
            assign_rows(self.m_hat_multiplicative, rows,
                        identity_block(rows, self.units, SATURATION, -SATURATION))

    def weight_matrix(self):
        """The additive path's effective weight `W`."""
        return nac_weight(self.w_hat, self.m_hat)

    def multiplicative_weight_matrix(self):
        """The multiplicative path's effective weight (`W` itself when tied)."""
        if self.separate_weights:
            return nac_weight(self.w_hat_multiplicative, self.m_hat_multiplicative)
        return self.weight_matrix()

    def call(self, inputs):
        weight = self.weight_matrix()
        additive = ops.matmul(inputs, weight)  # (..., units)
        exponent = ops.matmul(safe_log_abs(inputs, self.eps), self.multiplicative_weight_matrix())
        multiplicative = ops.exp(ops.minimum(exponent, self.max_exponent))  # (..., units)
        gate = ops.sigmoid(ops.matmul(inputs, self.gate))  # (..., units)
        return gate * additive + (1.0 - gate) * multiplicative

    def get_config(self):
        return {
            **super().get_config(),
            "eps": self.eps,
            "max_exponent": self.max_exponent,
            "separate_weights": self.separate_weights,
        }


@register_cell("nalu")
@keras.saving.register_keras_serializable(package="nalu")
class NALUCell(UnitCell):
    """Recurrent NALU: `h_t = NALU(concat(h_{t-1}, x_t))`.

    Example:
        >>> rnn = keras.layers.RNN(nalu.NALUCell(1))  # (batch, time, features) -> (batch, 1)
    """

    unit_class = NALU
