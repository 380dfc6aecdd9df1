namespace Mz.Cli.Checking;

/// <summary>Counts of passed, failed and rejected cases; <see cref="Line"/> is the last line of `mz check`.</summary>
public sealed record CheckSummary(int Passed, int Failed, int Rejected)
{
    public static CheckSummary Empty { get; } = new(0, 0, 0);

    public CheckSummary Add(CheckResult result) => result.Outcome switch
    {
        CheckOutcome.Passed => this with { Passed = Passed + 1 },
        CheckOutcome.Failed => this with { Failed = Failed + 1 },
        _ => this with { Rejected = Rejected + 1 },
    };

    public string Line => $"check: passed={Passed} failed={Failed} rejected={Rejected}";
}
