from spikeformer.conversion import convert_linear, rate_encode
from spikeformer.neurons import LIFNeuron


def test_lif_1000_steps(benchmark):
    benchmark(lambda: LIFNeuron().run([1.5] * 1000, dt=1e-3))


def test_rate_encode_64x100(benchmark):
    benchmark(lambda: rate_encode([i / 64 for i in range(64)], steps=100))


def test_convert_linear_8x8(benchmark):
    inputs = rate_encode([0.5] * 8, steps=50)
    weights = [[0.3] * 8 for _ in range(8)]
    benchmark(lambda: convert_linear(weights, [0.0] * 8, inputs))
