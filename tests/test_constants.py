"""Constants from sibling modules: the import followed to the module that assigns the number."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from losslint.engine import Settings, lint_source

ROOT = Path(__file__).resolve().parent.parent


def lint_file(path: Path) -> list[str]:
    return [d.code for d in lint_source(path.read_bytes(), str(path), Settings()).diagnostics]


def test_weight_imported_from_a_sibling_module(tmp_path):
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text("LAMBDA_KL = 1e-8\n")
    (package / "loss.py").write_text(textwrap.dedent("""
        import torch
        from .config import LAMBDA_KL

        def vae_loss(recon, x, mu, logvar):
            rec = ((recon - x) ** 2).mean()
            kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
            return rec + LAMBDA_KL * kl
    """))
    assert lint_file(package / "loss.py") == ["LL301", "LL302"]


def test_constant_from_a_flat_sibling_decides_a_guard(tmp_path):
    source = "import torch\nfrom settings import FLOOR\n\ndef log_loss(p):\n    return torch.log(p + FLOOR).mean()\n"
    (tmp_path / "loss.py").write_text(source)
    (tmp_path / "settings.py").write_text("FLOOR = 1e-6\n")
    assert lint_file(tmp_path / "loss.py") == []
    (tmp_path / "settings.py").write_text("FLOOR = -1.0\n")
    assert lint_file(tmp_path / "loss.py") == ["LL201"]


def test_constant_re_exported_by_the_package_is_followed(tmp_path):
    package = tmp_path / "mypkg"
    (package / "losses").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "defaults.py").write_text("FLOOR = 1e-6\n")
    (package / "losses" / "__init__.py").write_text("from ..defaults import FLOOR\n")
    (package / "losses" / "log.py").write_text(
        "import torch\nfrom mypkg.losses import FLOOR\n\ndef log_loss(p):\n    return torch.log(p + FLOOR).mean()\n")
    assert lint_file(package / "losses" / "log.py") == []
    (package / "defaults.py").write_text("FLOOR = 0.0\n")
    assert lint_file(package / "losses" / "log.py") == ["LL201"]


def test_a_module_that_names_no_value_leaves_it_unknown(tmp_path):
    (tmp_path / "settings.py").write_text("import os\nFLOOR = float(os.environ['FLOOR'])\n")
    (tmp_path / "loss.py").write_text(
        "import torch\nfrom settings import FLOOR\n\ndef log_loss(p):\n    return torch.log(p + FLOOR).mean()\n")
    assert lint_file(tmp_path / "loss.py") == ["LL201"]
