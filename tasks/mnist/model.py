"""The MNIST tasks' model: a CNN digit encoder applied to every step, a recurrent core, a head."""

import keras
import numpy as np
from keras import ops

from tasks import cores


@keras.saving.register_keras_serializable(package="tasks")
class ResumableDropout(keras.layers.Dropout):
    """Dropout whose random state is saved with the model (Keras does not save it), so a run
    resumed from a checkpoint draws the masks the uninterrupted run draws."""

    def save_own_variables(self, store):
        store["seed_state"] = np.asarray(self.seed_generator.state.value)

    def load_own_variables(self, store):
        if "seed_state" in store:
            self.seed_generator.state.assign(store["seed_state"])


@keras.saving.register_keras_serializable(package="tasks")
def magnitude(values):
    """|values|: an output that cannot turn negative and whose gradient never vanishes."""
    return ops.abs(values)


ENCODING_ACTIVATIONS = {None: None, "magnitude": magnitude}


def shift_offsets(shift):
    """Every whole-pixel move (rows, columns) of up to `shift` pixels along each axis."""
    return [(rows, columns) for rows in range(-shift, shift + 1)
            for columns in range(-shift, shift + 1)]


class _TestShiftLayer(keras.layers.Layer):
    """A layer of the test-time shifts of up to `shift` pixels (see `build_encoder`)."""

    def __init__(self, shift, **kwargs):
        super().__init__(**kwargs)
        self.shift = int(shift)

    def compute_output_shape(self, input_shape):
        return (None, *input_shape[1:])

    def get_config(self):
        return {**super().get_config(), "shift": self.shift}


@keras.saving.register_keras_serializable(package="tasks")
class ShiftCopies(_TestShiftLayer):
    """Outside training: images (n, h, w, c) -> ((2s + 1)^2 n, h, w, c), the images moved by
    every offset of `shift_offsets(s)` (zero fill), one block of n per offset. In training:
    the images unchanged. `ShiftMean` after the encoder averages the blocks' outputs."""

    def call(self, images, training=None):
        if training or not self.shift:
            return images
        s = self.shift
        height, width = images.shape[1], images.shape[2]
        padded = ops.pad(images, [[0, 0], [s, s], [s, s], [0, 0]])
        moved = [padded[:, s - rows:s - rows + height, s - columns:s - columns + width]
                 for rows, columns in shift_offsets(s)]
        return ops.concatenate(moved, axis=0)


@keras.saving.register_keras_serializable(package="tasks")
class ShiftMean(_TestShiftLayer):
    """Outside training: the mean over the (2s + 1)^2 blocks that `ShiftCopies(s)` made."""

    def call(self, outputs, training=None):
        if training or not self.shift:
            return outputs
        copies = len(shift_offsets(self.shift))
        return ops.mean(ops.reshape(outputs, (copies, -1, *outputs.shape[1:])), axis=0)


# --encoder-norm: where layer normalisation goes in the encoder. It normalises each image's
# activations over all their units (channels and positions alike: GroupNormalization with one
# group), so an image's value never depends on the rest of its batch and training and
# inference compute the same function. Places: after a conv layer's ReLU (conv1, conv2:
# before its pooling), after its pooling (pool1, pool2: a quarter of the values), after the
# dense(500) layer's ReLU (dense). "layer": after every hidden layer; "late": the same but
# conv1, the largest of the three (24x24x20 values an image); "pooled": after each pooling
# and the dense layer; "none": the paper's encoder. `python -m benchmarks.training_profile`
# times each.
ENCODER_NORMS = {"layer": ("conv1", "conv2", "dense"), "late": ("conv2", "dense"),
                 "pooled": ("pool1", "pool2", "dense"), "none": ()}


def build_encoder(encoding_size, dropout=0.0, test_shift=0, norm="none", start=0.0,
                  activation=None):
    """The stable-nalu digit encoder: conv(20,5) pool conv(50,5) pool dense(500) dense(out).

    `norm` places layer normalisation (see ENCODER_NORMS). `start` is the initial bias of
    the output layer, and `activation` that layer's activation (a name of
    ENCODING_ACTIVATIONS; None: linear), so every image's encoding starts near
    `activation(start)` (`MnistTask.encoding_start`). With `dropout`, a Dropout layer
    (active only in training) follows the dense(500) layer. With `test_shift` s, outside
    training the output for an image is the mean of the outputs for the image moved by every
    offset of up to s pixels (test-time augmentation).
    """

    def normalise(where):
        return [keras.layers.GroupNormalization(groups=1)] if where in ENCODER_NORMS[norm] else []

    def conv_block(filters, index):
        return [keras.layers.Conv2D(filters, 5, activation="relu"), *normalise(f"conv{index}"),
                keras.layers.MaxPooling2D(), *normalise(f"pool{index}")]

    hidden = [keras.layers.Dense(500, activation="relu"), *normalise("dense")]
    if dropout:
        hidden.append(ResumableDropout(dropout))
    copies, mean = ([ShiftCopies(test_shift)], [ShiftMean(test_shift)]) if test_shift else ([], [])
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            *copies,
            *conv_block(20, 1),
            *conv_block(50, 2),
            keras.layers.Flatten(),
            *hidden,
            keras.layers.Dense(encoding_size, activation=ENCODING_ACTIVATIONS[activation],
                               bias_initializer=keras.initializers.Constant(start)),
            *mean,
        ],
        name="encoder",
    )


@keras.saving.register_keras_serializable(package="tasks")
class SequenceEncoder(keras.layers.TimeDistributed):
    """The encoder over every step of (batch, time, ...) images, as one batch of
    batch * time images.

    Keras' TimeDistributed calls the encoder once per step in training (slower on a CPU:
    `python -m benchmarks.training_profile` measures both), and outside
    training maps it over a time axis of unknown length with vectorized_map, which failed
    (Keras 3.15, TensorFlow 2.21): `model.predict` on length-1 sequences after another
    length raised "slice index 9 of dimension 0 out of bounds".
    """

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        encoded = self.layer(ops.reshape(inputs, (-1, *inputs.shape[2:])), training=training)
        return ops.reshape(encoded, (shape[0], shape[1], *encoded.shape[1:]))


def build_model(task, core, head, hidden, identity_recurrence=True, dropout=0.0, test_shift=0,
                encoder_norm="none", every_step=False, input_penalty=0.0):
    """images (batch, time, 28, 28, 1) -> encoder per step -> core -> head (batch, outputs),
    or with `every_step` the head after every step (batch, time, outputs). `input_penalty`:
    `cores.InputPenaltyRNN`'s regulariser on the encodings (the NMU cores)."""
    images = keras.Input((None, 28, 28, 1), name="images")
    encoder = build_encoder(task.encoding_size, dropout, test_shift, encoder_norm,
                            start=task.encoding_start, activation=task.encoding_activation)
    encoded = SequenceEncoder(encoder, name="encode")(images)
    state = cores.build_core(core, hidden, identity_recurrence=identity_recurrence,
                             sequences=every_step, input_penalty=input_penalty)(encoded)
    outputs = cores.build_head(head, task.outputs)(state)
    return keras.Model(images, outputs, name=f"{task.name}_{core}_{head}")
