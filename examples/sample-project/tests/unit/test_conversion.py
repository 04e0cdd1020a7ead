import pytest

from spikeformer.conversion import convert_linear, rate_encode, spike_rate
from spikeformer.hardware.loihi2 import quantize_weights


def test_rate_encode_counts():
    trains = rate_encode([0.0, 0.5, 1.0], steps=10)
    assert [sum(t) for t in trains] == [0, 5, 10]


def test_rate_encode_rejects_zero_steps():
    with pytest.raises(ValueError):
        rate_encode([0.5], steps=0)


def test_convert_linear_passes_strong_input():
    inputs = rate_encode([1.0, 1.0], steps=20)
    out = convert_linear([[2.0, 2.0]], [0.0], inputs)
    assert spike_rate(out[0]) > 0.2


def test_quantize_weights_fits_in_8_bits():
    mantissas, exponent = quantize_weights([0.5, -0.25, 0.125])
    assert all(-127 <= m <= 127 for m in mantissas)
    assert abs(mantissas[0] * 2**exponent - 0.5) < 0.01
