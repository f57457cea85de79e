"""Models of the arithmetic tasks, each holding many independent seeds ("copies") at once.

A model name is a registered unit (`nac`: two stacked NACs; `nmu`: its usual pairing, a NAU
then a NMU; with `depth=1` the unit alone), an explicit pair `first-second` (`nau-nmu`), or a
baseline: `linear` (one weight vector), the NALU paper's two-layer MLPs `mlp` (ReLU6) and
`none` (no activation), and for the running form `lstm` and `rnn_relu`. Every layer is built
with `copy_seeds`, so weights carry a leading axis of seeds and one computation trains all of
them; copy k depends on seed k alone.
"""

import keras
from keras import ops

import nalu
from errors import UsageError
from nalu.copies import CopiesLayer
from tasks.arithmetic.units import unit_training

BASELINES = ("linear", "mlp", "none", "lstm", "rnn_relu")
RECURRENT_BASELINES = ("lstm", "rnn_relu")
HIDDEN = 100  # width of the MLP baselines' hidden layer
STATE = 32  # state size of the recurrent baselines


class CopyDense(CopiesLayer):
    """A dense layer per copy: (copies, batch, in) -> (copies, batch, units)."""

    def __init__(self, units, copy_seeds, activation=None, use_bias=True, **kwargs):
        super().__init__(copy_seeds=copy_seeds, **kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias

    def build(self, input_shape):
        self.kernel = self.add_copies_weight(
            "kernel", (input_shape[-1], self.units), "glorot_uniform"
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_copies_weight("bias", (1, self.units), "zeros")

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)


class CopyCell(CopiesLayer):
    """A recurrent cell per copy over `concat(state, input)`, with `gates` blocks of `units`
    in its kernel; states (copies, batch, units)."""

    gates = 1
    state_count = 1

    def __init__(self, units, copy_seeds, **kwargs):
        super().__init__(copy_seeds=copy_seeds, **kwargs)
        self.units = units

    def build(self, input_shape):
        width = self.gates * self.units
        self.kernel = self.add_copies_weight(
            "kernel", (input_shape[-1] + self.units, width), "glorot_uniform"
        )
        self.bias = self.add_copies_weight("bias", (1, width), "zeros")

    def pre_activations(self, hidden, inputs):
        return ops.matmul(ops.concatenate([hidden, inputs], axis=-1), self.kernel) + self.bias

    def initial_states(self, batch_shape):
        return [ops.zeros((*batch_shape, self.units))] * self.state_count


class CopyLSTMCell(CopyCell):
    """An LSTM cell per copy."""

    gates = 4
    state_count = 2

    def call(self, inputs, states):
        hidden, memory = states
        i, f, g, o = ops.split(self.pre_activations(hidden, inputs), 4, axis=-1)
        memory = ops.sigmoid(f + 1.0) * memory + ops.sigmoid(i) * ops.tanh(g)
        hidden = ops.sigmoid(o) * ops.tanh(memory)
        return hidden, [hidden, memory]


class CopyReLURNNCell(CopyCell):
    """A simple recurrent cell per copy, `h_t = relu(concat(h_{t-1}, x_t) @ W + b)`."""

    def call(self, inputs, states):
        hidden = ops.relu(self.pre_activations(states[0], inputs))
        return hidden, [hidden]


def model_names():
    """Every model name the arithmetic tasks accept (pairs aside)."""
    return [*sorted(nalu.UNITS), *BASELINES]


def layer_pair(name, flag="--units"):
    """(first unit class, second unit class) for a unit model name like `nac` or `nau-nmu`."""
    parts = name.split("-")
    if len(parts) == 1 and name in nalu.UNITS:
        second = nalu.UNITS[name]
        first = nalu.UNITS[unit_training(name).first_layer or name]
        return first, second
    if len(parts) == 2 and all(part in nalu.UNITS for part in parts):
        return nalu.UNITS[parts[0]], nalu.UNITS[parts[1]]
    raise UsageError(
        f"{flag} {name}: unknown model; choose from {', '.join(model_names())} "
        "or a pair like nau-nmu"
    )


def describe(name):
    if name in BASELINES:
        return name
    first, second = layer_pair(name)
    return f"{first.unit_name}-{second.unit_name}"


def check_model(name, form, flag="--units"):
    """A UsageError naming `flag` unless `name` is a model the `form` accepts."""
    if name in RECURRENT_BASELINES and form != "running":
        raise UsageError(f"{flag} {name}: a recurrent baseline, for arith_running only")
    if name in BASELINES:
        return
    layer_pair(name, flag)


class ArithmeticModel:
    """The layers of one model name for every seed, each unit built with `options(unit_class)`;
    `__call__` maps inputs to (copies, n, 1).

    Static inputs are (copies, n, features); running inputs (copies, n, time, features).
    """

    def __init__(self, name, form, copy_seeds, options, identity_recurrence=True, depth=2):
        check_model(name, form)
        if depth not in (1, 2):
            raise UsageError(f"depth {depth}: 1 (the unit alone) or 2 (two layers)")
        if depth == 1 and (form == "running" or name in BASELINES or "-" in name):
            raise UsageError(f"{name}: depth 1 takes a single unit on the static task")
        self.name, self.form = name, form
        self.recurrent = form == "running"
        seeds = list(copy_seeds)
        if name == "linear":
            self.layers = [CopyDense(1, seeds, use_bias=False)]
        elif name in ("mlp", "none"):
            activation = "relu6" if name == "mlp" else None
            self.layers = [CopyDense(HIDDEN, seeds, activation=activation),
                           CopyDense(1, seeds)]
        elif name == "lstm":
            self.layers = [CopyLSTMCell(STATE, copy_seeds=seeds), CopyDense(1, seeds)]
        elif name == "rnn_relu":
            self.layers = [CopyReLURNNCell(STATE, copy_seeds=seeds), CopyDense(1, seeds)]
        elif depth == 1:
            unit = layer_pair(name)[1]
            self.layers = [unit(1, copy_seeds=seeds, **options(unit))]
        else:
            first, second = layer_pair(name)
            first_options, second_options = options(first), options(second)
            if self.recurrent:
                cell = nalu.CELLS[first.unit_name](
                    2, copy_seeds=seeds, identity_recurrence=identity_recurrence, **first_options
                )
                self.layers = [cell, second(1, copy_seeds=seeds, **second_options)]
            else:
                self.layers = [first(2, copy_seeds=seeds, **first_options),
                               second(1, copy_seeds=seeds, **second_options)]

    def states(self, batch_shape):
        cell = self.layers[0]
        if isinstance(cell, CopyCell):
            return cell.initial_states(batch_shape)
        return [ops.full((*batch_shape, cell.units), cell.initial_state_value)]

    def run_steps(self, inputs, states):
        """Advance the recurrent layer over inputs (copies, n, time, features)."""
        def advance(step, carried):
            _, carried = self.layers[0](ops.take(inputs, step, axis=2), carried)
            return carried

        if inputs.shape[2] <= 16:  # short: unrolled, cheaper to differentiate
            for step in range(inputs.shape[2]):
                states = advance(step, states)
            return states
        return ops.fori_loop(0, inputs.shape[2], advance, states)

    def head(self, states):
        return self.layers[1](states[0])

    def __call__(self, inputs):
        if self.recurrent:
            states = self.states(inputs.shape[:2])
            return self.head(self.run_steps(inputs, states))
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs)
        return outputs

    @property
    def trainable_weights(self):
        return [weight for layer in self.layers for weight in layer.trainable_weights]

    @property
    def losses(self):
        return [loss for layer in self.layers for loss in layer.losses]

    def weight_matrices(self):
        """Effective weight matrices of the unit layers (for the sparsity error)."""
        matrices = []
        for layer in self.layers:
            unit = getattr(layer, "unit", layer)
            if hasattr(unit, "weight_matrix"):
                matrices.append(unit.weight_matrix())
        return matrices
