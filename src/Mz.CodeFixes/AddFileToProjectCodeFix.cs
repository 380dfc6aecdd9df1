using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Mz.CodeFixes;

/// <summary>
/// MZ0101 / MZ0105 (model or calibration file not part of the build): when the file the attribute names exists next to
/// the project but is not an item — typically with EnableDefaultMzModelItems=false, or for calibration data, which is
/// never included automatically — add <c>&lt;MzModel Include="..." /&gt;</c> (or MzCalibration) to the project file.
/// The workspace API cannot edit MSBuild items, so the action carries an operation that edits the project file on
/// disk (<see cref="ProjectFileEditor"/>: a byte-preserving splice that never adds a duplicate); the project system
/// then reloads the project.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFileToProjectCodeFix)), Shared]
[SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1035", Justification = "A code fix runs in the IDE, not in the compiler: it may look at the project folder.")]
public sealed class AddFileToProjectCodeFix : CodeFixProvider
{
    // The ids and property names are repeated here rather than referenced: this assembly must not load the generator.
    public const string ModelFileMissingId = "MZ0101";
    public const string CalibrationFileMissingId = "MZ0105";
    public const string ItemTypeProperty = "MzItemType";
    public const string ItemPathProperty = "MzItemPath";

    private static readonly string[] ItemTypes = { "MzModel", "MzCalibration" };

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ModelFileMissingId, CalibrationFileMissingId);

    // Each action rewrites the whole project file; a batch of them cannot be merged as document changes are.
    public override FixAllProvider? GetFixAllProvider() => null;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        string? projectFile = context.Document.Project.FilePath;
        if (string.IsNullOrEmpty(projectFile) || !File.Exists(projectFile)) return Task.CompletedTask;
        string projectDirectory = Path.GetDirectoryName(Path.GetFullPath(projectFile!))!;
        byte[]? projectBytes = null;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(ItemTypeProperty, out var itemType) || !ItemTypes.Contains(itemType)) continue;
            if (!diagnostic.Properties.TryGetValue(ItemPathProperty, out var include) || string.IsNullOrWhiteSpace(include)) continue;
            // Offered only for a file that is there: for a misspelt path the other MZ0101 fix offers the known models.
            if (!File.Exists(Path.Combine(projectDirectory, include!))) continue;
            projectBytes ??= File.ReadAllBytes(projectFile!);
            // Already listed (the diagnostic predates the edit) or not safely editable: nothing to offer.
            if (ProjectFileEditor.AddItem(projectBytes, itemType!, include!) == null) continue;
            context.RegisterCodeFix(new AddProjectItemAction(projectFile!, itemType!, include!), diagnostic);
        }
        return Task.CompletedTask;
    }

    private sealed class AddProjectItemAction : CodeAction
    {
        private readonly AddProjectItemOperation _operation;

        public AddProjectItemAction(string projectFile, string itemType, string include)
        {
            _operation = new AddProjectItemOperation(projectFile, itemType, include);
        }

        public override string Title => _operation.Title;

        public override string EquivalenceKey => "AddToProject:" + _operation.Title;

        protected override Task<IEnumerable<CodeActionOperation>> ComputeOperationsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<CodeActionOperation>>(new CodeActionOperation[] { _operation });

        // No document changes to preview; the preview says what the project file will get.
        protected override Task<IEnumerable<CodeActionOperation>> ComputePreviewOperationsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<CodeActionOperation>>(new CodeActionOperation[] { new DescriptionPreview(_operation.Description) });
    }

    private sealed class DescriptionPreview : PreviewOperation
    {
        private readonly string _description;

        public DescriptionPreview(string description) { _description = description; }

        public override string Title => _description;

        public override Task<object?> GetPreviewAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(_description);
    }
}

/// <summary>Adds one item to a project file on disk when applied; applying it again changes nothing.</summary>
[SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1035", Justification = "Applied by the IDE on request, never by the compiler: editing the project file is the point.")]
public sealed class AddProjectItemOperation : CodeActionOperation
{
    public AddProjectItemOperation(string projectFile, string itemType, string include)
    {
        ProjectFile = projectFile;
        ItemType = itemType;
        Include = include;
    }

    public string ProjectFile { get; }
    public string ItemType { get; }
    public string Include { get; }

    public override string Title => $"Add '{Include}' to the project as {ItemType}";

    public string Description => $"Adds <{ItemType} Include=\"{Include}\" /> to {Path.GetFileName(ProjectFile)}";

    public override void Apply(Workspace workspace, CancellationToken cancellationToken)
    {
        // Re-read at apply time: the file may have changed since the fix was offered.
        var original = File.ReadAllBytes(ProjectFile);
        var updated = ProjectFileEditor.AddItem(original, ItemType, Include);
        if (updated == null) return;
        cancellationToken.ThrowIfCancellationRequested();
        File.WriteAllBytes(ProjectFile, updated);
    }
}
