"""Train a Rasa NLU model and run it as a local sidecar server, from Python.

Rasa lives in its own Python 3.10 virtual environment (`.rasa-venv/`, made by
`scripts/rasa-setup.sh`), so everything here drives it through subprocesses and never imports rasa.
Used by the Rasa integration tests and benchmarks; in production `scripts/rasa-serve.sh` runs it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VENV = REPO_ROOT / ".rasa-venv"
DEFAULT_CONFIG = REPO_ROOT / "nlu" / "rasa" / "config.yml"
DEFAULT_DATA_DIR = REPO_ROOT / "nlu" / "data"
SETUP_HINT = "run scripts/rasa-setup.sh to create the Rasa environment (.rasa-venv/)"

# The one DIETClassifier `epochs:` line in config.yml (the other components have no epochs).
_EPOCHS_LINE = re.compile(r"^(\s*epochs:\s*)\d+\s*$", re.MULTILINE)


class RasaSidecarError(RuntimeError):
    """Training or starting the sidecar failed; the message ends with the tail of Rasa's log."""


def rasa_venv() -> Path:
    """The Rasa virtual environment: KOINOTITA_RASA_VENV, else `.rasa-venv/` in the repo root."""
    override = os.environ.get("KOINOTITA_RASA_VENV")
    return Path(override) if override else DEFAULT_VENV


def rasa_available(venv: Path | None = None) -> bool:
    """True when the Rasa environment exists and `import rasa` works in it."""
    python = (venv or rasa_venv()) / "bin" / "python"
    if not python.exists():
        return False
    try:
        done = subprocess.run([str(python), "-c", "import rasa"], capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: no telemetry (no network), quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        # Rasa 3.6 warns on every import about SQLAlchemy 2.0 deprecations; not ours to fix.
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def config_with_epochs(config_text: str, epochs: int) -> str:
    """config.yml with DIETClassifier trained for `epochs` instead of its default."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    patched, count = _EPOCHS_LINE.subn(lambda m: f"{m.group(1)}{epochs}", config_text)
    if count != 1:
        raise ValueError(f"expected one 'epochs:' line in the Rasa config, found {count}")
    return patched


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class RasaSidecar:
    """Train a model into `workdir`, then serve it on 127.0.0.1 for the life of the `with` block.

    `workdir` receives the model, Rasa's training cache and its logs (rasa-train.log,
    rasa-server.log). `port=0` picks a free port; `epochs=None` keeps the config's.

    `data_paths` (files or directories, relative to `data_dir` or absolute) trains on a subset,
    e.g. a few intents for a quick CI test; by default the whole `data_dir` is used.
    """

    def __init__(
        self,
        data_dir: Path,
        workdir: Path,
        port: int = 0,
        epochs: int | None = None,
        *,
        data_paths: Sequence[Path] | None = None,
        config: Path = DEFAULT_CONFIG,
        venv: Path | None = None,
        train_timeout: float = 3600.0,
        start_timeout: float = 180.0,
    ) -> None:
        self.data_dir = data_dir
        self.workdir = workdir
        self.port = port or free_port()
        self.epochs = epochs
        self.data_paths = list(data_paths) if data_paths is not None else None
        self.config = config
        self.venv = venv or rasa_venv()
        self.train_timeout = train_timeout
        self.start_timeout = start_timeout
        self.url = f"http://127.0.0.1:{self.port}"
        self.train_seconds: float | None = None
        self.start_seconds: float | None = None
        self.model_path: Path | None = None
        self._server: subprocess.Popen[bytes] | None = None

    # -- the context manager -------------------------------------------------------------------
    def __enter__(self) -> RasaSidecar:
        self.train()
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- steps ---------------------------------------------------------------------------------
    def _rasa(self) -> Path:
        rasa = self.venv / "bin" / "rasa"
        if not rasa.exists():
            raise RasaSidecarError(f"{rasa} not found: {SETUP_HINT}")
        return rasa

    @property
    def pid(self) -> int | None:
        """The server's process id (also its process group id) while it runs."""
        return self._server.pid if self._server is not None else None

    def training_data_dir(self) -> Path:
        """The directory Rasa trains on; a copy of just `data_paths` when a subset is asked for."""
        if self.data_paths is None:
            return self.data_dir
        target = self.workdir / "data"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for given in self.data_paths:
            source = given if given.is_absolute() else self.data_dir / given
            if not source.exists():
                raise FileNotFoundError(source)
            # Keep the relative layout so that two files with the same name cannot collide.
            try:
                relative = source.relative_to(self.data_dir)
            except ValueError:
                relative = Path(source.name)
            if source.is_dir():
                shutil.copytree(source, target / relative, dirs_exist_ok=True)
            else:
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / relative)
        return target

    def _config_file(self) -> Path:
        if self.epochs is None:
            return self.config
        patched = self.workdir / "config.yml"
        patched.write_text(config_with_epochs(self.config.read_text(encoding="utf-8"), self.epochs), encoding="utf-8")
        return patched

    def train(self) -> Path:
        """Train the NLU model; returns the model archive and sets `train_seconds`."""
        rasa = self._rasa()
        self.workdir.mkdir(parents=True, exist_ok=True)
        models = self.workdir / "models"
        command = [
            str(rasa),
            "train",
            "nlu",
            "--nlu",
            str(self.training_data_dir().resolve()),
            "--config",
            str(self._config_file().resolve()),
            "--out",
            str(models.resolve()),
            "--fixed-model-name",
            "koinotita-nlu",
        ]
        train_log = self.workdir / "rasa-train.log"
        started = time.monotonic()
        with train_log.open("wb") as out:
            try:
                # cwd=workdir: Rasa writes its training cache (.rasa/) into the working directory.
                done = subprocess.run(
                    command,
                    cwd=self.workdir,
                    env=rasa_env(),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=self.train_timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise RasaSidecarError(
                    f"rasa train timed out after {self.train_timeout:.0f}s\n{_tail(train_log)}"
                ) from exc
        self.train_seconds = time.monotonic() - started
        model = models / "koinotita-nlu.tar.gz"
        if done.returncode != 0 or not model.exists():
            raise RasaSidecarError(f"rasa train failed (exit {done.returncode})\n{_tail(train_log)}")
        log.info("Rasa NLU model trained in %.1fs", self.train_seconds)
        self.model_path = model
        return model

    def start(self) -> None:
        """Start `rasa run --enable-api` on 127.0.0.1 and wait until it has loaded the model."""
        if self.model_path is None:
            raise RasaSidecarError("train() the model before start()")
        command = [
            str(self._rasa()),
            "run",
            "--enable-api",
            "-m",
            str(self.model_path.resolve()),
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        server_log = (self.workdir / "rasa-server.log").open("wb")
        started = time.monotonic()
        # Its own session (process group), so stop() can end Rasa and any worker it forks.
        self._server = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=rasa_env(),
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server_log.close()
        deadline = started + self.start_timeout
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RasaSidecarError(
                    f"rasa run exited with {self._server.returncode}\n{_tail(self.workdir / 'rasa-server.log')}"
                )
            if self._status_ok():
                self.start_seconds = time.monotonic() - started
                log.info("Rasa sidecar up at %s after %.1fs", self.url, self.start_seconds)
                return
            time.sleep(0.5)
        raise RasaSidecarError(
            f"rasa run did not answer on {self.url} within {self.start_timeout:.0f}s\n"
            f"{_tail(self.workdir / 'rasa-server.log')}"
        )

    def _status_ok(self) -> bool:
        # /status answers 200 only once the agent has a model loaded (409 before).
        try:
            with urllib.request.urlopen(f"{self.url}/status", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def memory_bytes(self) -> int | None:
        """Resident memory of the server process group (Linux /proc), None when not running."""
        if self._server is None or self._server.poll() is not None:
            return None
        total = 0
        for status in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = status.read_text().rsplit(")", 1)[1].split()
                # Field 5 of stat is the process group id (index 2 after the command name).
                if int(fields[2]) != self._server.pid:
                    continue
                rss = (status.parent / "statm").read_text().split()[1]
                total += int(rss) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        return total

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server and everything in its process group (SIGTERM, then SIGKILL)."""
        server, self._server = self._server, None
        if server is None or server.poll() is not None:
            return
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=grace)
        except ProcessLookupError:
            pass
