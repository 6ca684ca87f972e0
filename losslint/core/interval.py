"""An interval domain with open and closed ends: the values an expression can take."""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


@dataclass(frozen=True)
class Interval:
    lo: float = -INF
    hi: float = INF
    lo_closed: bool = False
    hi_closed: bool = False

    # -- questions rules ask -------------------------------------------------------------
    def contains(self, value: float) -> bool:
        above = self.lo < value or (self.lo == value and self.lo_closed)
        below = value < self.hi or (value == self.hi and self.hi_closed)
        return above and below

    @property
    def may_be_zero(self) -> bool:
        return self.contains(0.0)

    @property
    def may_be_negative(self) -> bool:
        return self.lo < 0

    @property
    def may_be_nonpositive(self) -> bool:
        return self.lo < 0 or (self.lo == 0 and self.lo_closed)

    @property
    def may_reach_unit(self) -> bool:
        """Can the value reach +1 or -1 (or beyond)?"""
        return (self.hi > 1 or (self.hi == 1 and self.hi_closed)
                or self.lo < -1 or (self.lo == -1 and self.lo_closed))

    @property
    def is_positive(self) -> bool:
        return not self.may_be_nonpositive

    @property
    def is_nonnegative(self) -> bool:
        return not self.may_be_negative

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def is_constant(self) -> bool:
        return self.lo == self.hi and self.lo_closed and self.hi_closed

    def __str__(self) -> str:
        left = "[" if self.lo_closed else "("
        right = "]" if self.hi_closed else ")"
        return f"{left}{self.lo:g}, {self.hi:g}{right}"

    # -- construction ---------------------------------------------------------------------
    @staticmethod
    def const(value: float) -> Interval:
        return Interval(value, value, True, True)

    @staticmethod
    def between(lo: float, hi: float, lo_closed: bool = True, hi_closed: bool = True) -> Interval:
        return Interval(lo, hi, lo_closed and math.isfinite(lo), hi_closed and math.isfinite(hi))

    def join(self, other: Interval) -> Interval:
        """The smallest interval holding both."""
        if self.lo < other.lo:
            lo, lo_closed = self.lo, self.lo_closed
        elif other.lo < self.lo:
            lo, lo_closed = other.lo, other.lo_closed
        else:
            lo, lo_closed = self.lo, self.lo_closed or other.lo_closed
        if self.hi > other.hi:
            hi, hi_closed = self.hi, self.hi_closed
        elif other.hi > self.hi:
            hi, hi_closed = other.hi, other.hi_closed
        else:
            hi, hi_closed = self.hi, self.hi_closed or other.hi_closed
        return Interval(lo, hi, lo_closed, hi_closed)

    # -- arithmetic -------------------------------------------------------------------------
    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo, self.hi_closed, self.lo_closed)

    def __add__(self, other: Interval) -> Interval:
        return Interval.between(self.lo + other.lo, self.hi + other.hi,
                                self.lo_closed and other.lo_closed, self.hi_closed and other.hi_closed)

    def __sub__(self, other: Interval) -> Interval:
        return self + (-other)

    def __mul__(self, other: Interval) -> Interval:
        ends = []
        for a, a_closed in ((self.lo, self.lo_closed), (self.hi, self.hi_closed)):
            for b, b_closed in ((other.lo, other.lo_closed), (other.hi, other.hi_closed)):
                if (a == 0 and a_closed) or (b == 0 and b_closed):
                    ends.append((0.0, True))
                    continue
                product = a * b
                ends.append((0.0 if math.isnan(product) else product, a_closed and b_closed))
        lo = min(value for value, _ in ends)
        hi = max(value for value, _ in ends)
        lo_closed = any(closed for value, closed in ends if value == lo)
        hi_closed = any(closed for value, closed in ends if value == hi)
        return Interval.between(lo, hi, lo_closed, hi_closed)

    def reciprocal(self) -> Interval:
        if self.may_be_zero or (self.lo < 0 < self.hi):
            return UNKNOWN
        lo = 1 / self.hi if self.hi != 0 else -INF
        hi = 1 / self.lo if self.lo != 0 else INF
        if self.hi == INF:
            lo = 0.0
        if self.lo == -INF:
            hi = 0.0
        return Interval.between(min(lo, hi), max(lo, hi), self.hi_closed, self.lo_closed)

    def __truediv__(self, other: Interval) -> Interval:
        if other.may_be_zero or (other.lo < 0 < other.hi):
            # Signs still hold where the divisor keeps its sign: positive / [0, ...) is in (0, inf],
            # non-positive / [0, ...) in [-inf, 0] (0 / 0 is NaN, which no interval holds).
            if other.is_nonnegative and self.is_positive:
                return POSITIVE
            if other.is_nonnegative and self.hi <= 0:
                return Interval(-INF, 0.0, False, True)
            if other.is_nonnegative and self.is_nonnegative:
                return NONNEGATIVE
            return UNKNOWN
        return self * other.reciprocal()

    def square(self) -> Interval:
        if self.lo < 0 < self.hi or self.may_be_zero:
            top = max(self.lo * self.lo, self.hi * self.hi)
            return Interval.between(0.0, top, True, False if math.isinf(top) else True)
        return self * self

    def abs(self) -> Interval:
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Interval.between(0.0, max(-self.lo, self.hi), True, True)

    def power(self, exponent: float) -> Interval:
        if exponent == 1:
            return self
        if exponent == 0:
            return Interval.const(1.0)
        if float(exponent).is_integer() and int(exponent) % 2 == 0:
            squared = self.square()
            if exponent == 2:
                return squared
            return NONNEGATIVE if squared.may_be_zero else POSITIVE
        if self.is_positive:
            return POSITIVE
        if self.is_nonnegative:  # a negative power of 0 is inf: still not below 0
            return NONNEGATIVE
        return UNKNOWN

    def any_power(self) -> Interval:
        """``x ** y`` for an exponent of unknown range: the sign of a base that has one is kept."""
        return POSITIVE if self.is_positive else NONNEGATIVE if self.is_nonnegative else UNKNOWN

    def clamp(self, floor: Interval | None, ceiling: Interval | None) -> Interval:
        """``clamp(self, min=floor, max=ceiling)``: the floor raises the low end, the ceiling lowers the high."""
        result = self
        if floor is not None:
            result = result.maximum(floor)
        if ceiling is not None:
            result = result.minimum(ceiling)
        return result

    def intersect(self, other: Interval) -> Interval:
        """The values in both; at a shared end, closed only if both are. Empty yields ``other``."""
        if self.lo > other.lo or (self.lo == other.lo and not self.lo_closed):
            lo, lo_closed = self.lo, self.lo_closed
        else:
            lo, lo_closed = other.lo, other.lo_closed
        if self.hi < other.hi or (self.hi == other.hi and not self.hi_closed):
            hi, hi_closed = self.hi, self.hi_closed
        else:
            hi, hi_closed = other.hi, other.hi_closed
        if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
            return other
        return Interval(lo, hi, lo_closed, hi_closed)

    def maximum(self, other: Interval) -> Interval:
        # max(x, y) reaches a shared low end only when both do; a shared high end when either does.
        lo, lo_closed = _larger_end(self.lo, self.lo_closed, other.lo, other.lo_closed, both=True)
        hi, hi_closed = _larger_end(self.hi, self.hi_closed, other.hi, other.hi_closed)
        return Interval(lo, hi, lo_closed, hi_closed)

    def minimum(self, other: Interval) -> Interval:
        return -((-self).maximum(-other))


def _larger_end(a: float, a_closed: bool, b: float, b_closed: bool, both: bool = False) -> tuple[float, bool]:
    if a > b:
        return a, a_closed
    if b > a:
        return b, b_closed
    return a, (a_closed and b_closed) if both else (a_closed or b_closed)


UNKNOWN = Interval()
POSITIVE = Interval(0.0, INF, False, False)
NONNEGATIVE = Interval(0.0, INF, True, False)
UNIT = Interval(0.0, 1.0, True, True)  # probabilities: sigmoid and softmax saturate to 0 and 1 in float
SYMMETRIC_UNIT = Interval(-1.0, 1.0, True, True)
