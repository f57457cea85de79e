"""Recurrent cores and output heads of the sequence tasks, chosen by name.

Cores: the paper's baselines (lstm, gru, rnn = tanh RNN, rnn_relu) registered below, plus
every recurrent cell of `nalu.CELLS`. Heads: `linear` plus every unit of `nalu.UNITS`.
A unit added to `nalu` is a core and a head here without any change to this file.
"""

import keras

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


def core_names():
    return sorted(BASELINE_CORES) + sorted(nalu.CELLS)


def head_names():
    return ["linear", "identity", *sorted(nalu.UNITS)]


def is_unit_core(name):
    return name in nalu.CELLS


def build_core(name, hidden, name_prefix="core", identity_recurrence=True, sequences=False):
    """An RNN layer over the core cell `name`, returning the last output (or, with
    `sequences`, the output after every step).

    A unit cell starts as an exact accumulator when `identity_recurrence` (see
    `nalu.UnitCell`); the baselines keep Keras' own initialisation.
    """
    if name in BASELINE_CORES:
        cell = BASELINE_CORES[name](hidden)
    elif name in nalu.CELLS:
        cell = nalu.CELLS[name](hidden, identity_recurrence=identity_recurrence)
    else:
        raise UsageError(f"--core {name}: unknown core; choose from {', '.join(core_names())}")
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
