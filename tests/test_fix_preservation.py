"""--fix never loses anything: encoding, BOM, line endings, comments, formatting, file mode."""

from __future__ import annotations

from losslint.engine import Settings, fix_source

SAFE = "import torch\n\n\ndef term_loss(x):  # keep me\n    #  spaced   comment\n    y = torch.log(1 + x)   # and me\n    return y\n"


def fixed(source: bytes) -> bytes:
    result = fix_source(source, "f.py", Settings())
    return result.fixed


def test_comments_and_spacing_survive():
    out = fixed(SAFE.encode()).decode()
    assert out == SAFE.replace("torch.log(1 + x)", "torch.log1p(x)")


def test_crlf_line_endings_are_kept():
    source = SAFE.replace("\n", "\r\n").encode()
    out = fixed(source)
    assert out == SAFE.replace("torch.log(1 + x)", "torch.log1p(x)").replace("\n", "\r\n").encode()
    assert b"\n" not in out.replace(b"\r\n", b"")


def test_bom_is_kept():
    out = fixed(b"\xef\xbb\xbf" + SAFE.encode())
    assert out.startswith(b"\xef\xbb\xbf") and b"torch.log1p(x)" in out


def test_declared_encoding_is_kept():
    source = ("# -*- coding: latin-1 -*-\n" + SAFE.replace("# keep me", "# café")).encode("latin-1")
    out = fixed(source)
    assert out == source.replace(b"torch.log(1 + x)", b"torch.log1p(x)")
    assert "café".encode("latin-1") in out


def test_second_fix_changes_nothing():
    once = fixed(SAFE.encode())
    assert fix_source(once, "f.py", Settings()).fixed is None


def test_nested_fixes_converge():
    head = b"import numpy as np\nimport torch\n\ndef my_loss(pred):\n    p = torch.sigmoid(pred)\n"
    result = fix_source(head + b"    return np.log(1 + np.log(1 + p))\n", "f.py", Settings(), unsafe=True)
    assert result.fixed == head + b"    return torch.log1p(torch.log1p(p))\n"
    assert result.diagnostics == []
