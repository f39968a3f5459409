"""Install and deploy files: the lock file pins every dependency with hashes; units set UMask."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match is not None
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _locked() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from requirements.lock."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    locked: dict[str, tuple[str, int]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)", block)
        if match:
            locked[_name(match.group(1))] = (match.group(2), block.count("--hash=sha256:"))
    return locked


def test_every_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    locked = _locked()
    missing = [req for req in wanted if _name(req) not in locked]
    assert not missing, "run `make lock`: requirements.lock lacks " + ", ".join(missing)
    assert all(hashes > 0 for _, hashes in locked.values())


def test_aiohttp_is_past_the_request_smuggling_fix() -> None:
    version = tuple(int(part) for part in _locked()["aiohttp"][0].split(".")[:3])
    assert version >= (3, 12, 14)


def test_make_and_ci_install_from_the_lock_file() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r $(LOCK)" in makefile and "LOCK := requirements.lock" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_systemd_units_create_private_files() -> None:
    for unit in (ROOT / "deploy").glob("*.service"):
        assert "\nUMask=0077\n" in unit.read_text(encoding="utf-8"), unit.name
