using System.CommandLine;
using Mz.Cli;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Cli;

/// <summary>
/// Hostile input to the mz verbs: empty paths, folders where files belong, damaged archives and decimal commas are
/// refused with one line that names the option and what it expects (exit 2), never a stack trace or a wrong number.
/// </summary>
public sealed class CommandLineInputTests
{
    private static string Model(string name, string file = "model.onnx") => Path.Combine(RepositoryPaths.TrainedModels, name, file);

    private static string Calibration => Model("cancer-mlp", "train.npz") + ":x";

    private static string Folder => RepositoryPaths.TrainedModels;

    [Theory]
    [InlineData("analyze", "MODEL", "", "analyze: --calibration is empty; expected an .npz or .npy file")]
    [InlineData("analyze", "MODEL", " ", "analyze: --calibration is empty; expected an .npz or .npy file")]
    [InlineData("reduce", "MODEL", "", "reduce: --calibration is empty; expected an .npz or .npy file")]
    [InlineData("reduce", "MODEL", "   :x", "reduce: --calibration '   :x' names no file; expected an .npz or .npy file (file.npz:key)")]
    [InlineData("reduce", "", "CALIBRATION", "reduce: the model path is empty; expected an .onnx file")]
    [InlineData("analyze", " ", "CALIBRATION", "analyze: the model path is empty; expected an .onnx file")]
    [InlineData("analyze", "FOLDER", "CALIBRATION", "analyze: 'FOLDER' is a directory; expected an .onnx file")]
    [InlineData("reduce", "MODEL", "FOLDER", "reduce: 'FOLDER' is a directory; expected an .npz or .npy file")]
    [InlineData("reduce", "MODEL", "FOLDER:x", "reduce: 'FOLDER' is a directory; expected an .npz or .npy file")]
    public void AnalyzeAndReduceRefuseEmptyPathsAndFolders(string verb, string model, string calibration, string expected)
    {
        model = model.Replace("MODEL", Model("cancer-mlp")).Replace("FOLDER", Folder);
        calibration = calibration.Replace("CALIBRATION", Calibration).Replace("FOLDER", Folder);
        var error = new StringWriter();
        int exit = verb == "analyze"
            ? AnalyzeCommand.Run(model, calibration, null, new StringWriter(), error)
            : ReduceCommand.Run(model, calibration, 0.05, 1, new StringWriter(), error);
        Assert.Equal(2, exit);
        Assert.Equal(expected.Replace("FOLDER", Folder), error.ToString().TrimEnd());
    }

    [Theory]
    [InlineData("", null, "propagate: the model path is empty; expected an .onnx file")]
    [InlineData("FOLDER", null, "propagate: 'FOLDER' is a directory; expected an .onnx file")]
    [InlineData("MODEL", "", "propagate: --input-sample is empty; expected an .npz or .npy file")]
    [InlineData("MODEL", "FOLDER", "propagate: 'FOLDER' is a directory; expected an .npz or .npy file")]
    public void PropagateRefusesEmptyPathsAndFolders(string model, string? inputSample, string expected)
    {
        model = model.Replace("MODEL", Model("stochastic-resnet-2d")).Replace("FOLDER", Folder);
        inputSample = inputSample?.Replace("FOLDER", Folder);
        var error = new StringWriter();
        Assert.Equal(2, PropagateCommand.Run(model, 0.05, "0.5,0.5", 1000, null, new StringWriter(), error, inputSample));
        Assert.Equal(expected.Replace("FOLDER", Folder), error.ToString().TrimEnd());
    }

    [Fact]
    public void CheckRefusesAnEmptyPath()
    {
        var error = new StringWriter();
        Assert.Equal(2, CheckCommand.Run(new[] { "" }, new StringWriter(), error));
        Assert.Equal("check: a path is empty; expected a folder or an .onnx file", error.ToString().TrimEnd());
    }

    [Fact]
    public void ADamagedCalibrationArchiveIsRefused()
    {
        var bytes = File.ReadAllBytes(Model("cancer-mlp", "train.npz"));
        bytes[30 + BitConverter.ToUInt16(bytes, 26) + BitConverter.ToUInt16(bytes, 28) + 500] ^= 0x01;
        string file = Path.Combine(Path.GetTempPath(), "mz-damaged-" + Guid.NewGuid().ToString("N") + ".npz");
        try
        {
            File.WriteAllBytes(file, bytes);
            var error = new StringWriter();
            Assert.Equal(2, ReduceCommand.Run(Model("cancer-mlp"), file + ":x", 0.05, 1, new StringWriter(), error));
            Assert.StartsWith($"reduce: cannot use calibration '{file}:x': {file}: entry 'x.npy' is damaged: CRC-32 0x", error.ToString());
        }
        finally { File.Delete(file); }
    }

    /// <summary>A decimal comma is refused with the text as typed, not read as a thousands separator ("0,05" → 5).</summary>
    [Theory]
    [InlineData("reduce", "--tolerance", "0,05", "--tolerance: '0,05' is not a number (use a decimal point, e.g. 0.05)")]
    [InlineData("reduce", "--tolerance", "1,000", "--tolerance: '1,000' is not a number (use a decimal point, e.g. 0.05)")]
    [InlineData("reduce", "--max-memory", "1.5", "--max-memory: '1.5' is not a whole number (digits only, no separators)")]
    [InlineData("propagate", "--noise", "0,1", "--noise: '0,1' is not a number (use a decimal point, e.g. 0.05)")]
    [InlineData("propagate", "--samples", "10,000", "--samples: '10,000' is not a whole number (digits only, no separators)")]
    public void NumbersAreReadWithADecimalPointOnly(string verb, string option, string value, string expected)
    {
        var error = Assert.Single(Parse(verb, option, value).Errors);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("--tolerance", "0.05", 0.05)]
    [InlineData("--tolerance", "5e-2", 0.05)]
    [InlineData("--tolerance", "5", 5.0)]
    public void NumbersWithADecimalPointOrExponentParse(string option, string value, double expected)
    {
        var result = Parse("reduce", option, value);
        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue<double>(option));
    }

    [Fact]
    public void DefaultsStillApplyWhenNumericOptionsAreLeftOut()
    {
        var reduce = Parse("reduce", "--tolerance", "0.05");
        Assert.Equal(2, reduce.GetValue<int>("--max-memory"));
        var propagate = Parse("propagate", "--noise", "0.1");
        Assert.Equal(100_000L, propagate.GetValue<long>("--samples"));
    }

    /// <summary>--plots that is empty or an existing file is refused before the analysis runs, not with a stack trace after it.</summary>
    [Theory]
    [InlineData("analyze", "")]
    [InlineData("analyze", "FILE")]
    [InlineData("propagate", " ")]
    [InlineData("propagate", "FILE")]
    public void PlotFoldersThatCannotBeWrittenAreRefusedFirst(string verb, string plots)
    {
        plots = plots.Replace("FILE", Model("cancer-mlp"));
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = verb == "analyze"
            ? AnalyzeCommand.Run(Model("cancer-mlp"), Calibration, plots, output, error)
            : PropagateCommand.Run(Model("stochastic-resnet-2d"), 0.05, "0.5,0.5", 1000, plots, output, error);
        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString());
        Assert.StartsWith(verb + ": --plots ", error.ToString());
        Assert.Contains(plots.Trim().Length == 0 ? "is empty; expected a folder" : "is a file; expected a folder", error.ToString());
    }

    /// <summary>A usage error exits with 2 like every other refusal, naming the problem and the help to read, not printing all of it.</summary>
    [Fact]
    public void UsageErrorsExitWithTwoAndPointAtTheHelp()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, Program.Run(new[] { "reduce", "m.onnx", "--calibration", "c.npz:x", "--tolerance", "0,05" }, output, error));
        Assert.Equal("mz: --tolerance: '0,05' is not a number (use a decimal point, e.g. 0.05)\nRun 'mz reduce --help' for the options.\n", error.ToString().Replace("\r\n", "\n"));
        Assert.Equal("", output.ToString());
        Assert.Equal(2, Program.Run(Array.Empty<string>(), output, new StringWriter()));
        var help = new StringWriter();
        Assert.Equal(0, Program.Run(new[] { "reduce", "--help" }, help, new StringWriter()));
        Assert.Contains("--max-memory", help.ToString());
    }

    private static ParseResult Parse(string verb, string option, string value)
    {
        var args = verb == "reduce"
            ? new List<string> { "m.onnx", "--calibration", "c.npz:x", "--tolerance", "0.05" }
            : new List<string> { "m.onnx", "--input", "0.5,0.5", "--noise", "0.1" };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange(new[] { option, value });
        var command = verb == "reduce" ? ReduceCommand.Create() : PropagateCommand.Create();
        return command.Parse(args);
    }
}
