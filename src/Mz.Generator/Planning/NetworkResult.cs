using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Planning;

/// <summary>The outcome of planning one network: a plan (null on errors) and the diagnostics to report.</summary>
public sealed record NetworkResult(NetworkPlan? Plan, EquatableArray<DiagnosticInfo> Diagnostics);
