using BenchmarkDotNet.Running;
using Mz.Benchmarks;

// Quick interleaved comparison:  dotnet run -c Release --project bench/Mz.Benchmarks -- --quick
// Full BenchmarkDotNet runs:    dotnet run -c Release --project bench/Mz.Benchmarks -- [BenchmarkDotNet arguments]
if (args.Contains("--quick")) return QuickBench.Run();
BenchmarkSwitcher.FromAssembly(typeof(InferenceBenchmarks).Assembly).Run(args);
return 0;
