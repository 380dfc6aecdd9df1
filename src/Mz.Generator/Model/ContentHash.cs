using System;
using System.Security.Cryptography;

namespace Mz.Generator.Model;

/// <summary>SHA-256 content hashes; equality of large payloads compares these, never the bytes.</summary>
public static class ContentHash
{
    public static string Of(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return ToHex(sha.ComputeHash(bytes));
    }

    public static string Of(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return Of(bytes);
    }

    private static string ToHex(byte[] hash)
    {
        var chars = new char[hash.Length * 2];
        const string digits = "0123456789abcdef";
        for (int i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = digits[hash[i] >> 4];
            chars[2 * i + 1] = digits[hash[i] & 15];
        }
        return new string(chars);
    }
}
