"""The time-tracking agents: an LSTM core, alone or beside an accumulator unit.

The policy and the value read the core's output and the goal's offset. In `lstm` the LSTM
reads the whole observation (the instruction T and the clock ticks included); in
`lstm_<cell>` (any recurrent cell of `nalu.CELLS`, `lstm_nac` the paper's) the instruction
and the ticks go to a one-value unit cell started as an exact accumulator, whose state is
w (T - t) for its input weight w, and the LSTM reads the offset: each agent reads the time in
one place.
"""

import keras
from keras import ops

import nalu
from tasks.timing.environment import MOVES, OBSERVATION

OFFSET, CLOCK = slice(0, 2), slice(2, 3)  # observation columns: (dx, dy), T then -1s


def agent_names():
    return ["lstm", *(f"lstm_{cell}" for cell in sorted(nalu.CELLS))]


@keras.saving.register_keras_serializable(package="tasks")
class AgentCell(keras.layers.Layer):
    """One step of an agent's memory: an LSTM, and beside it (with `accumulator`, a name in
    `nalu.CELLS`) a one-value unit cell over the clock input (T at the first step, then -1).

    Output: the LSTM's output, then the accumulator's state."""

    def __init__(self, hidden, accumulator=None, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.accumulator = hidden, accumulator
        self.core = keras.layers.LSTMCell(hidden, name="lstm")
        self.counter = (nalu.CELLS[accumulator](1, identity_recurrence=True, name="counter")
                        if accumulator else None)
        self.state_size = [hidden, hidden] + ([1] if accumulator else [])
        self.output_size = hidden + (1 if accumulator else 0)

    def build(self, input_shape):
        self.core.build((None, OBSERVATION if self.counter is None else 2))
        if self.counter is not None:
            self.counter.build((None, 1))
        self.built = True

    def call(self, inputs, states):
        if self.counter is None:
            out, (h, c) = self.core(inputs, list(states[:2]))
            return out, [h, c]
        out, (h, c) = self.core(inputs[:, OFFSET], list(states[:2]))
        count, _ = self.counter(inputs[:, CLOCK], [states[2]])
        return ops.concatenate([out, count], axis=1), [h, c, count]

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden,
                "accumulator": self.accumulator}


def heads(hidden):
    """The layers after the cell: a ReLU trunk over (cell output, offset), then the policy's
    logits and the value."""
    return (keras.layers.Dense(hidden, activation="relu", name="trunk"),
            keras.layers.Dense(len(MOVES), name="policy"), keras.layers.Dense(1, name="value"))


def apply_heads(layers, memory, observation):
    trunk, policy, value = layers
    features = trunk(ops.concatenate([memory, observation[..., OFFSET]], axis=-1))
    return policy(features), value(features)


def build_agent(name, hidden):
    """The agent `name` (`agent_names`) as a model over whole episodes: (batch, steps,
    OBSERVATION) -> {"policy": logits (batch, steps, moves), "value": (batch, steps, 1)}."""
    accumulator = None if name == "lstm" else name.removeprefix("lstm_")
    observations = keras.Input((None, OBSERVATION), name="observations")
    cell = AgentCell(hidden, accumulator, name="memory")
    memory = keras.layers.RNN(cell, return_sequences=True, name="recurrent")(observations)
    logits, value = apply_heads(heads(hidden), memory, observations)
    return keras.Model(observations, {"policy": logits, "value": value}, name=f"agent_{name}")


def step_model(agent):
    """A model of one step of `agent` (its own layers, shared weights): (observation,
    *states) -> (logits, value, *states)."""
    cell = agent.get_layer("recurrent").cell
    observation = keras.Input((OBSERVATION,), name="observation")
    states = [keras.Input((size,), name=f"state{index}")
              for index, size in enumerate(cell.state_size)]
    memory, new_states = cell(observation, states)
    layers = tuple(agent.get_layer(name) for name in ("trunk", "policy", "value"))
    logits, value = apply_heads(layers, memory, observation)
    return keras.Model([observation, *states], [logits, value, *new_states])


@keras.saving.register_keras_serializable(package="tasks")
def policy_loss(targets, logits, entropy_weight=0.01):
    """Policy gradient with an entropy bonus: targets (..., 2) hold each step's action and
    advantage; -advantage * log pi(action) - entropy_weight * entropy, per step."""
    log_pi = ops.log_softmax(logits, axis=-1)
    actions = ops.cast(targets[..., 0], "int32")
    chosen = ops.sum(log_pi * ops.one_hot(actions, len(MOVES)), axis=-1)
    entropy = -ops.sum(ops.exp(log_pi) * log_pi, axis=-1)
    return -targets[..., 1] * chosen - entropy_weight * entropy
