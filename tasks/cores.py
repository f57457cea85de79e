"""Recurrent cores and output heads of the sequence tasks, chosen by name.

Cores: the paper's baselines (lstm, gru, rnn = tanh RNN, rnn_relu) registered below, the
solved accumulators `exact_sum` and `exact_product` (no weights: the reference a task's
encoder is measured against), plus every recurrent cell of `nalu.CELLS`. Heads: `linear`
plus every unit of `nalu.UNITS`. A unit added to `nalu` is a core and a head here without
any change to this file.
"""

import keras
from keras import ops

import nalu
from errors import UsageError

BASELINE_CORES = {}


def register_baseline_core(name):
    def decorator(build):
        BASELINE_CORES[name] = build
        return build

    return decorator


@register_baseline_core("lstm")
def _lstm(hidden):
    return keras.layers.LSTMCell(hidden)


@register_baseline_core("gru")
def _gru(hidden):
    return keras.layers.GRUCell(hidden)


@register_baseline_core("rnn")
def _rnn_tanh(hidden):
    return keras.layers.SimpleRNNCell(hidden, activation="tanh")


@register_baseline_core("rnn_relu")
def _rnn_relu(hidden):
    return keras.layers.SimpleRNNCell(hidden, activation="relu")


@keras.saving.register_keras_serializable(package="tasks")
class ExactCell(keras.layers.Layer):
    """A solved accumulator: `h_t = h_{t-1} + x_t` (sum, h_0 = 0) or `h_t = h_{t-1} * x_t`
    (product, h_0 = 1), element by element, without weights. As a core it leaves only the
    encoder to learn: Madsen & Johansen's "solved accumulator" reference model."""

    def __init__(self, units, operation, **kwargs):
        super().__init__(**kwargs)
        if operation not in ("sum", "product"):
            raise ValueError(f"operation {operation!r}: choose sum or product")
        self.units = int(units)
        self.operation = operation
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        if input_shape[-1] != self.units:
            raise UsageError(f"--core exact_{self.operation}: the state ({self.units} values) "
                             f"must be as wide as each step's input ({input_shape[-1]})")

    def call(self, inputs, states, training=None):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        state = previous * inputs if self.operation == "product" else previous + inputs
        return state, [state]

    def get_initial_state(self, batch_size=None):
        start = 1.0 if self.operation == "product" else 0.0
        return [ops.full((batch_size, self.units), start, dtype=self.compute_dtype)]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "operation": self.operation}


EXACT_CORES = {"exact_sum": "sum", "exact_product": "product"}


@keras.saving.register_keras_serializable(package="tasks")
class InputPenaltyRNN(keras.layers.RNN):
    """An RNN over a multiplicative unit cell that, in training, adds Madsen & Johansen's
    regulariser of the values the cell reads (their `R_z`, sequential MNIST product):

        penalty * mean_j((1 - W_xj) * (1 - mean(z))^2)

    where z are the inputs of the whole batch and all steps and W_x the cell's unit's
    weights on the inputs (the rows after the state's). With W_x < 1 an NMU turns z into
    W z + 1 - W, so many encodings fit the training products; the penalty draws the
    encodings' mean to 1 or the weights to 1 (where z must be the digit itself)."""

    def __init__(self, cell, penalty=0.0, **kwargs):
        super().__init__(cell, **kwargs)
        self.penalty = float(penalty)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        outputs = super().call(sequences, initial_state=initial_state, mask=mask,
                               training=training)
        if training and self.penalty:
            weights = self.cell.unit.kernel[self.cell.units:]  # (features, units)
            spread = ops.square(1.0 - ops.mean(sequences))
            self.add_loss(self.penalty * ops.mean((1.0 - weights) * spread))
        return outputs

    def get_config(self):
        return {**super().get_config(), "penalty": self.penalty}


def core_names():
    return sorted(BASELINE_CORES) + sorted(EXACT_CORES) + sorted(nalu.CELLS)


def head_names():
    return ["linear", "identity", *sorted(nalu.UNITS)]


def is_accumulator_core(name):
    """Whether the core's state is itself the answer (a unit cell or a solved accumulator):
    one state value per output, read by an identity head by default."""
    return name in nalu.CELLS or name in EXACT_CORES


# cores whose cell multiplies its inputs through an NMU (weights in [0, 1]): what
# InputPenaltyRNN's formula is written for
INPUT_PENALTY_CORES = ("nmu", "snmu")


def build_core(name, hidden, name_prefix="core", identity_recurrence=True, sequences=False,
               input_penalty=0.0):
    """An RNN layer over the core cell `name`, returning the last output (or, with
    `sequences`, the output after every step).

    A unit cell starts as an exact accumulator when `identity_recurrence` (see
    `nalu.UnitCell`); the baselines keep Keras' own initialisation. `input_penalty` (cores
    of INPUT_PENALTY_CORES only) adds `InputPenaltyRNN`'s regulariser in training.
    """
    if name in BASELINE_CORES:
        cell = BASELINE_CORES[name](hidden)
    elif name in EXACT_CORES:
        cell = ExactCell(hidden, EXACT_CORES[name])
    elif name in nalu.CELLS:
        cell = nalu.CELLS[name](hidden, identity_recurrence=identity_recurrence)
    else:
        raise UsageError(f"--core {name}: unknown core; choose from {', '.join(core_names())}")
    if input_penalty:
        if name not in INPUT_PENALTY_CORES:
            raise UsageError(f"--z-penalty {input_penalty}: only for the cores "
                             f"{', '.join(INPUT_PENALTY_CORES)}, not {name}")
        return InputPenaltyRNN(cell, input_penalty, return_sequences=sequences,
                               name=name_prefix)
    return keras.layers.RNN(cell, return_sequences=sequences, name=name_prefix)


def build_head(name, outputs, layer_name="head"):
    """The output layer `name`: a bias-free Dense layer for linear, else the unit of that name.

    No bias: a sum or a count must come out of the accumulated state, not out of a constant
    that fits the mean at the training length (a trap the model otherwise falls into).
    """
    if name == "linear":
        return keras.layers.Dense(outputs, use_bias=False, name=layer_name)
    if name == "identity":  # the core's state is the answer (its size must be `outputs`)
        return keras.layers.Identity(name=layer_name)
    if name in nalu.UNITS:
        return nalu.UNITS[name](outputs, name=layer_name)
    raise UsageError(f"--head {name}: unknown head; choose from {', '.join(head_names())}")
