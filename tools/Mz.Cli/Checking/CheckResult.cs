namespace Mz.Cli.Checking;

public enum CheckOutcome { Passed, Failed, Rejected }

/// <summary>The verdict on one case and the line `mz check` prints for it.</summary>
public sealed record CheckResult(string Case, CheckOutcome Outcome, string Detail, string? DiagnosticId = null)
{
    public string Line => Outcome switch
    {
        CheckOutcome.Passed => $"PASS {Case}",
        CheckOutcome.Failed => $"FAIL {Case}: {Detail}",
        _ => $"REJECTED {Case}: {DiagnosticId} {Detail}",
    };
}
