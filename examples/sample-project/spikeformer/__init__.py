"""Spikeformer sample: converts small transformer blocks into spiking networks."""

from spikeformer.conversion import convert_linear, rate_encode
from spikeformer.neurons import LIFNeuron, LIFParameters

__all__ = ["LIFNeuron", "LIFParameters", "convert_linear", "rate_encode"]
__version__ = "0.3.0"
