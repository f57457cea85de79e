"""tf.data pipelines of digit-image sequences and their label sequences.

Training batches are drawn from train images only; batch `i` of a run is a pure function of
(seed, i), so a run resumed at step `i` sees exactly the data it would have seen.
Evaluation sequences are drawn from test images only and are fixed by (seed, length), so
every model is scored on the same sequences.
"""

import numpy as np
import tensorflow as tf


def training_dataset(images, labels, length, batch_size, seed, start_step=0, steps=None):
    """Batches of (images (batch, length, 28, 28, 1) float32 in [0, 1], labels (batch, length)).

    Batch `i` uses the stateless seed (seed, i); the dataset starts at `start_step` and
    yields `steps` batches (forever when None).
    """
    images = tf.constant(images)  # (n, 28, 28) uint8
    labels = tf.constant(labels)
    count = int(labels.shape[0])

    def batch(step):
        positions = tf.random.stateless_uniform(
            (batch_size, length), seed=tf.stack([tf.cast(seed, tf.int64), step]),
            maxval=count, dtype=tf.int64,
        )
        pictures = tf.cast(tf.gather(images, positions), tf.float32)[..., None] / 255.0
        return pictures, tf.gather(labels, positions)

    stop = np.iinfo(np.int64).max if steps is None else start_step + steps
    step_numbers = tf.data.Dataset.range(start_step, stop)
    return step_numbers.map(batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)


def evaluation_positions(test_count, length, sequences, seed):
    """Indices (sequences, length) into the test images, fixed by (seed, length)."""
    rng = np.random.default_rng([int(seed), int(length), 0x5EED])
    return rng.integers(0, test_count, size=(sequences, length))


def images_as_floats(images):
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], the encoder's input."""
    return (np.asarray(images, dtype="float32") / 255.0)[..., None]
