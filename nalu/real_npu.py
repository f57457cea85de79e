"""RealNPU: the real-valued neural power unit of Heim, Pevny and Smidl (2020)."""

from keras import ops

from nalu.base import DEFAULT
from nalu.cell import UnitCell
from nalu.constraints import Clip
from nalu.identity import start_linear_at_identity
from nalu.initializers import CappedGlorotUniform
from nalu.npu import PowerUnit, relevance_inputs
from nalu.registry import register_cell, register_unit


@register_unit("realnpu")
class RealNPU(PowerUnit):
    """Real neural power unit: the NPU without its imaginary weights.

        r = g * (|x| + eps) + (1 - g),   k = g * pi * [x < 0]
        y = exp(min(log r @ W, max_exponent)) * cos(k @ W)

    With `W = [1, -1]` and `g = 1` it computes `a / b`, signs included.

    Args:
        units: number of outputs.
        kernel_initializer: initializer of `W` (default and paper: Glorot uniform).
        kernel_regularizer: regularizer (default none).
        kernel_constraint: constraint of `W` (default none).
        gate_*, eps, max_exponent, copy_seeds: see `nalu.npu.PowerUnit`.

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Heim, Pevny, Smidl, "Neural Power Units", NeurIPS 2020, arXiv 2006.01681.

    Example:
        >>> layer = nalu.RealNPU(1)  # learns e.g. a / b
    """

    def __init__(self, units, kernel_initializer=DEFAULT, gate_initializer=DEFAULT,
                 kernel_regularizer=DEFAULT, gate_regularizer=DEFAULT, kernel_constraint=DEFAULT,
                 gate_constraint=DEFAULT, eps=1e-7, max_exponent=20.0, copy_seeds=None,
                 **kwargs):
        super().__init__(units, eps, max_exponent, copy_seeds=copy_seeds, **kwargs)
        self.set_weight_options(locals())

    def build_powers(self, shape):
        self.kernel = self.add_unit_weight("kernel", shape)

    def initialize_identity(self, rows):
        super().initialize_identity(rows)
        start_linear_at_identity(self.kernel, rows, self.units)

    def weight_matrix(self):
        """The effective weight `W`."""
        return ops.convert_to_tensor(self.kernel)

    def call(self, inputs):
        log_relevant, negative_angle = relevance_inputs(inputs, self.gate, self.eps)
        exponent = ops.minimum(ops.matmul(log_relevant, self.kernel), self.max_exponent)
        # (..., units)
        return ops.exp(exponent) * ops.cos(ops.matmul(negative_angle, self.kernel))


@register_cell("realnpu")
class RealNPUCell(UnitCell):
    """Recurrent RealNPU: `h_t = RealNPU(concat(h_{t-1}, x_t))`."""

    unit_class = RealNPU
    default_initial_state = 1.0


@register_unit("realnpu_mod")
class ModifiedRealNPU(RealNPU):
    """The RealNPU with the defaults of Mistry et al. (2021): `W` clipped to [-1, 1] and
    started by `CappedGlorotUniform(0.5)`; the gate clipped to [0, 1] as in every RealNPU.

    Its formula and options are the RealNPU's (`nalu.RealNPU`); only two defaults differ.
    Their training adds penalties, set as regularizer options: `mean(|1 - |W||)` on `W`
    (`UnitMagnitudeRegularizer`), `mean(min(g, 1 - g))` on the gate
    (`SparsityRegularizer`), and an L1 penalty growing from 1e-9 to 1e-7
    (`GrowingL1Regularizer`), combined with `CombinedRegularizer`.

    Reference: Mistry, Farrahi & Hare, "Learning Division with Neural Arithmetic Logic
    Modules", NeurIPS 2021, arXiv 2110.05177.

    Example:
        >>> layer = nalu.ModifiedRealNPU(1)  # learns e.g. a / b
    """

    weight_defaults = {
        **RealNPU.weight_defaults,
        "kernel_initializer": lambda: CappedGlorotUniform(0.5),
        "kernel_constraint": lambda: Clip(-1.0, 1.0),
    }


@register_cell("realnpu_mod")
class ModifiedRealNPUCell(UnitCell):
    """Recurrent modified RealNPU: `h_t = ModifiedRealNPU(concat(h_{t-1}, x_t))`."""

    unit_class = ModifiedRealNPU
    default_initial_state = 1.0
