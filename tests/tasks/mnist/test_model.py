"""The MNIST sequence model: the encoder's normalisation and test-time shifts, and calls at
any length."""

import numpy as np


def moved(images, rows, columns):
    """`images` (n, 28, 28, 1) moved by (rows, columns) whole pixels, zeros filled in."""
    out = np.zeros_like(images)
    source = images[:, max(0, -rows):28 - max(0, rows), max(0, -columns):28 - max(0, columns)]
    out[:, max(0, rows):max(0, rows) + source.shape[1],
        max(0, columns):max(0, columns) + source.shape[2]] = source
    return out


def assert_normalises_each_image(encoder, index, images):
    """The encoder's layer `index` maps each image's values v to (v - mean) / sqrt(var + eps)
    (over all of that image's units; gamma 1 and beta 0 as built)."""
    values = images
    for layer in encoder.layers[:index]:
        values = layer(values)
    normalised = np.asarray(encoder.layers[index](values)).reshape(len(images), -1)
    values = np.asarray(values).reshape(len(images), -1)
    expected = ((values - values.mean(axis=1, keepdims=True))
                / np.sqrt(values.var(axis=1, keepdims=True) + encoder.layers[index].epsilon))
    np.testing.assert_allclose(normalised, expected, rtol=1e-3, atol=1e-3)


def test_layer_norm_normalises_each_image_on_its_own():
    """--encoder-norm layer: an image's encoding does not depend on the rest of its batch."""
    import keras

    from tasks.mnist.model import build_encoder

    encoder = build_encoder(1, norm="layer")
    norms = [index for index, layer in enumerate(encoder.layers)
             if isinstance(layer, keras.layers.GroupNormalization)]
    assert [type(encoder.layers[index - 1]).__name__ for index in norms] == [
        "Conv2D", "Conv2D", "Dense"]
    assert not any(isinstance(layer, keras.layers.GroupNormalization)
                   for layer in build_encoder(1).layers)
    rng = np.random.default_rng(2)
    images = rng.random((6, 28, 28, 1)).astype("float32")
    assert_normalises_each_image(encoder, norms[0], images)
    for training in (True, False):
        alone = np.asarray(encoder(images[:1], training=training))
        in_batch = np.asarray(encoder(images, training=training))[:1]
        np.testing.assert_allclose(alone, in_batch, rtol=1e-5, atol=1e-6)


def test_pooled_norm_normalises_after_each_pooling_and_the_dense_layer():
    """--encoder-norm pooled: the same per-image normalisation, after each pooling instead."""
    import keras

    from tasks.mnist.model import build_encoder

    encoder = build_encoder(1, norm="pooled")
    norms = [index for index, layer in enumerate(encoder.layers)
             if isinstance(layer, keras.layers.GroupNormalization)]
    assert [type(encoder.layers[index - 1]).__name__ for index in norms] == [
        "MaxPooling2D", "MaxPooling2D", "Dense"]
    images = np.random.default_rng(3).random((4, 28, 28, 1)).astype("float32")
    assert_normalises_each_image(encoder, norms[0], images)


def test_late_norm_leaves_out_the_first_conv_layers_normalisation():
    """--encoder-norm late: the per-image normalisation after conv2 and the dense layer only."""
    import keras

    from tasks.mnist.model import build_encoder

    encoder = build_encoder(1, norm="late")
    norms = [index for index, layer in enumerate(encoder.layers)
             if isinstance(layer, keras.layers.GroupNormalization)]
    before = [encoder.layers[index - 1] for index in norms]
    assert [type(layer).__name__ for layer in before] == ["Conv2D", "Dense"]
    assert before[0].filters == 50
    images = np.random.default_rng(4).random((4, 28, 28, 1)).astype("float32")
    assert_normalises_each_image(encoder, norms[0], images)


def test_test_shift_averages_the_encoder_over_every_move_outside_training_only():
    """--test-shift 1 averages the encoder over 9 moves outside training only."""
    from tasks.mnist.model import build_encoder

    shifted = build_encoder(3, test_shift=1)
    plain = build_encoder(3)
    plain.set_weights(shifted.get_weights())
    images = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    expected = np.mean([np.asarray(plain(moved(images, rows, columns)))
                        for rows in (-1, 0, 1) for columns in (-1, 0, 1)], axis=0)
    inference = np.asarray(shifted.predict(images, verbose=0))
    assert inference.shape == (5, 3)
    np.testing.assert_allclose(inference, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(inference, np.asarray(plain(images)), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(np.asarray(shifted(images, training=True)),
                               np.asarray(plain(images)), rtol=1e-6, atol=1e-7)


def test_the_model_predicts_one_length_after_another():
    """model.predict at lengths 7, 1 and 4 in turn: each sum is the sum of the image values."""
    from tasks.mnist.config import MnistConfig
    from tasks.registry import get_task

    task = get_task("mnist_sum")
    config = MnistConfig(task="mnist_sum", steps=10)
    model = task.make_model(config.resolved(task.defaults_for(config)))
    rng = np.random.default_rng(1)
    for length in (7, 1, 4):
        images = rng.random((3, length, 28, 28, 1)).astype("float32")
        sums = np.asarray(model.predict(images, verbose=0)).ravel()
        singles = np.asarray(model.predict(images.reshape(-1, 1, 28, 28, 1), verbose=0))
        np.testing.assert_allclose(sums, singles.reshape(3, length).sum(axis=1), rtol=1e-4,
                                   atol=1e-6)
