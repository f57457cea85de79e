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
DEFAULT = "default"  # a weight option left at this takes the unit's own default
_OPTION_GETTERS = {
    "initializer": keras.initializers.get,
    "regularizer": keras.regularizers.get,
    "constraint": keras.constraints.get,
}
_WEIGHT_OPTION_SUFFIXES = tuple(f"_{kind}" for kind in _OPTION_GETTERS)


class CopiesLayer(keras.layers.Layer):
    """A layer whose weights may carry a leading axis of independent, seeded copies.

    `copy_seeds`: None (an ordinary layer) or a non-empty list of seeds; copy `k` of every
    weight made with `add_copies_weight` is initialised from `copy_seeds[k]` alone.
    """

    def __init__(self, copy_seeds=None, **kwargs):
        super().__init__(**kwargs)
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

    def add_copies_weight(self, name, shape, initializer, regularizer=None, constraint=None):
        """`add_weight` with a leading copies axis when the layer holds copies."""
        initializer = keras.initializers.get(initializer)
        if self.copy_seeds is not None:
            initializer = _PerCopyInitializer(initializer, self.copy_seeds, name)
            shape = (len(self.copy_seeds), *shape)
        weight = self.add_weight(
            name=name, shape=shape, initializer=initializer, regularizer=regularizer,
            constraint=constraint,
        )
        self.track_schedule(regularizer)
        return weight

    def track_schedule(self, regularizer):
        """Make a scheduled regularizer's step part of this layer's state.

        A compiled training step (JAX's above all) sees only the variables the model tracks;
        an untracked step would be read once, when the step is traced, and frozen there.
        """
        step = getattr(regularizer, "step", None)
        if isinstance(step, keras.Variable) and not any(
                step is variable for variable in self._non_trainable_variables):
            self._track_variable(step)

    def get_config(self):
        return {**super().get_config(), "copy_seeds": self.copy_seeds}


class ArithmeticUnit(CopiesLayer):
    """Base layer of the units: `units`, copies, weight options, output shape, config.

    Weight options: every `<weight>_initializer`, `<weight>_regularizer` and
    `<weight>_constraint` constructor argument defaults to `"default"`, the unit's own
    default: `weight_defaults[option]`, else Glorot uniform for an initializer and nothing
    for a regularizer or constraint. `None` means no regularizer (constraint).
    """

    weight_defaults = {}  # option name -> the unit's default (a value or a factory)

    def __init__(self, units, copy_seeds=None, **kwargs):
        super().__init__(copy_seeds=copy_seeds, **kwargs)
        self.units = check_positive_int("units", units)
        self.supports_masking = True  # maps each position alone: a sequence mask passes on

    def set_weight_options(self, arguments):
        """Keep every weight option among `arguments` (a constructor's `locals()`), with
        `"default"` replaced by the unit's default and each made a Keras object."""
        for name, value in arguments.items():
            kind = name.rsplit("_", 1)[-1]
            if not name.endswith(_WEIGHT_OPTION_SUFFIXES):
                continue
            if isinstance(value, str) and value == DEFAULT:
                value = self.weight_defaults.get(
                    name, "glorot_uniform" if kind == "initializer" else None)
                value = value() if callable(value) else value
            setattr(self, name, _OPTION_GETTERS[kind](value))

    def add_unit_weight(self, name, shape, options=None):
        """A weight made with the options `<options>_initializer` etc. (`options`: `name`)."""
        options = options or name
        return self.add_copies_weight(
            name, shape, getattr(self, f"{options}_initializer"),
            getattr(self, f"{options}_regularizer", None),
            getattr(self, f"{options}_constraint", None),
        )

    def add_nac_weights(self, shape, suffix=""):
        """`W_hat` and `M_hat` of a NAC weight (named `w_hat<suffix>`, `m_hat<suffix>`),
        made with the `w_hat_*` and `m_hat_*` options."""
        return (self.add_unit_weight(f"w_hat{suffix}", shape, "w_hat"),
                self.add_unit_weight(f"m_hat{suffix}", shape, "m_hat"))

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
        return {**super().get_config(), "units": self.units, **weight_options}


class LinearUnit(ArithmeticUnit):
    """A unit with one weight `W` of shape (features, units), named `kernel`, that starts a
    recurrent cell's state rows at the identity (NAU, NMU)."""

    def build(self, input_shape):
        self.kernel = self.add_unit_weight("kernel", (input_shape[-1], self.units))

    def initialize_identity(self, rows):
        start_linear_at_identity(self.kernel, rows, self.units)

    def weight_matrix(self):
        """The effective weight `W`."""
        return ops.convert_to_tensor(self.kernel)


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


def start_nac_at_identity(w_hat, m_hat, rows, units):
    """Saturate the first `rows` rows of a NAC weight to the identity (0 elsewhere)."""
    assign_rows(w_hat, rows, identity_block(rows, units, SATURATION, 0.0))
    assign_rows(m_hat, rows, identity_block(rows, units, SATURATION, -SATURATION))


def start_linear_at_identity(kernel, rows, units):
    """Set the first `rows` rows of a plain weight to the identity (0 elsewhere)."""
    assign_rows(kernel, rows, identity_block(rows, units, 1.0, 0.0))


def nac_weight(w_hat, m_hat):
    """The NAC weight `tanh(W_hat) * sigmoid(M_hat)`, biased towards {-1, 0, 1}."""
    return ops.tanh(w_hat) * ops.sigmoid(m_hat)


def safe_log_abs(x, eps):
    """`log(|x| + eps)`, floored at the smallest normal float so that eps=0 stays finite."""
    return ops.log(ops.maximum(ops.abs(x) + eps, TINY))
