"""Program evaluation (Trask et al. 2018, section 4.4)."""

from tasks.programs import task  # noqa: F401  (registration)
