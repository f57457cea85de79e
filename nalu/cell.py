"""The recurrent form of any unit: `h_t = unit(concat(h_{t-1}, x_t))`."""

import inspect

import keras
from keras import ops


def _unit_arguments(unit_class):
    """Names of the unit's own constructor arguments (everything but units and kwargs)."""
    names = set()
    for klass in unit_class.__mro__:
        if klass is keras.layers.Layer:
            break
        if "__init__" in vars(klass):
            signature = inspect.signature(klass.__init__)
            names.update(
                name
                for name, parameter in signature.parameters.items()
                if parameter.kind is parameter.POSITIONAL_OR_KEYWORD
                and name not in ("self", "units")
            )
    return names


class UnitCell(keras.layers.Layer):
    """Recurrent cell applying a unit to the previous state and the current input.

    `h_t = unit(concat(h_{t-1}, x_t))`, with `h_0` constant (0 or 1). Wrap it in
    `keras.layers.RNN`; the cell has no length of its own, so a model trained on 10 steps
    runs on 1000 unchanged.
    A subclass sets `unit_class`; every constructor argument of that unit is accepted and
    passed to it (e.g. `NACCell(2, w_hat_initializer="zeros")`).

    Args:
        units: size of the state and of the output.
        initial_state_value: the value of every entry of `h_0` (default: the class's
            `default_initial_state`, 0 for additive units, 1 for multiplicative ones, whose
            running product must start at the multiplicative identity).
        identity_recurrence: start with `h_t = h_{t-1} + ...`: the state rows of the unit's
            weights are set so that state j is carried unchanged (saturated for NAC-style
            weights), the idea of identity-initialised RNNs (Le et al. 2015, "IRNN").
        **kwargs: the unit's own arguments, then base `Layer` arguments.

    Input shape: `(batch, features)` per step (`(batch, time, features)` under `RNN`).
    Output shape: `(batch, units)`; the state is the output.
    Reference: Trask et al., "Neural Arithmetic Logic Units", arXiv 1808.00508, section 4.
    """

    unit_class = None
    default_initial_state = 0.0

    def __init__(self, units, initial_state_value=None, identity_recurrence=False, **kwargs):
        names = _unit_arguments(self.unit_class)
        unit_kwargs = {name: kwargs.pop(name) for name in list(kwargs) if name in names}
        super().__init__(**kwargs)
        if initial_state_value is None:
            initial_state_value = self.default_initial_state
        self.initial_state_value = float(initial_state_value)
        self.identity_recurrence = bool(identity_recurrence)
        self.unit = self.unit_class(units, name="unit", **unit_kwargs)
        self.units = self.unit.units
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.unit.build((*input_shape[:-1], self.units + input_shape[-1]))
        if self.identity_recurrence:
            self.unit.initialize_identity(self.units)

    def call(self, inputs, states, training=None):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        # (batch, units + features) -> (batch, units)
        state = self.unit(ops.concatenate([previous, inputs], axis=-1), training=training)
        return state, [state]

    def get_initial_state(self, batch_size=None):
        shape = (batch_size, self.units)
        return [ops.full(shape, self.initial_state_value, dtype=self.compute_dtype)]

    def get_config(self):
        names = _unit_arguments(self.unit_class)
        unit_config = self.unit.get_config()
        own = {name: unit_config[name] for name in names if name in unit_config}
        return {
            **super().get_config(),
            "units": self.units,
            "initial_state_value": self.initial_state_value,
            "identity_recurrence": self.identity_recurrence,
            **own,
        }
