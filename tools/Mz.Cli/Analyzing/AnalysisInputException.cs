using System;

namespace Mz.Cli.Analyzing;

/// <summary>A model or calibration file the analysis cannot use; the message is printed as is.</summary>
public sealed class AnalysisInputException : Exception
{
    public AnalysisInputException(string message) : base(message) { }
}
