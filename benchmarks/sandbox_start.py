"""`python -m benchmarks.sandbox_start`: how long `make run` takes to a usable sandbox page.

Clones this repository's committed HEAD into a temporary folder (no .env there, so
`make run` starts the sandbox), then runs `make run` twice: the first run creates .venv
and installs everything from the package index, the second finds it installed. Usable
means: the sandbox printed its line (the bot is polling) and the page answers 200.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 900.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


def time_make_run(clone: Path) -> float:
    """Seconds from `make run` to a usable page; the sandbox is stopped afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = clone / f"make-run-{port}.log"
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "WEBHOOK_URL")}
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        make = subprocess.Popen(
            ["make", "run", f"SANDBOX_PORT={port}"],
            cwd=clone,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while not (f"open {url}" in log.read_text(encoding="utf-8") and _page_answers(url)):
            if make.poll() is not None or time.monotonic() - started > DEADLINE:
                raise RuntimeError(f"make run did not give a page:\n{log.read_text()}")
            time.sleep(0.2)
        return time.monotonic() - started
    finally:
        os.killpg(make.pid, signal.SIGINT)
        make.wait(timeout=60)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
        first = time_make_run(clone)
        second = time_make_run(clone)
    print(f"make run to a usable sandbox page: first {first:.0f} s, second {second:.0f} s")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
