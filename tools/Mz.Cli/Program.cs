using System;
using System.IO;
using System.CommandLine;

namespace Mz.Cli;

/// <summary>The `mz` command-line tool.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Parses and runs one command. Usage errors (an unknown option, a value that is not a number) exit with 2, like
    /// every other refusal of bad input, and print what is wrong and where the help is, not the whole help text.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Mz: compile trained ONNX networks into C# at build time") { CheckCommand.Create(), AnalyzeCommand.Create(), ReduceCommand.Create(), PropagateCommand.Create() };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors) error.WriteLine("mz: " + problem.Message);
            string command = result.CommandResult.Command == root ? "mz" : "mz " + result.CommandResult.Command.Name;
            error.WriteLine($"Run '{command} --help' for the options.");
            return 2;
        }
        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
