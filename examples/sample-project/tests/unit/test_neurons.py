import pytest

from spikeformer.neurons import LIFNeuron, LIFParameters


def test_constant_input_spikes_periodically():
    n = LIFNeuron(LIFParameters(tau=0.01))
    spikes = n.run([2.0] * 100, dt=1e-3)
    assert sum(spikes) > 0
    assert spikes[0] == 0


def test_no_input_never_spikes():
    n = LIFNeuron()
    assert sum(n.run([0.0] * 50, dt=1e-3)) == 0


def test_tau_must_be_positive():
    with pytest.raises(ValueError):
        LIFParameters(tau=0)
