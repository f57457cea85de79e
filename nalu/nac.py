"""NAC: the neural accumulator of Trask et al. (2018)."""

import keras
from keras import ops

from nalu.base import SATURATION, ArithmeticUnit, assign_rows, identity_block, nac_weight
from nalu.cell import UnitCell
from nalu.registry import register_cell, register_unit


@register_unit("nac")
@keras.saving.register_keras_serializable(package="nalu")
class NAC(ArithmeticUnit):
    """Neural accumulator: adds and subtracts its inputs with near-discrete weights.

        W = tanh(W_hat) * sigmoid(M_hat)
        y = x @ W

    `W` is recomputed from the trainable `W_hat` and `M_hat` on every call.

    Args:
        units: number of outputs.
        w_hat_initializer, m_hat_initializer: initializers (paper: Glorot uniform).
        w_hat_regularizer, m_hat_regularizer: optional regularizers.
        w_hat_constraint, m_hat_constraint: optional constraints.
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Trask et al., "Neural Arithmetic Logic Units", arXiv 1808.00508, eq. 1.

    Example:
        >>> layer = nalu.NAC(1)
        >>> y = layer(np.array([[1.0, 2.0]]))  # learns e.g. a + b once trained
    """

    def __init__(
        self,
        units,
        w_hat_initializer="glorot_uniform",
        m_hat_initializer="glorot_uniform",
        w_hat_regularizer=None,
        m_hat_regularizer=None,
        w_hat_constraint=None,
        m_hat_constraint=None,
        copy_seeds=None,
        **kwargs,
    ):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.w_hat_initializer = keras.initializers.get(w_hat_initializer)
        self.m_hat_initializer = keras.initializers.get(m_hat_initializer)
        self.w_hat_regularizer = keras.regularizers.get(w_hat_regularizer)
        self.m_hat_regularizer = keras.regularizers.get(m_hat_regularizer)
        self.w_hat_constraint = keras.constraints.get(w_hat_constraint)
        self.m_hat_constraint = keras.constraints.get(m_hat_constraint)

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

    def initialize_identity(self, rows):
        assign_rows(self.w_hat, rows, identity_block(rows, self.units, SATURATION, 0.0))
        assign_rows(self.m_hat, rows, identity_block(rows, self.units, SATURATION, -SATURATION))

    def weight_matrix(self):
        """The effective weight `W` (what `call` multiplies by)."""
        return nac_weight(self.w_hat, self.m_hat)

    def call(self, inputs):
        # (..., features) @ (features, units) -> (..., units)
        return ops.matmul(inputs, self.weight_matrix())


@register_cell("nac")
@keras.saving.register_keras_serializable(package="nalu")
class NACCell(UnitCell):
    """Recurrent NAC: `h_t = NAC(concat(h_{t-1}, x_t))`; solved, it is an exact running sum.

    Example:
        >>> rnn = keras.layers.RNN(nalu.NACCell(1))  # (batch, time, features) -> (batch, 1)
    """

    unit_class = NAC
