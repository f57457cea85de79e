"""Models of the arithmetic tasks, each holding many independent seeds ("copies") at once.

A model name is a registered unit (`nac`: two stacked NACs; `nmu`: its usual pairing, a NAU
then a NMU; with `depth=1` the unit alone), an explicit pair `first-second` (`nau-nmu`; running:
a `first` cell read by a `second` head), an accumulator `acc-first-second` (running only: the
state is the sum over the steps of `first(x_t)`, exact recurrence by construction, read by a
`second` head), or a baseline: `linear` (one weight vector), the NALU paper's two-layer MLPs
`mlp` (ReLU6) and `none` (no activation), and for the running form `lstm` and `rnn_relu`.
Every layer is built with `copy_seeds`, so weights carry a leading axis of seeds and one
computation trains all of them; copy k depends on seed k alone.
"""

import keras
from keras import ops

import nalu
from errors import UsageError
from nalu.copies import CopiesLayer
from tasks.arithmetic.units import unit_training

ACCUMULATE = "acc"  # first part of an accumulator model name
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


def accumulates(name):
    """Whether `name` is an accumulator model (`acc-first-second`)."""
    return name.startswith(ACCUMULATE + "-")


def layer_pair(name, flag="--units"):
    """(first unit class, second unit class) for a unit model name like `nac`, `nau-nmu` or
    `acc-nau-realnpu`."""
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == ACCUMULATE:
        parts = parts[1:]
    if len(parts) == 1 and name in nalu.UNITS:
        second = nalu.UNITS[name]
        first = nalu.UNITS[unit_training(name).first_layer or name]
        return first, second
    if len(parts) == 2 and all(part in nalu.UNITS for part in parts):
        return nalu.UNITS[parts[0]], nalu.UNITS[parts[1]]
    raise UsageError(
        f"{flag} {name}: unknown model; choose from {', '.join(model_names())} "
        "or a pair like nau-nmu (running form also acc-nau-realnpu)"
    )


def describe(name):
    if name in BASELINES:
        return name
    first, second = layer_pair(name)
    prefix = ACCUMULATE + "-" if accumulates(name) else ""
    return f"{prefix}{first.unit_name}-{second.unit_name}"


def check_model(name, form, flag="--units"):
    """A UsageError naming `flag` unless `name` is a model the `form` accepts."""
    if name in RECURRENT_BASELINES and form != "running":
        raise UsageError(f"{flag} {name}: a recurrent baseline, for arith_running only")
    if name in BASELINES:
        return
    layer_pair(name, flag)
    if accumulates(name) and form != "running":
        raise UsageError(f"{flag} {name}: an accumulator model, for arith_running only")


class ArithmeticModel:
    """The layers of one model name for every seed, each unit built with `options(unit_class)`;
    `__call__` maps inputs to (copies, n, 1).

    Static inputs are (copies, n, features); running inputs (copies, n, time, features).
    """

    def __init__(self, name, form, copy_seeds, options, identity_recurrence=True, depth=2,
                 prefix_loss=False):
        check_model(name, form)
        if depth not in (1, 2):
            raise UsageError(f"depth {depth}: 1 (the unit alone) or 2 (two layers)")
        if depth == 1 and (form == "running" or name in BASELINES or "-" in name):
            raise UsageError(f"{name}: depth 1 takes a single unit on the static task")
        self.name, self.form = name, form
        self.recurrent = form == "running"
        self.accumulate = accumulates(name)
        self.prefix_loss = prefix_loss and self.recurrent
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
            if self.accumulate:
                self.layers = [first(2, copy_seeds=seeds, **first_options),
                               second(1, copy_seeds=seeds, **second_options)]
            elif self.recurrent:
                cell = nalu.CELLS[first.unit_name](
                    2, copy_seeds=seeds, identity_recurrence=identity_recurrence, **first_options
                )
                self.layers = [cell, second(1, copy_seeds=seeds, **second_options)]
            else:
                self.layers = [first(2, copy_seeds=seeds, **first_options),
                               second(1, copy_seeds=seeds, **second_options)]

    def states(self, batch_shape):
        cell = self.layers[0]
        if self.accumulate:
            return [ops.zeros((*batch_shape, cell.units))]
        if isinstance(cell, CopyCell):
            return cell.initial_states(batch_shape)
        return [ops.full((*batch_shape, cell.units), cell.initial_state_value)]

    def step_terms(self, inputs, training=False):
        """Accumulator: `first(x_t)` of every step at once, (copies, n, time, units)."""
        copies, count, length, features = inputs.shape
        terms = self.layers[0](ops.reshape(inputs, (copies, count * length, features)),
                               training=training)
        return ops.reshape(terms, (copies, count, length, -1))

    def run_steps(self, inputs, states, training=False):
        """Advance the recurrent layer over inputs (copies, n, time, features)."""
        if self.accumulate:
            return [states[0] + ops.sum(self.step_terms(inputs, training), axis=2)]

        def advance(step, carried):
            _, carried = self.layers[0](ops.take(inputs, step, axis=2), carried,
                                        training=training)
            return carried

        if inputs.shape[2] <= 16:  # short: unrolled, cheaper to differentiate
            for step in range(inputs.shape[2]):
                states = advance(step, states)
            return states
        return ops.fori_loop(0, inputs.shape[2], advance, states)

    def head(self, states, training=False):
        return self.layers[1](states[0], training=training)

    def every_step(self, inputs, training=False):
        """Running form: the head's output after each step, (copies, n, time), so that a
        loss can cover every prefix of the training sequences (unrolled: short sequences)."""
        if self.accumulate:
            copies, count, length = inputs.shape[:3]
            sums = ops.cumsum(self.step_terms(inputs, training), axis=2)
            outputs = self.head([ops.reshape(sums, (copies, count * length, -1))], training)
            return ops.reshape(outputs, (copies, count, length))
        states = self.states(inputs.shape[:2])
        outputs = []
        for step in range(inputs.shape[2]):
            _, states = self.layers[0](ops.take(inputs, step, axis=2), states,
                                       training=training)
            outputs.append(self.head(states, training))
        return ops.concatenate(outputs, axis=-1)

    def training_outputs(self, inputs):
        """What the training loss compares with the pool's targets: the output after every
        step with `prefix_loss`, else the final one; units in their training mode."""
        if self.prefix_loss:
            return self.every_step(inputs, training=True)
        return self(inputs, training=True)

    def __call__(self, inputs, training=False):
        if self.recurrent:
            states = self.states(inputs.shape[:2])
            return self.head(self.run_steps(inputs, states, training), training)
        outputs = inputs
        for layer in self.layers:
            outputs = layer(outputs, training=training)
        return outputs

    @property
    def trainable_weights(self):
        return [weight for layer in self.layers for weight in layer.trainable_weights]

    @property
    def non_trainable_variables(self):
        return [variable for layer in self.layers
                for variable in layer.non_trainable_variables]

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
