using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using Mz.Cli.Checking;

namespace Mz.Cli;

/// <summary>`mz check &lt;path&gt;...`: compiles every case found below the paths and compares with its reference.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "Folders (or .onnx files) to search for cases: model.onnx with test_data_set_*/ or reference.npz, or <case>.onnx with <case>.npz",
        };
        var command = new Command("check",
            "Compile ONNX models through the Mz generator, run the generated code and compare with reference outputs. " +
            "Int64 shape inputs become initializers; float16 inputs/outputs are passed as float (computed in float32, rounded once to float16 for the comparison).")
        { paths };
        command.SetAction(result => Run(result.GetValue(paths) ?? Array.Empty<string>(), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Prints one line per case and the summary; exit code 0 only when nothing failed, 2 when a path is empty.</summary>
    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter? error = null)
    {
        // An empty path would otherwise crash Path.GetFullPath; it is a mistake in the command, not a failed case.
        if (paths.Any(string.IsNullOrWhiteSpace))
        {
            (error ?? output).WriteLine("check: a path is empty; expected a folder or " + InputPaths.OnnxFile);
            return 2;
        }
        var summary = CheckSummary.Empty;
        foreach (var path in paths)
        {
            IReadOnlyList<CheckCase> cases;
            try { cases = CaseDiscovery.Find(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Data.DataFormatException or System.Text.Json.JsonException)
            {
                output.WriteLine($"FAIL {path}: {e.Message}");
                summary = summary.Add(new CheckResult(path, CheckOutcome.Failed, e.Message));
                continue;
            }
            foreach (var testCase in cases)
            {
                var result = CheckRunner.Run(testCase);
                output.WriteLine(result.Line);
                output.Flush();
                summary = summary.Add(result);
            }
        }
        output.WriteLine(summary.Line);
        return summary.Failed == 0 ? 0 : 1;
    }
}
