using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Mz.Core.Analysis;
using Mz.Core.Data;
using Mz.Core.Lowering;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;

namespace Mz.Generator.Planning;

/// <summary>
/// The optional planner pass for [MzNetwork(..., Calibration = "data.npz:key")]: runs the MZ analysis on the
/// validated calibration rows (content-cached) and turns the report into diagnostics: one Info summary and a
/// Warning per problem the analysis flags.
/// </summary>
internal static class CalibrationAnalysis
{
    /// <summary>Analyses recently computed in this process, by model and calibration content.</summary>
    internal static readonly ContentCache<AnalysisReport> Cache = new(16);

    public static AnalysisData? Run(NetworkDeclaration declaration, PreparedGraph graph, string modelHash, CalibrationRows rows,
        LocationInfo? location, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var array = rows.Array;
        cancellationToken.ThrowIfCancellationRequested();
        string cacheKey = modelHash + "|" + rows.Key;
        AnalysisReport report;
        try
        {
            report = Cache.GetOrAdd(cacheKey, () => MzAnalysis.Analyze(graph, array.Data, (int)array.Rows));
        }
        catch (LayerViewException e)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisUnavailable, location, declaration.FullName, e.Message));
            return null;
        }

        // Too few rows, or rows that do not move the network, make the figures noise (a Warning); other remarks, such as
        // ranks capped at the data's numerical rank, are facts about the network and ride along in the Info summary.
        var notes = new List<string>();
        foreach (var warning in report.Warnings)
        {
            if (warning.IndexOf("too small", StringComparison.Ordinal) >= 0 || warning.IndexOf("do not move", StringComparison.Ordinal) >= 0)
                diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisWarning, location, declaration.FullName, warning));
            else notes.Add(warning);
        }
        diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.AnalysisSummary, location, declaration.FullName,
            report.Layers.Length.ToString(CultureInfo.InvariantCulture),
            Format(report.MedianDecayRate),
            report.RecommendedMemory.ToString(CultureInfo.InvariantCulture),
            Format(report.MedianNoiseRatio),
            report.CalibrationRows.ToString(CultureInfo.InvariantCulture),
            notes.Count == 0 ? "" : "; " + string.Join("; ", notes)));
        return new AnalysisData(cacheKey, report);
    }

    private static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString("G3", CultureInfo.InvariantCulture);
}
