using System.Text;

namespace Mz.Tests.Reliability;

/// <summary>
/// Derives malformed inputs from valid files with a fixed seed: truncations, bit flips, oversized length
/// prefixes, wrong wire types, NaN/Inf payloads, deep nesting and absurd declared sizes.
/// </summary>
public static class FuzzCorpus
{
    public static IEnumerable<FuzzCase> Mutations(string target, byte[] valid, int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var bytes = (byte[])valid.Clone();
            string description;
            switch (i % 7)
            {
                case 0:
                {
                    int length = random.Next(valid.Length);
                    bytes = valid.AsSpan(0, length).ToArray();
                    description = $"truncated to {length} bytes";
                    break;
                }
                case 1:
                {
                    int flips = 1 + random.Next(8);
                    for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    description = $"{flips} bit flips";
                    break;
                }
                case 2:
                {
                    // A varint of 2^35-ish where a length or count may sit.
                    int at = random.Next(Math.Max(1, bytes.Length - 5));
                    new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }.CopyTo(bytes, at);
                    description = $"oversized varint at {at}";
                    break;
                }
                case 3:
                {
                    int at = random.Next(bytes.Length);
                    bytes[at] = (byte)((bytes[at] & ~7) | random.Next(8));
                    description = $"wire type changed at {at}";
                    break;
                }
                case 4:
                {
                    // NaN / ±Inf / subnormal words dropped onto 4-byte boundaries (weights in raw data).
                    uint[] specials = { 0x7FC00000, 0xFFC00000, 0x7F800000, 0xFF800000, 0x00000001, 0x7FA00001 };
                    int words = 1 + random.Next(16);
                    for (int w = 0; w < words; w++)
                    {
                        int at = random.Next(bytes.Length / 4) * 4;
                        BitConverter.GetBytes(specials[random.Next(specials.Length)]).CopyTo(bytes, at);
                    }
                    description = $"{words} special float words";
                    break;
                }
                case 5:
                {
                    int at = random.Next(bytes.Length);
                    int length = 1 + random.Next(64);
                    var insert = new byte[length];
                    random.NextBytes(insert);
                    bytes = bytes.Take(at).Concat(insert).Concat(bytes.Skip(at)).ToArray();
                    description = $"{length} random bytes inserted at {at}";
                    break;
                }
                default:
                {
                    int at = random.Next(bytes.Length);
                    int length = Math.Min(1 + random.Next(256), bytes.Length - at);
                    random.NextBytes(bytes.AsSpan(at, length));
                    description = $"{length} bytes randomised at {at}";
                    break;
                }
            }
            yield return new FuzzCase(target, description, bytes);
        }
    }

    /// <summary>A protobuf chain of nested length-delimited fields (graph → node → attribute → graph ...).</summary>
    public static byte[] DeeplyNestedProtobuf(int depth)
    {
        byte[] inner = Array.Empty<byte>();
        int[] fields = { 7, 1, 5, 6 };
        for (int d = 0; d < depth; d++)
        {
            int field = fields[d % fields.Length];
            var prefix = new List<byte> { (byte)(field << 3 | 2) };
            uint length = (uint)inner.Length;
            do { byte b = (byte)(length & 0x7F); length >>= 7; prefix.Add(length != 0 ? (byte)(b | 0x80) : b); } while (length != 0);
            inner = prefix.Concat(inner).ToArray();
        }
        return inner;
    }

    /// <summary>Safetensors files whose JSON header lies: absurd shapes, offsets past the end, deep nesting.</summary>
    public static IEnumerable<FuzzCase> HostileSafetensors()
    {
        static byte[] File(string header, int dataBytes)
        {
            var json = Encoding.UTF8.GetBytes(header);
            return BitConverter.GetBytes((ulong)json.Length).Concat(json).Concat(new byte[dataBytes]).ToArray();
        }
        yield return new FuzzCase("safetensors", "2^40-element shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,16]}}", 16));
        yield return new FuzzCase("safetensors", "offsets past the end", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1600000]}}", 16));
        yield return new FuzzCase("safetensors", "negative shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", 16));
        yield return new FuzzCase("safetensors", "nested arrays 100000 deep", File(new string('[', 100000) + new string(']', 100000), 0));
        yield return new FuzzCase("safetensors", "header length 2^63", BitConverter.GetBytes(1UL << 63).Concat(new byte[32]).ToArray());
        yield return new FuzzCase("safetensors", "unknown dtype", File("{\"w\":{\"dtype\":\"F8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4));
        yield return new FuzzCase("safetensors", "fractional shape", File("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4));
    }
}
