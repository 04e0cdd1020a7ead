"""Rate coding and conversion of dense layers into spiking layers."""

from __future__ import annotations

import math

from spikeformer.neurons import LIFNeuron, LIFParameters


def rate_encode(values: list[float], steps: int) -> list[list[int]]:
    """Deterministic rate code: value v in [0, 1] fires round(v * steps) times, evenly spread."""
    if steps <= 0:
        raise ValueError("steps must be positive")
    trains = []
    for v in values:
        clipped = min(max(v, 0.0), 1.0)
        count = round(clipped * steps)
        train = [0] * steps
        for k in range(count):
            train[math.floor(k * steps / count)] = 1
        trains.append(train)
    return trains


def convert_linear(weights: list[list[float]], bias: list[float], inputs: list[list[int]], dt: float = 1e-3) -> list[list[int]]:
    """Runs a dense layer as LIF neurons over spike trains; returns the output spike trains."""
    if len(weights) != len(bias):
        raise ValueError("weights and bias disagree on the output size")
    steps = len(inputs[0]) if inputs else 0
    neurons = [LIFNeuron(LIFParameters(tau=dt * 2)) for _ in weights]
    out: list[list[int]] = [[] for _ in weights]
    for t in range(steps):
        for j, row in enumerate(weights):
            current = bias[j] + sum(w * inputs[i][t] for i, w in enumerate(row))
            out[j].append(int(neurons[j].step(current, dt)))
    return out


def spike_rate(train: list[int]) -> float:
    return sum(train) / len(train) if train else 0.0
