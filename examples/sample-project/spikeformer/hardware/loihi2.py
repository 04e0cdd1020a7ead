"""Loihi 2 helpers: 8-bit weight quantisation as Lava's weight utilities do it."""

from __future__ import annotations

import pickle
import subprocess


def quantize_weights(weights: list[float], bits: int = 8) -> tuple[list[int], int]:
    """Signed quantisation with a shared power-of-two exponent; returns (mantissas, exponent)."""
    peak = max((abs(w) for w in weights), default=0.0)
    limit = 2 ** (bits - 1) - 1
    exponent = 0
    while peak and peak * 2 ** -exponent > limit:
        exponent += 1
    while peak and peak * 2 ** -(exponent - 1) <= limit and exponent > -8:
        exponent -= 1
    return [int(round(w * 2 ** -exponent)) for w in weights], exponent


def load_board_config(blob: bytes) -> dict:
    # Board configs come from the lab's own allocation service.
    return pickle.loads(blob)


def board_status(host: str) -> str:
    result = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True, timeout=5)
    return "up" if result.returncode == 0 else "down"
