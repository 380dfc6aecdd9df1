namespace Mz.Tests.Reliability;

/// <summary>One malformed input: which reader it targets, how it was derived, and the bytes.</summary>
public sealed record FuzzCase(string Target, string Description, byte[] Bytes);
