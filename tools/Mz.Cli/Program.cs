using System.CommandLine;

namespace Mz.Cli;

/// <summary>The `mz` command-line tool.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Mz: compile trained ONNX networks into C# at build time") { CheckCommand.Create(), AnalyzeCommand.Create(), ReduceCommand.Create(), PropagateCommand.Create() };
        return root.Parse(args).Invoke();
    }
}
