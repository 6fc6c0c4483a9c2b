"""The benchmarks' option parsers: a value that makes no sense (0 rounds, -3 seconds) gets argparse's one
sentence and exit status 2 before anything starts, never a traceback or a run that divides by zero."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from typing import TypeVar

Number = TypeVar("Number", int, float)


def positive(kind: Callable[[str], Number]) -> Callable[[str], Number]:
    """A number above 0 of `kind` (int or float)."""
    return _bounded(kind, "above 0", lambda value: value > 0)


def not_negative(kind: Callable[[str], Number]) -> Callable[[str], Number]:
    """A number of `kind` that may be 0 (a warm-up of none)."""
    return _bounded(kind, "0 or more", lambda value: value >= 0)


def fraction(text: str) -> float:
    """A share from 0 to 1."""
    return _bounded(float, "from 0 to 1", lambda value: 0 <= value <= 1)(text)


def rising_rates(text: str) -> list[float]:
    """Comma-separated rates above 0, each higher than the one before (a sweep stops at the first it cannot
    keep up with)."""
    rates = [positive(float)(part.strip()) for part in text.split(",")]
    if any(later <= earlier for earlier, later in itertools.pairwise(rates)):
        raise argparse.ArgumentTypeError(f"the rates must rise, as in 2,4,8: not {text!r}")
    return rates


def counts(text: str) -> list[int]:
    """Comma-separated whole numbers, 0 or more (history sizes)."""
    return [not_negative(int)(part.strip()) for part in text.split(",")]


def _bounded(kind: Callable[[str], Number], wanted: str, ok: Callable[[Number], bool]) -> Callable[[str], Number]:
    def parse(text: str) -> Number:
        try:
            value = kind(text)
        except ValueError:
            whole = "whole " if kind is int else ""
            raise argparse.ArgumentTypeError(f"{text!r} is not a {whole}number") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{text!r} must be {wanted}")
        return value

    return parse
