"""sNMU: the stochastic NMU of Mistry, Farrahi & Hare (2022)."""

import zlib

import keras
from keras import ops

from nalu.base import DEFAULT
from nalu.cell import UnitCell
from nalu.nmu import NMU
from nalu.registry import register_cell, register_unit


@register_unit("snmu")
class SNMU(NMU):
    """Stochastic NMU: a NMU trained on inputs multiplied by noise, plain at evaluation.

        training:   n ~ U[low, high] per batch element and input,  y = NMU(x * n) / NMU(n)
        evaluation: y = NMU(x)

    The noise cancels exactly only where `W` is discrete ({0, 1}); everywhere else it
    perturbs the output, which pushes `W` to {0, 1} and makes the NMU robust to the training
    range. Choices here: one noise draw per call shared by all copies of a multi-copy layer
    (its seed generator starts from `seed`, else from the copy seeds together), so a copy's
    noise depends on the copies trained with it; its weights do not.

    Args:
        units, kernel_*, max_exponent, copy_seeds: see `nalu.NMU`.
        noise_range: (low, high) of the noise (default and paper: (1, 5)).
        seed: seed of the noise (default: drawn from the copy seeds, else random).

    Input shape: `(..., features)`. Output shape: `(..., units)`.
    Reference: Mistry, Farrahi & Hare, "Improving the Robustness of Neural Multiplication
    Units with Reversible Stochasticity", arXiv 2211.05624.

    Example:
        >>> layer = nalu.SNMU(1)  # learns a * b, with the noise only in training
    """

    def __init__(self, units, kernel_initializer=DEFAULT, kernel_regularizer=DEFAULT,
                 kernel_constraint=DEFAULT, max_exponent=80.0, noise_range=(1.0, 5.0),
                 seed=None, copy_seeds=None, **kwargs):
        super().__init__(units, kernel_initializer, kernel_regularizer, kernel_constraint,
                         max_exponent, copy_seeds=copy_seeds, **kwargs)
        low, high = (float(value) for value in noise_range)
        if not 0 < low <= high:
            raise ValueError(f"`noise_range` must be (low, high) with 0 < low <= high, "
                             f"received: noise_range={tuple(noise_range)!r}")
        self.noise_range = (low, high)
        if seed is None and copy_seeds is not None:
            seed = zlib.crc32(repr(self.copy_seeds).encode()) % (2**31 - 1)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        if not training:
            return super().call(inputs)
        noise = keras.random.uniform(ops.shape(inputs), *self.noise_range,
                                     dtype=inputs.dtype, seed=self.seed_generator)
        return super().call(inputs * noise) / super().call(noise)

    def get_config(self):
        return {**super().get_config(), "noise_range": list(self.noise_range),
                "seed": self.seed}


@register_cell("snmu")
class SNMUCell(UnitCell):
    """Recurrent sNMU: `h_t = sNMU(concat(h_{t-1}, x_t))`, without the noise.

    A step that draws noise changes the seed generator's state inside the RNN's loop, which
    Keras' JAX RNN (a `lax.scan`) does not carry, so the cell computes the plain NMU in
    training too, on every backend alike. The noisy training is the sNMU layer's (e.g. as
    the head of a recurrent model).
    """

    unit_class = SNMU
    default_initial_state = 1.0

    def call(self, inputs, states, training=None):
        return super().call(inputs, states, training=False)
