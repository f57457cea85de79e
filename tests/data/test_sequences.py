"""Digit-sequence pipelines: shapes, dtypes, determinism, splits, targets."""

import numpy as np

from data.sequences import evaluation_positions, training_dataset
from tasks import get_task

IMAGES = np.arange(20 * 28 * 28, dtype=np.uint32).reshape(20, 28, 28).astype(np.uint8)
LABELS = np.arange(20) % 10


def test_training_batches_have_the_right_shapes_and_dtypes():
    """Images (batch, length, 28, 28, 1) float32 in [0, 1], labels (batch, length)."""
    images, labels = next(iter(training_dataset(IMAGES, LABELS, 7, 3, seed=0, steps=1)))
    assert images.shape == (3, 7, 28, 28, 1) and images.dtype.name == "float32"
    assert labels.shape == (3, 7)
    assert 0.0 <= float(images.numpy().min()) and float(images.numpy().max()) <= 1.0


def test_training_batches_are_a_function_of_seed_and_step():
    """Same seed: same batches, also when started mid-way; another seed: other batches."""
    first = [labels.numpy() for _, labels in training_dataset(IMAGES, LABELS, 5, 4, 1, steps=3)]
    again = [labels.numpy() for _, labels in training_dataset(IMAGES, LABELS, 5, 4, 1, steps=3)]
    resumed = [labels.numpy() for _, labels in
               training_dataset(IMAGES, LABELS, 5, 4, 1, start_step=2, steps=1)]
    other = [labels.numpy() for _, labels in training_dataset(IMAGES, LABELS, 5, 4, 2, steps=3)]
    np.testing.assert_array_equal(np.stack(first), np.stack(again))
    np.testing.assert_array_equal(first[2], resumed[0])
    assert not np.array_equal(np.stack(first), np.stack(other))


def test_the_pipeline_runs_on_its_own_thread_and_gives_the_shared_pools_batches():
    """By default one private thread, no autotuning (a task's map keeps them); the batches
    are those of tf.data's shared, autotuned pool (threads=None), in the same order."""
    own = training_dataset(IMAGES, LABELS, 5, 4, 1, steps=4, max_shift=2)
    mapped = own.map(lambda images, labels: (images, labels + 1))
    for dataset in (own, mapped):
        options = dataset.options()
        assert options.threading.private_threadpool_size == 1
        assert options.autotune.enabled is False
    shared = training_dataset(IMAGES, LABELS, 5, 4, 1, steps=4, max_shift=2, threads=None)
    assert shared.options().threading.private_threadpool_size in (None, 0)
    for (images, labels), (other_images, other_labels) in zip(own, shared, strict=True):
        np.testing.assert_array_equal(images.numpy(), other_images.numpy())
        np.testing.assert_array_equal(labels.numpy(), other_labels.numpy())


def test_images_match_their_labels():
    """Every image in a batch is the image of the label beside it."""
    images, labels = next(iter(training_dataset(IMAGES, LABELS, 4, 2, seed=3, steps=1)))
    recovered = np.round(images.numpy()[..., 0] * 255).astype(np.uint8)
    for sequence, label_row in zip(recovered, labels.numpy(), strict=True):
        for image, label in zip(sequence, label_row, strict=True):
            matches = [i for i in range(20) if np.array_equal(IMAGES[i], image)]
            assert LABELS[matches[0]] == label


def test_evaluation_sequences_are_fixed_by_seed_and_length():
    """Evaluation positions repeat for (seed, length) and differ across lengths."""
    a = evaluation_positions(1000, 100, 8, seed=0)
    np.testing.assert_array_equal(a, evaluation_positions(1000, 100, 8, seed=0))
    assert not np.array_equal(a[:, :50], evaluation_positions(1000, 50, 8, seed=0))
    assert a.max() < 1000


def test_targets_are_sums_counts_and_products_of_labels():
    """mnist_sum, mnist_count and mnist_prod targets equal the sum/counts/product."""
    labels = np.array([[1, 2, 2, 9], [3, 3, 3, 3]])
    np.testing.assert_array_equal(get_task("mnist_sum").targets(labels), [[14], [12]])
    counts = get_task("mnist_count").targets(labels)
    np.testing.assert_array_equal(counts[0], np.bincount([1, 2, 2, 9], minlength=10))
    np.testing.assert_array_equal(counts[1], np.bincount([3, 3, 3, 3], minlength=10))
    np.testing.assert_array_equal(get_task("mnist_prod").targets(labels), [[36], [81]])


def test_shift_moves_each_image_whole_and_fills_with_zeros():
    """--shift moves each image by whole pixels within the bound, zero-filled, reproducibly."""
    import tensorflow as tf

    from data.sequences import shift_images

    pictures = np.zeros((4, 6, 28, 28, 1), "float32")
    pictures[..., 10:18, 9:19, 0] = np.arange(80, dtype="float32").reshape(8, 10) + 1
    seed = tf.constant([5, 7], tf.int64)
    moved = shift_images(tf.constant(pictures), 2, seed).numpy()
    np.testing.assert_array_equal(moved, shift_images(tf.constant(pictures), 2, seed).numpy())
    offsets = set()
    for original, shifted in zip(pictures.reshape(-1, 28, 28), moved.reshape(-1, 28, 28),
                                 strict=True):
        rows, columns = np.nonzero(shifted)
        dy, dx = rows.min() - 10, columns.min() - 9
        assert abs(dy) <= 2 and abs(dx) <= 2
        np.testing.assert_array_equal(np.roll(original, (dy, dx), axis=(0, 1)), shifted)
        offsets.add((dy, dx))
    assert len(offsets) > 5  # 24 images, 25 possible offsets
    np.testing.assert_array_equal(shift_images(tf.constant(pictures), 0, seed), pictures)


def test_shifted_training_batches_keep_labels_and_change_pixels():
    """`max_shift` changes the images of a batch, not which digits (labels) it holds."""
    plain = next(iter(training_dataset(IMAGES, LABELS, 5, 4, 1, steps=1)))
    shifted = next(iter(training_dataset(IMAGES, LABELS, 5, 4, 1, steps=1, max_shift=2)))
    np.testing.assert_array_equal(plain[1], shifted[1])
    assert not np.array_equal(plain[0].numpy(), shifted[0].numpy())
