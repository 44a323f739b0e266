"""The install scripts wait for the apt/dpkg lock, and the package metadata is current."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APT_SH = ROOT / "scripts" / "lib" / "apt.sh"


def _fake_apt(tmp_path: Path, locked_tries: int) -> Path:
    """An apt-get that reports a held lock ``locked_tries`` times, then succeeds."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    counter = tmp_path / "tries"
    counter.write_text("0")
    script = bin_dir / "apt-get"
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'n=$(cat "{counter}"); n=$((n + 1)); echo "$n" > "{counter}"\n'
        f'echo "$*" >> "{tmp_path}/calls"\n'
        f'if [ "$n" -le {locked_tries} ]; then\n'
        '  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2\n'
        "  exit 100\nfi\nexit 0\n"
    )
    script.chmod(0o755)
    return bin_dir


def _run(tmp_path: Path, bin_dir: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "APT_LOCK_POLL": "1",
           "APT_LOCK_TIMEOUT": str(timeout)}
    # as root apt_install runs apt-get directly; otherwise a fake sudo passes the command through
    sudo = bin_dir / "sudo"
    sudo.write_text('#!/usr/bin/env bash\nexec "$@"\n')
    sudo.chmod(0o755)
    return subprocess.run(["bash", "-c", f'set -euo pipefail; source "{APT_SH}"; apt_install test some-package'],
                          env=env, capture_output=True, text=True, timeout=60)


def test_apt_install_waits_for_a_held_lock(tmp_path):
    bin_dir = _fake_apt(tmp_path, locked_tries=2)
    result = _run(tmp_path, bin_dir, timeout=30)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    # update waited through two refusals, then update and install ran
    assert len(calls) == 4
    assert all("DPkg::Lock::Timeout=30" in call for call in calls)
    assert calls[-1].endswith("install -y -qq --no-install-recommends some-package")
    assert "waiting" in result.stderr


def test_apt_install_gives_up_after_the_timeout(tmp_path):
    bin_dir = _fake_apt(tmp_path, locked_tries=1000)
    result = _run(tmp_path, bin_dir, timeout=2)
    assert result.returncode == 100
    assert "still held" in result.stderr
    assert "install" not in (tmp_path / "calls").read_text()


def test_apt_install_fails_at_once_on_other_errors(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text('#!/usr/bin/env bash\necho "E: Unable to locate package x" >&2\nexit 100\n')
    (bin_dir / "apt-get").chmod(0o755)
    result = _run(tmp_path, bin_dir, timeout=30)
    assert result.returncode == 100
    assert "waiting" not in result.stderr
    assert "Unable to locate package" in result.stderr


def test_package_license_is_an_spdx_expression_with_a_setuptools_that_reads_it():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # a table ({text = ...}) is deprecated since setuptools 77 and prints a warning block on install
    assert meta["project"]["license"] == "AGPL-3.0-or-later"
    assert not any("License ::" in c for c in meta["project"].get("classifiers", []))
    requires = meta["build-system"]["requires"]
    assert "setuptools>=77" in requires, requires
