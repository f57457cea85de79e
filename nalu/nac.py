"""NAC: the neural accumulator of Trask et al. (2018)."""

from keras import ops

from nalu.base import DEFAULT, ArithmeticUnit
from nalu.cell import UnitCell
from nalu.formulas import nac_weight
from nalu.identity import start_nac_at_identity
from nalu.registry import register_cell, register_unit


@register_unit("nac")
class NAC(ArithmeticUnit):
    """Neural accumulator: adds and subtracts its inputs with near-discrete weights.

        W = tanh(W_hat) * sigmoid(M_hat)
        y = x @ W

    `W` is recomputed from the trainable `W_hat` and `M_hat` on every call.

    Args:
        units: number of outputs.
        w_hat_initializer, m_hat_initializer: initializers (default and paper: Glorot
            uniform).
        w_hat_regularizer, m_hat_regularizer: regularizers (default none).
        w_hat_constraint, m_hat_constraint: constraints (default none).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Trask et al., "Neural Arithmetic Logic Units", arXiv 1808.00508, eq. 1.

    Example:
        >>> layer = nalu.NAC(1)
        >>> y = layer(np.array([[1.0, 2.0]]))  # learns e.g. a + b once trained
    """

    def __init__(self, units, w_hat_initializer=DEFAULT, m_hat_initializer=DEFAULT,
                 w_hat_regularizer=DEFAULT, m_hat_regularizer=DEFAULT, w_hat_constraint=DEFAULT,
                 m_hat_constraint=DEFAULT, copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())

    def build(self, input_shape):
        self.w_hat, self.m_hat = self.add_nac_weights((input_shape[-1], self.units))

    def initialize_identity(self, rows):
        start_nac_at_identity(self.w_hat, self.m_hat, rows, self.units)

    def weight_matrix(self):
        """The effective weight `W` (what `call` multiplies by)."""
        return nac_weight(self.w_hat, self.m_hat)

    def call(self, inputs):
        # (..., features) @ (features, units) -> (..., units)
        return ops.matmul(inputs, self.weight_matrix())


@register_cell("nac")
class NACCell(UnitCell):
    """Recurrent NAC: `h_t = NAC(concat(h_{t-1}, x_t))`; solved, it is an exact running sum.

    Example:
        >>> rnn = keras.layers.RNN(nalu.NACCell(1))  # (batch, time, features) -> (batch, 1)
    """

    unit_class = NAC
