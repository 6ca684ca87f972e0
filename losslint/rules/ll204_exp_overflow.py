import re

import libcst as cst

from losslint.core.walk import iter_nodes
from losslint.rules.base import LOSS, Rule

# float32 exp overflows above 88.7: an argument that cannot exceed this is safe.
EXP_LIMIT = 88.0
GROWING_OPS = {"abs": "abs", "square": "a square", "exp": "exp", "pow": "a power"}


class ExpOverflow(Rule):
    """LL204: ``exp`` of an argument that grows without bound (a square, an abs, a product)."""

    code = "LL204"
    name = "exp-overflow"
    summary = "`exp` of a value that grows without bound overflows to inf"
    runs_in = LOSS
    trigger = re.compile(rb"exp")

    def visit_Call(self, call: cst.Call) -> None:
        meaning = self.facts.meaning(call)
        if meaning is None or meaning.op.name not in ("exp", "expm1") or meaning.framework in ("math", "builtin"):
            return
        operands = self.facts.operands(call)
        if len(operands) != 1:
            return
        arg = operands[0]
        if self.facts.range(arg).hi <= EXP_LIMIT:  # exp(-x**2), exp(clamped): bounded above
            return
        growth = self._growth(self._definition(arg))
        if growth is None:
            return
        self.report(call, f"`{meaning.op.name}` of {growth} overflows to inf in float32 once the argument "
                          f"passes 88 (|x| > 9.4 for a square); keep the loss in log space (logsumexp, "
                          f"softplus, log-cosh) or use a loss that grows linearly (Huber)")

    def _definition(self, node: cst.BaseExpression, depth: int = 0) -> cst.BaseExpression:
        """Follow a local name to the one value it was assigned (``d = tf.abs(e); tf.exp(d)``)."""
        env = self.facts.env()
        while isinstance(node, cst.Name) and node.value in env and len(env[node.value]) == 1 and depth < 5:
            binding = env[node.value][0]
            if binding == "outer":
                break
            node, env, depth = binding.value, binding.env, depth + 1
        return node

    def _growth(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        """What makes ``node`` grow without bound, or None for an ordinary (linear) argument. A
        growing value keeps growing when summed or averaged, or scaled by a positive constant
        (``sse = ((p - y) ** 2).sum(); exp(sse / tau)``)."""
        if depth > 6:
            return None
        if isinstance(node, cst.Call):
            op = self.facts.op_name(node)
            if op in ("sum", "mean") and len(self.facts.operands(node)) >= 1:
                return self._growth(self._definition(self.facts.operands(node)[0]), depth + 1)
            if op == "pow":
                exponent = self.facts.operands(node)[1:2] or [a.value for a in node.args if a.keyword]
                return "a power" if exponent and self.facts.range(exponent[0]).lo > 1 else None
            return GROWING_OPS.get(op)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Power):
                exponent = self.facts.range(node.right)
                return "a power" if exponent.is_constant and exponent.lo > 1 else None
            if isinstance(node.operator, (cst.Multiply, cst.Divide)):
                left, right = self.facts.range(node.left), self.facts.range(node.right)
                for scaled, scale in ((node.left, right), (node.right, left)):
                    if scale.is_constant and scale.lo > 0:  # d ** 2 / tau, 0.5 * d ** 2
                        return self._growth(self._definition(scaled), depth + 1)
                    if isinstance(node.operator, cst.Divide):
                        break  # (tau / d ** 2 shrinks)
            if isinstance(node.operator, cst.Multiply):
                if node.left.deep_equals(node.right):
                    return "a square"
                if not left.bounded and not right.bounded and not _mentions_targets(node) \
                        and self.facts.is_tensor_like(node.left) and self.facts.is_tensor_like(node.right):
                    return "a product of two unbounded tensors"
        return None


# Labels, masks and weights scale a prediction; a product with them is a margin, not a square.
TARGET_NAME = re.compile(r"true|target|label|mask|weight|(^|_)gt($|_)|(^|_)y($|_)", re.IGNORECASE)


def _mentions_targets(node: cst.BaseExpression) -> bool:
    return any(isinstance(n, cst.Name) and TARGET_NAME.search(n.value) for n in [node, *iter_nodes(node)])
