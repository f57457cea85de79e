"""The MNIST digit-sequence tasks (`mnist_sum`, `mnist_count`, `mnist_prod`)."""

from tasks.mnist import task  # noqa: F401  (registration)
