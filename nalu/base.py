"""Shared machinery of the arithmetic units: argument checks, weights and copies.

Every unit can hold `copy_seeds`: a list of seeds, one per independent copy. The weights
then get a leading axis of that length, the input is `(copies, batch, features)`, and copy
`k` is initialised from `copy_seeds[k]` alone. This lets one computation train a hundred
seeds of a unit at once, with each seed giving the same result as when trained on its own
(the losses of the copies are summed; Adam updates every weight independently).
"""

import zlib

import keras
import numpy as np
from keras import ops

from nalu._validation import check_positive_int


def _copy_seed(seed, weight_name):
    return (int(seed) * 1_000_003 + zlib.crc32(weight_name.encode())) % (2**31 - 1)


class _PerCopyInitializer:
    """Draws each copy's slice with the wrapped initializer and its own seed."""

    def __init__(self, initializer, seeds, weight_name):
        self.initializer = initializer
        self.seeds = seeds
        self.weight_name = weight_name

    def __call__(self, shape, dtype=None):
        config = self.initializer.get_config()
        slices = []
        for seed in self.seeds:
            initializer = self.initializer
            if "seed" in config:
                seeded = {**config, "seed": _copy_seed(seed, self.weight_name)}
                initializer = self.initializer.__class__.from_config(seeded)
            slices.append(initializer(tuple(shape[1:]), dtype=dtype))
        return ops.stack(slices)


TINY = 1.1754944e-38  # smallest normal float32: the floor under every log
_WEIGHT_OPTION_SUFFIXES = ("_initializer", "_regularizer", "_constraint")


class ArithmeticUnit(keras.layers.Layer):
    """Base layer of the units: `units`, optional `copy_seeds`, output shape, config."""

    def __init__(self, units, copy_seeds=None, **kwargs):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        if copy_seeds is not None:
            if len(copy_seeds) == 0:
                raise ValueError(
                    f"`copy_seeds` must be None or a non-empty list, received: "
                    f"copy_seeds={copy_seeds!r}"
                )
            copy_seeds = [int(seed) for seed in copy_seeds]
        self.copy_seeds = copy_seeds

    @property
    def copies(self):
        """Number of independent copies (None for an ordinary layer)."""
        return None if self.copy_seeds is None else len(self.copy_seeds)

    def add_unit_weight(self, name, shape, initializer, regularizer=None, constraint=None):
        """`add_weight` with a leading copies axis when the layer holds copies."""
        initializer = keras.initializers.get(initializer)
        if self.copy_seeds is not None:
            initializer = _PerCopyInitializer(initializer, self.copy_seeds, name)
            shape = (len(self.copy_seeds), *shape)
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=initializer,
            regularizer=regularizer,
            constraint=constraint,
        )

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def initialize_identity(self, rows):
        """Make output j copy input j for the first `rows` inputs (a recurrent cell's state).

        Used by `UnitCell(identity_recurrence=True)`: the cell starts as an exact
        accumulator (the IRNN idea of Le et al. 2015, applied to arithmetic units).
        """
        raise NotImplementedError(f"{type(self).__name__} has no identity initialisation")

    def get_config(self):
        # every `*_initializer`, `*_regularizer`, `*_constraint` argument, serialized
        weight_options = {
            name: keras.saving.serialize_keras_object(value)
            for name, value in vars(self).items()
            if name.endswith(_WEIGHT_OPTION_SUFFIXES)
        }
        return {
            **super().get_config(),
            "units": self.units,
            **weight_options,
            "copy_seeds": self.copy_seeds,
        }


SATURATION = 20.0  # tanh(20) == 1 and sigmoid(-20) ~ 2e-9 in float32


def assign_rows(variable, rows, block):
    """Set the first `rows` input rows of a (copies...,) in x out weight to `block`."""
    values = np.array(variable)
    values[..., :rows, :] = block
    variable.assign(values)


def identity_block(rows, units, on, off):
    """A (rows, units) block with `on` on the diagonal and `off` elsewhere."""
    if rows != units:
        raise ValueError(
            f"identity recurrence needs as many state inputs as units, received: "
            f"rows={rows}, units={units}"
        )
    return np.where(np.eye(rows, dtype=bool), on, off).astype("float32")


def nac_weight(w_hat, m_hat):
    """The NAC weight `tanh(W_hat) * sigmoid(M_hat)`, biased towards {-1, 0, 1}."""
    return ops.tanh(w_hat) * ops.sigmoid(m_hat)


def safe_log_abs(x, eps):
    """`log(|x| + eps)`, floored at the smallest normal float so that eps=0 stays finite."""
    return ops.log(ops.maximum(ops.abs(x) + eps, TINY))
