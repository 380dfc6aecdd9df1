using System;

namespace Mz.Core.Onnx;

/// <summary>The bytes are not a well-formed model of the expected format; the message says where and why.</summary>
public sealed class OnnxFormatException : Exception
{
    public OnnxFormatException(string message) : base(message) { }
}
