"""The deployment files are checked by the tools that will read them: `systemd-analyze verify` for the units and
`caddy validate` for the reverse proxy (both installed by scripts/deploy-tools-setup.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("koinotita-*"))


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: run scripts/deploy-tools-setup.sh")
    return path


def test_every_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = need("systemd-analyze")
    assert {u.name for u in UNITS} >= {
        "koinotita-bot.service",
        "koinotita-console.service",
        "koinotita-rasa.service",
        "koinotita-backup.service",
        "koinotita-backup.timer",
    }
    # verify checks that each ExecStart= program exists: stand-ins at the units' paths, moved under tmp_path.
    root = tmp_path / "opt"
    for program in (root / ".venv/bin/koinotita", root / ".rasa-venv/bin/rasa"):
        program.parent.mkdir(parents=True, exist_ok=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        (units / unit.name).write_text(unit.read_text().replace("/opt/koinotita", str(root)))
    result = subprocess.run(
        [tool, "verify", "--man=no", *sorted(p.name for p in units.iterdir())],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr  # warnings count as failures


def test_the_reverse_proxy_config_passes_caddy_validate(tmp_path: Path) -> None:
    tool = need("caddy")
    result = subprocess.run(
        [tool, "validate", "--config", str(DEPLOY / "caddy" / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr[-2000:]


def test_the_proxy_forwards_the_webhook_and_the_console_but_not_monitoring() -> None:
    caddyfile = (DEPLOY / "caddy" / "Caddyfile").read_text()
    assert "handle /telegram" in caddyfile and "reverse_proxy 127.0.0.1:8443" in caddyfile
    assert "reverse_proxy 127.0.0.1:8080" in caddyfile
    assert "@monitoring path /healthz /readyz /metrics" in caddyfile and "respond @monitoring 404" in caddyfile
