using BenchmarkDotNet.Running;
using Mz.Benchmarks;

// Quick interleaved comparison:  dotnet run -c Release --project bench/Mz.Benchmarks -- --quick
// Full BenchmarkDotNet runs:    dotnet run -c Release --project bench/Mz.Benchmarks -- [BenchmarkDotNet arguments]
// Only PredictReduced against Predict:  dotnet run -c Release --project bench/Mz.Benchmarks -- --reduced
if (args.Contains("--quick")) return QuickBench.Run();
if (args.Contains("--reduced"))
{
    Console.WriteLine(ReducedBench.Run());
    Console.WriteLine(ReducedPieces.Run());
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(InferenceBenchmarks).Assembly).Run(args);
return 0;
