"""The lock (requirements-lock.txt) that CI installs from agrees with pyproject.toml."""

import re

import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT


def locked_versions():
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.\-\[\]]+)==(\S+)", line)
        if match:
            pins[canonicalize_name(match.group(1).split("[")[0])] = match.group(2)
    return pins


def test_every_declared_requirement_is_pinned_within_its_range():
    """Every requirement of pyproject.toml has one pin in the lock, within its range."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pins = locked_versions()
    environment = {"python_version": "3.11", "python_full_version": "3.11.0",
                   "sys_platform": "linux", "platform_system": "Linux"}
    checked = 0
    for text in declared:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not pinned in requirements-lock.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{requirement.name}=={pins[name]} in the lock is outside {requirement.specifier}"
        checked += 1
    assert checked >= len(project["dependencies"])
