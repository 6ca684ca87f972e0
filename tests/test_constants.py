"""Constants from sibling modules, inferred by astroid only when a rule needs one."""

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


def test_astroid_is_loaded_only_when_a_value_needs_it(tmp_path):
    plain = tmp_path / "plain.py"
    plain.write_text("import torch\n\ndef log_loss(p):\n    return torch.log(p + 1e-7).mean()\n")
    imported = tmp_path / "imported.py"
    imported.write_text("import torch\nfrom settings import FLOOR\n\ndef log_loss(p):\n"
                        "    return torch.log(p + FLOOR).mean()\n")
    (tmp_path / "settings.py").write_text("FLOOR = 1e-6\n")
    probe = ("import sys\nfrom losslint.engine import Settings, lint_source\n"
             "path = sys.argv[1]\nlint_source(open(path, 'rb').read(), path, Settings())\n"
             "print('astroid' in sys.modules)\n")
    def loads_astroid(path: Path) -> bool:
        out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=ROOT)
        return out.stdout.strip() == "True"
    assert not loads_astroid(plain)
    assert loads_astroid(imported)
