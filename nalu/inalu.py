"""iNALU: the improved NALU of Schloer, Ring and Hotho (2020)."""

import keras
from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import DEFAULT, ArithmeticUnit
from nalu.cell import UnitCell
from nalu.formulas import TINY, nac_weight
from nalu.identity import start_nac_at_identity
from nalu.registry import register_cell, register_unit


@register_unit("inalu")
class INALU(ArithmeticUnit):
    """Improved NALU: separate paths, input-independent gate, sign retrieval.

        W_a = tanh(W_hat_a) * sigmoid(M_hat_a),  W_m likewise
        a = x @ W_a
        m = exp(min(log(max(|x|, eps)) @ W_m, max_exponent))
        s = clip(prod_i (sign(x_i) * |W_m,ij| + 1 - |W_m,ij|), -1, 1)
        g = sigmoid(gate)                                  # shape (units,)
        y = g * a + (1 - g) * m * s

    Args:
        units: number of outputs.
        w_hat_initializer, m_hat_initializer, gate_initializer: initializers (default and
            paper: N(0.88, 0.2), N(0.5, 0.2), N(0, 0.2)); both paths use the first two.
        w_hat_regularizer, m_hat_regularizer, gate_regularizer: regularizers (default none;
            paper: `nalu.DiscretizationRegularizer` on W_hat and M_hat, switched on late).
        w_hat_constraint, m_hat_constraint, gate_constraint: constraints (default none).
        eps: lower bound of `|x|` inside the log (default 1e-7).
        max_exponent: upper bound of the exponent (paper's omega, default 20).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Schloer, Ring, Hotho, "iNALU: Improved Neural Arithmetic Logic Unit",
    arXiv 2003.07629.

    Example:
        >>> layer = nalu.INALU(1)  # can multiply negative inputs, unlike NALU
    """

    weight_defaults = {
        "w_hat_initializer": lambda: keras.initializers.RandomNormal(0.88, 0.2),
        "m_hat_initializer": lambda: keras.initializers.RandomNormal(0.5, 0.2),
        "gate_initializer": lambda: keras.initializers.RandomNormal(0.0, 0.2),
    }

    def __init__(self, units, w_hat_initializer=DEFAULT, m_hat_initializer=DEFAULT,
                 gate_initializer=DEFAULT, w_hat_regularizer=DEFAULT, m_hat_regularizer=DEFAULT,
                 gate_regularizer=DEFAULT, w_hat_constraint=DEFAULT, m_hat_constraint=DEFAULT,
                 gate_constraint=DEFAULT, eps=1e-7, max_exponent=20.0, copy_seeds=None,
                 **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.w_hat_additive, self.m_hat_additive = self.add_nac_weights(shape, "_additive")
        self.w_hat_multiplicative, self.m_hat_multiplicative = self.add_nac_weights(
            shape, "_multiplicative")
        self.gate = self.add_unit_weight("gate", (1, self.units))

    def initialize_identity(self, rows):
        start_nac_at_identity(self.w_hat_additive, self.m_hat_additive, rows, self.units)
        start_nac_at_identity(self.w_hat_multiplicative, self.m_hat_multiplicative, rows,
                              self.units)

    def weight_matrix(self):
        """The additive path's effective weight `W_a`."""
        return nac_weight(self.w_hat_additive, self.m_hat_additive)

    def multiplicative_weight_matrix(self):
        """The multiplicative path's effective weight `W_m`."""
        return nac_weight(self.w_hat_multiplicative, self.m_hat_multiplicative)

    def call(self, inputs):
        multiplicative_weight = self.multiplicative_weight_matrix()
        additive = ops.matmul(inputs, self.weight_matrix())  # (..., units)
        log_inputs = ops.log(ops.maximum(ops.abs(inputs), max(self.eps, TINY)))
        exponent = ops.matmul(log_inputs, multiplicative_weight)
        magnitude = ops.exp(ops.minimum(exponent, self.max_exponent))  # (..., units)
        weight_size = ops.expand_dims(ops.abs(multiplicative_weight), -3)
        # (..., batch, features, 1) with (..., 1, features, units) -> (..., batch, units)
        sign_terms = ops.expand_dims(ops.sign(inputs), -1) * weight_size + (1.0 - weight_size)
        sign = ops.clip(ops.prod(sign_terms, axis=-2), -1.0, 1.0)
        gate = ops.sigmoid(self.gate)  # (..., 1, units)
        return gate * additive + (1.0 - gate) * magnitude * sign

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "max_exponent": self.max_exponent}


@register_cell("inalu")
class INALUCell(UnitCell):
    """Recurrent iNALU: `h_t = INALU(concat(h_{t-1}, x_t))`."""

    unit_class = INALU
