"""Initializers of the units that Keras does not have."""

import math

import keras


@keras.saving.register_keras_serializable(package="nalu")
class CappedGlorotUniform(keras.initializers.Initializer):
    """Glorot uniform with its limit capped: `U(-r, r)`, `r = min(cap, sqrt(6 / (in + out)))`.

    The NAU-style start of the NRU and of the modified RealNPU (Mistry et al. 2021): a
    Glorot draw that never starts a weight beyond +-`cap`.

    Args:
        cap: the largest limit (default 0.5).
        seed: seed of the draw (an int, or None).
    """

    def __init__(self, cap=0.5, seed=None):
        if not cap > 0:
            raise ValueError(f"`cap` must be > 0, received: cap={cap!r}")
        self.cap = float(cap)
        self.seed = seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = (shape[-2], shape[-1]) if len(shape) >= 2 else (shape[0], shape[0])
        limit = min(self.cap, math.sqrt(6.0 / (fan_in + fan_out)))
        return keras.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {"cap": self.cap, "seed": self.seed}
