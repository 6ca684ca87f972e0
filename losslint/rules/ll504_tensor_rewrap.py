import re

import libcst as cst

from losslint.rules.base import LOSS, Rule

# Not jnp.array: under jax.grad it copies a traced value and keeps its gradient.
REWRAPS = {"torch.tensor", "torch.as_tensor", "torch.Tensor", "torch.FloatTensor", "tf.constant",
           "tf.Variable", "np.array", "np.asarray"}


class TensorRewrap(Rule):
    """LL504: a prediction-derived tensor wrapped again into a new tensor: the graph is cut."""

    code = "LL504"
    name = "tensor-rewrap"
    summary = "a prediction-derived tensor re-wrapped into a new tensor loses its gradient"
    runs_in = LOSS
    trigger = re.compile(rb"tensor\(|Tensor\(|constant\(|Variable\(|array\(")

    def visit_Call(self, call: cst.Call) -> None:
        qualified = self.facts.imports.qualify(call.func)
        if qualified not in REWRAPS or not call.args or call.args[0].keyword is not None:
            return
        value = call.args[0].value
        if not self.facts.is_prediction_derived(value) or not self.facts.is_tensor_like(value):
            return
        consequence = ("fails inside tf.function, as Keras runs a loss (eager mode passes it through)"
                       if qualified.startswith("tf.") else
                       "copies its values into a new tensor with no history: no gradient flows back through it")
        self.report(call, f"`{qualified}` of a tensor computed from the prediction {consequence}; use the tensor "
                          f"itself (`.to(dtype)` / `tf.cast` to change the type)")
