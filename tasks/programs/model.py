"""The program evaluation models: an LSTM baseline, and an LSTM that configures, at every
statement, an arithmetic unit over a file of registers.

A program's values enter and leave every model divided by SCALE (a fixed input and target
normalisation; the units are exact at any scale).
"""

import keras
from keras import ops

from data import programs

SCALE = 100.0
REGISTERS = len(programs.VARIABLES) + 1  # a register per variable, and the printed value
PAIRS = [(i, j) for i in range(len(programs.VARIABLES))
         for j in range(len(programs.VARIABLES)) if i < j]


def comparisons(registers):
    """sign(r_i - r_j) for the variables' registers (PAIRS), 0 where they differ by less
    than half of 1 / SCALE: the values are integers, and float32 sums of equal values
    can differ in their last bits."""
    differences = ops.stack([registers[:, i] - registers[:, j] for i, j in PAIRS], axis=1)
    return ops.sign(differences) * ops.cast(ops.abs(differences) >= 0.5 / SCALE, "float32")


@keras.saving.register_keras_serializable(package="tasks")
@keras.saving.register_keras_serializable(package="tasks")
class ConfiguredUnitCell(keras.layers.Layer):
    """A register file whose update at every step is an arithmetic unit whose weights an LSTM
    controller sets from the step (Trask et al. 2018, 4.4: "a NALU that is configured by an
    LSTM"; what the controller reads and how it sets the weights are this project's choices).

    State: the controller's (h, c) and the registers r (REGISTERS values). At a step with
    features x and value v, the controller reads x without v and the sign of each difference
    of the variables' registers (`comparisons`: what an `if` compares), never a value itself,
    so the map it sets cannot depend on the values' size. It sets which registers the step
    writes, d (REGISTERS, each in [0, 1]), and the unit's coefficients c (REGISTERS + 1: on
    each register and the value, each in [-1, 1]); the unit's weight matrix is the identity
    with the written columns replaced, W = diag(1 - d) + c d^T:

        r' = r * (1 - d) + ([r, v] . c) d

    Every statement is such a map: `c = a - b` writes d = e_c with c = e_a - e_b; `a = 57`
    writes e_a with the value's coefficient 1; an `if` writes nothing when its comparison
    fails; `print(b)` writes the last register with c = e_b. So once d and c are exact the
    registers hold exact values at any size. d and c are linear in a ReLU layer over the
    controller's output and the step's features, then:

        nac:  d = sigmoid(d_hat),          c = tanh(c_hat) * sigmoid(m_hat)
        nau:  d = clip(d_hat, 0, 1),       c = clip(p_hat, 0, 1) - clip(q_hat, 0, 1)
              (exact 0 and 1 are reached, not approached)
        nalu: the nac's d and c, and a gate g (sigmoid) per step between the sum [r, v] . c
              and the same coefficients in log space, exp(log(|[r, v]| + eps) . c)

    Args:
        hidden: the controller's LSTM size (and its ReLU layer's).
        unit: "nac", "nau" or "nalu".
    """

    UNITS = ("nac", "nau", "nalu")

    def __init__(self, hidden, unit="nac", **kwargs):
        super().__init__(**kwargs)
        if unit not in self.UNITS:
            raise ValueError(f"unit {unit!r}: choose from {', '.join(self.UNITS)}")
        self.hidden, self.unit = hidden, unit
        self.controller = keras.layers.LSTMCell(hidden, name="controller")
        self.mix = keras.layers.Dense(hidden, activation="relu", name="mix")
        self.configure = keras.layers.Dense(
            len(start_bias(unit)), kernel_initializer=keras.initializers.RandomNormal(
                stddev=0.01), bias_initializer=keras.initializers.Constant(start_bias(unit)),
            name="configure")
        self.state_size = [hidden, hidden, REGISTERS]
        self.output_size = REGISTERS

    def build(self, input_shape):
        self.controller.build((None, programs.VALUE + len(PAIRS)))
        self.mix.build((None, self.hidden + programs.VALUE + len(PAIRS)))
        self.configure.build((None, self.hidden))
        self.built = True

    def call(self, inputs, states):
        h, c, registers = states  # (batch, hidden) x 2, (batch, REGISTERS)
        # the controller reads the statement and the comparisons, never a value
        step = ops.concatenate([inputs[:, :programs.VALUE], comparisons(registers)], axis=1)
        out, (h, c) = self.controller(step, [h, c])
        parameters = self.configure(self.mix(ops.concatenate([out, step], axis=1)))
        new = self.update(registers, inputs[:, programs.VALUE:], parameters)
        return new, [h, c, new]

    def update(self, registers, value, parameters):
        """The registers (batch, REGISTERS) after a step with the constant `value` (batch, 1)
        through the unit that `parameters` set (the configure layer's output: d_hat, then
        c_hat and m_hat or p_hat and q_hat, then the nalu's gate)."""
        n, m = REGISTERS, REGISTERS + 1
        sources = ops.concatenate([registers, value], axis=1)  # (batch, REGISTERS + 1)
        first, second = parameters[:, n:n + m], parameters[:, n + m:n + 2 * m]
        if self.unit == "nau":
            written = ops.clip(parameters[:, :n], 0.0, 1.0)
            coefficients = ops.clip(first, 0.0, 1.0) - ops.clip(second, 0.0, 1.0)
        else:
            written = ops.sigmoid(parameters[:, :n])
            coefficients = ops.tanh(first) * ops.sigmoid(second)
        result = ops.sum(sources * coefficients, axis=1, keepdims=True)  # (batch, 1)
        if self.unit == "nalu":
            gate = ops.sigmoid(parameters[:, n + 2 * m:])
            logs = ops.log(ops.abs(sources) + 1e-7)
            result = gate * result + (1 - gate) * ops.exp(
                ops.sum(logs * coefficients, axis=1, keepdims=True))
        return registers * (1 - written) + result * written

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden, "unit": self.unit}


def start_bias(unit):
    """The configure layer's bias: nothing written yet (d near 0, inside the range where it
    learns), coefficients near 0 (nac: tanh(0); nau: p_hat = q_hat = 0.1, both halves
    learning), the nalu's gate on the sum."""
    written = [0.1 if unit == "nau" else -3.0] * REGISTERS
    halves = [0.1 if unit == "nau" else 0.0] * (2 * (REGISTERS + 1))
    return written + halves + ([3.0] if unit == "nalu" else [])


MODELS = ("lstm", *ConfiguredUnitCell.UNITS)


def build_model(name, hidden, steps):
    """The model `name` (MODELS) over programs of `steps` steps: (batch, steps, FEATURES)
    features with values / SCALE -> the printed value / SCALE, (batch, 1)."""
    features = keras.Input((steps, programs.FEATURES), name="program")
    if name == "lstm":
        state = keras.layers.LSTM(hidden, name="core")(features)
        value = keras.layers.Dense(1, name="head")(state)
    else:
        registers = keras.layers.RNN(ConfiguredUnitCell(hidden, name), name="core")(features)
        value = registers[:, -1:]  # the printed value's register
    return keras.Model(features, value, name=f"programs_{name}")
