"""NAU: the neural addition unit of Madsen & Johansen (2020)."""

from keras import ops

from nalu.base import DEFAULT, LinearUnit
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.registry import register_cell, register_unit


@register_unit("nau")
class NAU(LinearUnit):
    """Neural addition unit: a linear layer whose weights are clipped to [-1, 1].

        y = x @ W,   W clipped to [-1, 1] after every update

    Pair it with `SparsityRegularizer` (paper: strength 0.01, ramped over training) to
    push `W` to {-1, 0, 1}.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (default and paper: Glorot uniform).
        kernel_regularizer: regularizer (default none), e.g. `nalu.SparsityRegularizer`.
        kernel_constraint: constraint of `W` (default `Clip(-1, 1)`).
        copy_seeds: optional list of seeds; see `nalu.base`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Madsen & Johansen, "Neural Arithmetic Units", ICLR 2020, arXiv 2001.05016.

    Example:
        >>> layer = nalu.NAU(1, kernel_regularizer=nalu.SparsityRegularizer(0.01, 1000, 5000))
    """

    weight_defaults = {"kernel_constraint": lambda: Clip(-1.0, 1.0)}

    def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                 kernel_constraint=DEFAULT, copy_seeds=None, **kwargs):
        super().__init__(units, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())

    def call(self, inputs):
        # (..., features) @ (features, units) -> (..., units)
        return ops.matmul(inputs, self.kernel)


@register_cell("nau")
class NAUCell(UnitCell):
    """Recurrent NAU: `h_t = NAU(concat(h_{t-1}, x_t))`."""

    unit_class = NAU
