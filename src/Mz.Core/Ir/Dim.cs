namespace Mz.Core.Ir;

/// <summary>One dimension of a declared shape: a number, a symbol (e.g. a batch named "N") or unknown.</summary>
public readonly struct Dim
{
    private Dim(long? value, string? symbol) { Value = value; Symbol = symbol; }

    public long? Value { get; }
    public string? Symbol { get; }

    public bool IsKnown => Value.HasValue;

    public static Dim Of(long value) => new(value, null);
    public static Dim Named(string symbol) => new(null, symbol);
    public static Dim Unknown => new(null, null);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
