"""Leaky integrate-and-fire neurons with NIR's LIF semantics (forward Euler)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LIFParameters:
    tau: float = 0.02
    r: float = 1.0
    v_leak: float = 0.0
    v_threshold: float = 1.0
    v_reset: float = 0.0

    def __post_init__(self) -> None:
        if self.tau <= 0:
            raise ValueError(f"tau must be positive, got {self.tau}")


@dataclass
class LIFNeuron:
    params: LIFParameters = field(default_factory=LIFParameters)
    v: float = 0.0

    def step(self, current: float, dt: float) -> bool:
        """Advances one time step; returns True when the neuron spikes."""
        p = self.params
        self.v += dt / p.tau * ((p.v_leak - self.v) + p.r * current)
        if self.v >= p.v_threshold:
            self.v = p.v_reset
            return True
        return False

    def run(self, currents: list[float], dt: float) -> list[int]:
        return [int(self.step(i, dt)) for i in currents]
