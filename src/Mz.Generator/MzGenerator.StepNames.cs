namespace Mz.Generator;

public sealed partial class MzGenerator
{
    /// <summary>Tracking names of the pipeline steps, so tests can assert why each step ran.</summary>
    public static class StepNames
    {
        public const string Options = nameof(Options);
        public const string ModelFiles = nameof(ModelFiles);
        public const string Declarations = nameof(Declarations);
        public const string Plan = nameof(Plan);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Output = nameof(Output);
    }
}
