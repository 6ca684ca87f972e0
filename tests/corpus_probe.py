"""Import a module of a corpus copy and call the given functions (``name`` or ``Class.method``, on
an instance made without arguments) with small random tensors; print one JSON line per function:
how the call ended.

    python tests/corpus_probe.py ROOT MODULE FUNCTION...

Run once on the copy before --fix and once after: a function that ran before must run after.
"""

from __future__ import annotations

import importlib
import inspect
import json
import signal
import sys
import warnings


def _tensors(framework: str, count: int):
    if framework == "tf":
        import tensorflow as tf

        return [tf.random.uniform((2, 3), 0.1, 1.0, seed=i) for i in range(count)]
    import torch

    generator = torch.Generator().manual_seed(0)
    return [torch.rand(2, 3, generator=generator) + 0.1 for _ in range(count)]


def _outcome(function, framework: str) -> str:
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return "no signature"
    if len(parameters) > 4:
        return "too many parameters"
    signal.alarm(20)
    try:
        function(*_tensors(framework, len(parameters)))
    except Exception as error:  # how the original fails is recorded, not judged
        return f"raised {type(error).__name__}"
    finally:
        signal.alarm(0)
    return "ran"


def _function(module, name: str):
    owner, _, method = name.rpartition(".")
    if not owner:
        return getattr(module, name, None)
    cls = getattr(module, owner, None)
    try:
        signal.alarm(20)
        instance = cls()
    except Exception:  # a class that needs arguments: not probed
        return "no instance"
    finally:
        signal.alarm(0)
    return getattr(instance, method, None)


def main() -> None:
    root, module_name, *names = sys.argv[1:]
    sys.path.insert(0, root)
    warnings.simplefilter("ignore")
    try:
        module = importlib.import_module(module_name)
    except BaseException as error:  # noqa: BLE001 - a corpus module may fail to import in any way
        print(json.dumps({"import": f"failed: {type(error).__name__}"}))
        return
    source = inspect.getsource(module)
    framework = "tf" if ("tensorflow" in source or "keras" in source) and "torch" not in source else "torch"
    for name in names:
        function = _function(module, name)
        result = _outcome(function, framework) if callable(function) else function or "missing"
        print(json.dumps({"function": name, "outcome": result}))


if __name__ == "__main__":
    main()
