using System.Globalization;

namespace Mz.Core.Lowering;

/// <summary>A dimension that is either a constant or a constant multiple of the runtime batch B.</summary>
public readonly struct SymDim : System.IEquatable<SymDim>
{
    public SymDim(long factor, bool perBatch) { Factor = factor; PerBatch = perBatch; }

    public long Factor { get; }
    public bool PerBatch { get; }

    public long At(long batch) => PerBatch ? Factor * batch : Factor;

    public bool Equals(SymDim other) => Factor == other.Factor && PerBatch == other.PerBatch;
    public override bool Equals(object? obj) => obj is SymDim d && Equals(d);
    public override int GetHashCode() => (int)Factor * 2 + (PerBatch ? 1 : 0);

    public override string ToString() =>
        !PerBatch ? Factor.ToString(CultureInfo.InvariantCulture) : Factor == 1 ? "N" : Factor.ToString(CultureInfo.InvariantCulture) + "N";
}
