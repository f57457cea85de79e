"""Pictures of results: matplotlib without a display, and a figure written whole."""

from tasks.runs import atomic_path


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(figure, path, dpi=110):
    """Lay `figure` out, write it to `path` whole or not at all, and close it."""
    figure.tight_layout()
    with atomic_path(path) as partial:
        figure.savefig(partial, dpi=dpi)
    pyplot().close(figure)
