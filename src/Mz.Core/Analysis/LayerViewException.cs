using System;

namespace Mz.Core.Analysis;

/// <summary>The graph is not a chain of dense / residual layers that the MZ analysis can read as a dynamical system.</summary>
public sealed class LayerViewException : Exception
{
    public LayerViewException(string message) : base(message) { }
}
