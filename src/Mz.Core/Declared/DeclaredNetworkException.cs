using System;

namespace Mz.Core.Declared;

/// <summary>A declared layer that does not fit the weights file; <see cref="LayerIndex"/> points at its attribute (-1: the network).</summary>
public sealed class DeclaredNetworkException : Exception
{
    public DeclaredNetworkException(int layerIndex, string message) : base(message) { LayerIndex = layerIndex; }

    public int LayerIndex { get; }
}
