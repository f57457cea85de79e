"""tf.data pipelines of digit-image sequences and their label sequences.

Training batches are drawn from train images only; batch `i` of a run is a pure function of
(seed, i), so a run resumed at step `i` sees exactly the data it would have seen.
Evaluation sequences are drawn from test images only and are fixed by (seed, length), so
every model is scored on the same sequences.
"""

import numpy as np
import tensorflow as tf


def shift_images(pictures, max_shift, seed):
    """Move every image (..., 28, 28, 1) by its own random whole-pixel offset in
    [-max_shift, max_shift] along each axis, filling with zeros (stateless, from `seed`)."""
    if not max_shift:
        return pictures
    shape = tf.shape(pictures)
    flat = tf.reshape(pictures, tf.concat([[-1], shape[-3:]], axis=0))  # (n, 28, 28, 1)
    size = int(pictures.shape[-2])
    padded = tf.pad(flat, [[0, 0], [max_shift, max_shift], [max_shift, max_shift], [0, 0]])
    offsets = tf.random.stateless_uniform(
        (tf.shape(flat)[0], 2), seed=seed, maxval=2 * max_shift + 1, dtype=tf.int32
    )
    window = tf.range(size)
    rows = offsets[:, :1] + window  # (n, 28): which padded rows each image keeps
    columns = offsets[:, 1:] + window
    moved = tf.gather(padded, rows, axis=1, batch_dims=1)
    moved = tf.gather(moved, columns, axis=2, batch_dims=1)
    return tf.reshape(moved, shape)


def training_dataset(images, labels, length, batch_size, seed, start_step=0, steps=None,
                     max_shift=0, threads=1):
    """Batches of (images (batch, length, 28, 28, 1) float32 in [0, 1], labels (batch, length)).

    Batch `i` uses the stateless seed (seed, i); the dataset starts at `start_step` and
    yields `steps` batches (forever when None). With `max_shift` > 0 every image is moved
    by a random offset of up to that many pixels (augmentation; also a function of (seed, i)).
    The pipeline runs on `threads` threads of its own, without autotuning (None: tf.data's
    shared pool, autotuned). One is the default: a batch takes about a millisecond on one
    thread, a small part of a training step, and the step wants every core of a small
    machine; on 2 cores the shared, autotuned pool competed with the step's threads and left
    some calls at half the speed of others (`python -m benchmarks.training_profile`).
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
        shift_seed = tf.stack([tf.cast(seed, tf.int64) ^ 0x5A1F7, step])
        return shift_images(pictures, max_shift, shift_seed), tf.gather(labels, positions)

    stop = np.iinfo(np.int64).max if steps is None else start_step + steps
    step_numbers = tf.data.Dataset.range(start_step, stop)
    if threads is None:
        return step_numbers.map(batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2)
    options = tf.data.Options()
    options.threading.private_threadpool_size = threads
    options.autotune.enabled = False
    return step_numbers.map(batch, num_parallel_calls=threads).prefetch(2).with_options(options)


def evaluation_positions(test_count, length, sequences, seed):
    """Indices (sequences, length) into the test images, fixed by (seed, length)."""
    rng = np.random.default_rng([int(seed), int(length), 0x5EED])
    return rng.integers(0, test_count, size=(sequences, length))


def images_as_floats(images):
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1], the encoder's input."""
    return (np.asarray(images, dtype="float32") / 255.0)[..., None]
