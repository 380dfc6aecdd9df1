using System;
using System.Globalization;

namespace Mz.Generator.Emit;

/// <summary>
/// Exact C# literals for weights: "G9"/"R" invariant text re-parsed and compared bit for bit; special values by
/// name. A value that cannot round-trip (a NaN with a payload) makes the caller emit raw bits instead.
/// </summary>
public static class FloatFormat
{
    public static bool TryFormatSingle(float value, out string literal)
    {
        if (float.IsNaN(value))
        {
            literal = "float.NaN";
            return BitConverter.ToInt32(BitConverter.GetBytes(value), 0) == BitConverter.ToInt32(BitConverter.GetBytes(float.NaN), 0);
        }
        if (float.IsPositiveInfinity(value)) { literal = "float.PositiveInfinity"; return true; }
        if (float.IsNegativeInfinity(value)) { literal = "float.NegativeInfinity"; return true; }
        string text = value.ToString("G9", CultureInfo.InvariantCulture);
        if (value == 0 && BitConverter.GetBytes(value)[3] == 0x80) text = "-0";
        literal = text + "f";
        float parsed = float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return BitConverter.ToInt32(BitConverter.GetBytes(parsed), 0) == BitConverter.ToInt32(BitConverter.GetBytes(value), 0);
    }

    public static bool TryFormatDouble(double value, out string literal)
    {
        if (double.IsNaN(value))
        {
            literal = "double.NaN";
            return BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(double.NaN);
        }
        if (double.IsPositiveInfinity(value)) { literal = "double.PositiveInfinity"; return true; }
        if (double.IsNegativeInfinity(value)) { literal = "double.NegativeInfinity"; return true; }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (value == 0 && BitConverter.DoubleToInt64Bits(value) < 0) text = "-0.0";
        if (text.IndexOfAny(new[] { '.', 'E', 'e' }) < 0) text += ".0";
        literal = text;
        double parsed = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return BitConverter.DoubleToInt64Bits(parsed) == BitConverter.DoubleToInt64Bits(value);
    }

    /// <summary>A scalar in generated arithmetic, typed for the network's element type.</summary>
    public static string Scalar(double value, string elementType)
    {
        if (elementType == "double") { TryFormatDouble(value, out var d); return d; }
        TryFormatSingle((float)value, out var f);
        return f;
    }
}
