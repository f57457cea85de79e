"""NALU: the neural arithmetic logic unit of Trask et al. (2018)."""

from keras import ops

from nalu._validation import check_non_negative, check_positive
from nalu.base import DEFAULT, ArithmeticUnit
from nalu.cell import UnitCell
from nalu.formulas import nac_weight, safe_log_abs
from nalu.identity import start_nac_at_identity
from nalu.registry import register_cell, register_unit


@register_unit("nalu")
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
        w_hat_initializer, m_hat_initializer, gate_initializer: initializers (default and
            paper: Glorot uniform); the multiplicative path's own weights use the first two.
        w_hat_regularizer, m_hat_regularizer, gate_regularizer: regularizers (default none).
        w_hat_constraint, m_hat_constraint, gate_constraint: constraints (default none).
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

    def __init__(self, units, w_hat_initializer=DEFAULT, m_hat_initializer=DEFAULT,
                 gate_initializer=DEFAULT, w_hat_regularizer=DEFAULT, m_hat_regularizer=DEFAULT,
                 gate_regularizer=DEFAULT, w_hat_constraint=DEFAULT, m_hat_constraint=DEFAULT,
                 gate_constraint=DEFAULT, eps=1e-7, max_exponent=20.0, separate_weights=False,
                 copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())
        self.eps = check_non_negative("eps", eps)
        self.max_exponent = check_positive("max_exponent", max_exponent)
        self.separate_weights = bool(separate_weights)

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.w_hat, self.m_hat = self.add_nac_weights(shape)
        self.gate = self.add_unit_weight("gate", shape)
        if self.separate_weights:
            self.w_hat_multiplicative, self.m_hat_multiplicative = self.add_nac_weights(
                shape, "_multiplicative")

    def initialize_identity(self, rows):
        start_nac_at_identity(self.w_hat, self.m_hat, rows, self.units)
        if self.separate_weights:
            start_nac_at_identity(self.w_hat_multiplicative, self.m_hat_multiplicative, rows,
                                  self.units)

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
class NALUCell(UnitCell):
    """Recurrent NALU: `h_t = NALU(concat(h_{t-1}, x_t))`; every NALU argument is accepted.

    Example:
        >>> cell = nalu.NALUCell(1, separate_weights=True, identity_recurrence=True)
    """

    unit_class = NALU
