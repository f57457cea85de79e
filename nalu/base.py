"""The base classes of the units: `units`, copies, weight options, output shape, config."""

import keras
from keras import ops

from nalu._validation import check_positive_int
from nalu.copies import CopiesLayer
from nalu.identity import start_linear_at_identity

DEFAULT = "default"  # a weight option left at this takes the unit's own default
_OPTION_GETTERS = {
    "initializer": keras.initializers.get,
    "regularizer": keras.regularizers.get,
    "constraint": keras.constraints.get,
}
_WEIGHT_OPTION_SUFFIXES = tuple(f"_{kind}" for kind in _OPTION_GETTERS)


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
