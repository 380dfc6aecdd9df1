using System;

namespace Mz.Core.Stochastic;

/// <summary>
/// A seeded standard-normal generator: xoshiro256** for uniforms, seeded through SplitMix64, and the polar
/// Box–Muller transform. Written out rather than taken from System.Random so that a (seed, stream) pair gives
/// the same draws on every target framework and runtime version, and so that independent streams can be
/// derived for parallel batches without sharing state.
/// </summary>
public sealed class GaussianNoiseSource
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    /// <summary>Stream <paramref name="stream"/> of seed <paramref name="seed"/>; distinct pairs give unrelated sequences.</summary>
    public GaussianNoiseSource(ulong seed, ulong stream = 0)
    {
        ulong mix = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        _s0 = SplitMix(ref mix);
        _s1 = SplitMix(ref mix);
        _s2 = SplitMix(ref mix);
        _s3 = SplitMix(ref mix);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    public ulong NextBits()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on (−1, 1), from the top 53 bits.</summary>
    private double NextSymmetricUniform() => ((NextBits() >> 11) + 0.5) * (2.0 / (1UL << 53)) - 1.0;

    /// <summary>One N(0, 1) draw.</summary>
    public double NextStandardNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u, v, r;
        do
        {
            u = NextSymmetricUniform();
            v = NextSymmetricUniform();
            r = u * u + v * v;
        }
        while (r >= 1 || r == 0);
        double factor = Math.Sqrt(-2 * Math.Log(r) / r);
        _spare = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    public void Fill(double[] destination, int offset, int count)
    {
        for (int i = 0; i < count; i++) destination[offset + i] = NextStandardNormal();
    }
}
