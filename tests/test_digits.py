"""Digit sources: the bundled split, local files, and fast, clear failures."""

import gzip

import numpy as np
import pytest

from data import digits as digit_sources
from data.errors import UsageError


@pytest.fixture(scope="module")
def bundled():
    return digit_sources.load_bundled()


def test_bundled_split_is_stratified_and_disjoint(bundled):
    """4,000 train / 1,000 test images, 400 / 100 per class, no image in both."""
    assert bundled.train_images.shape == (4000, 28, 28) and bundled.train_images.dtype == np.uint8
    assert np.bincount(bundled.train_labels).tolist() == [400] * 10
    assert np.bincount(bundled.test_labels).tolist() == [100] * 10
    train = {image.tobytes() for image in bundled.train_images}
    assert not any(image.tobytes() in train for image in bundled.test_images)


def test_bundled_split_is_deterministic(bundled):
    """Loading twice gives the same split."""
    again = digit_sources.load_bundled()
    np.testing.assert_array_equal(bundled.test_images, again.test_images)


def test_restrict_keeps_only_chosen_classes(bundled):
    """restrict(1..9) drops every zero."""
    nonzero = bundled.restrict(list(range(1, 10)))
    assert 0 not in nonzero.train_labels and 0 not in nonzero.test_labels
    assert len(nonzero.test_labels) == 900


def test_npz_path_round_trip(tmp_path, bundled):
    """A Keras-style mnist.npz loads with the same arrays."""
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=bundled.train_images, y_train=bundled.train_labels,
             x_test=bundled.test_images, y_test=bundled.test_labels)
    loaded = digit_sources.load_digits(str(path))
    np.testing.assert_array_equal(loaded.test_labels, bundled.test_labels)
    assert loaded.source == str(path)


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(size).to_bytes(4, "big") for size in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_idx_folder_loads(tmp_path, bundled):
    """A folder of the four gzipped IDX files loads."""
    arrays = {"x_train": bundled.train_images[:50], "y_train": bundled.train_labels[:50],
              "x_test": bundled.test_images[:20], "y_test": bundled.test_labels[:20]}
    for key, stem in digit_sources.IDX_NAMES.items():
        _write_idx(tmp_path / f"{stem}.gz", arrays[key])
    loaded = digit_sources.load_digits(str(tmp_path))
    np.testing.assert_array_equal(loaded.train_images, arrays["x_train"])


@pytest.mark.parametrize("content", [b"not an archive", None])
def test_bad_paths_name_the_flag(tmp_path, content):
    """A missing path or a file that is not MNIST raises a UsageError naming --digits."""
    path = tmp_path / "digits.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=r"^--digits .*digits\.npz"):
        digit_sources.load_digits(str(path))


def test_full_mnist_fails_fast_offline(tmp_path, monkeypatch):
    """Without a prepared MNIST and without the network, --digits mnist fails at once."""
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(digit_sources, "_host_reachable", lambda *args, **kwargs: False)
    with pytest.raises(UsageError, match="--digits mnist: MNIST is not prepared"):
        digit_sources.load_digits("mnist")


def test_auto_falls_back_to_bundled(tmp_path, monkeypatch):
    """--digits auto uses the bundled digits when tensorflow-datasets has no MNIST."""
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    assert digit_sources.load_digits("auto").source == "bundled"
