"""Constants and helpers from sibling modules: the import followed to the module that defines them."""

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


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "mypkg"
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(textwrap.dedent(text))
    return package


def test_a_guard_inside_a_helper_of_a_sibling_module_counts(tmp_path):
    package = _package(tmp_path, {
        "__init__.py": "",
        "utils/__init__.py": "from .guards import floor\n",
        "utils/guards.py": """
            import torch

            def floor(x):
                return x.clamp(min=1e-6)

            def identity(x):
                return x
        """,
        "losses.py": """
            import torch
            from .utils import floor
            from .utils import guards
            from mypkg.utils import guards as g

            def nll(p, y):
                return -(y * torch.log(floor(p))).mean()

            def nll_module(p, y):
                return -(y * torch.log(guards.floor(p))).mean()

            def nll_absolute(p, y):
                return -(y * torch.log(g.floor(p))).mean()

            def nll_unguarded(p, y):
                return -(y * torch.log(g.identity(p))).mean()
        """})
    found = lint_source((package / "losses.py").read_bytes(), str(package / "losses.py"), Settings()).diagnostics
    assert [(d.code, d.location.row) for d in found] == [("LL201", 17)]


def test_a_static_shape_from_a_sibling_helper_carries_no_gradient(tmp_path):
    # t2t's ``shape_list``: sizes, not values of the prediction.
    package = _package(tmp_path, {
        "__init__.py": "",
        "common.py": """
            import tensorflow as tf

            def shape_list(x):
                static = x.get_shape().as_list()
                shape = tf.shape(x)
                return [shape[i] if dim is None else dim for i, dim in enumerate(static)]

            def scaled(x):
                return x * 2.0
        """,
        "attention.py": """
            import tensorflow as tf
            from mypkg import common

            def attention_loss(q, k, labels):
                scalar = tf.rsqrt(tf.to_float(common.shape_list(q)[2]))
                logits = tf.matmul(q * scalar, k, transpose_b=True)
                return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))

            def spread_loss(q, labels):
                spread = tf.sqrt(tf.reduce_sum(tf.square(common.scaled(q) - labels)))
                return spread
        """})
    found = lint_source((package / "attention.py").read_bytes(), str(package / "attention.py"), Settings()).diagnostics
    assert [(d.code, d.location.row) for d in found] == [("LL203", 11)]
