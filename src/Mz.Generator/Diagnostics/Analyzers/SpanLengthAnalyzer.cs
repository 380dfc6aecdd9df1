using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Mz.Generator.Declarations;

namespace Mz.Generator.Diagnostics.Analyzers;

/// <summary>
/// Flags calls of the generated entry points (Predict, PredictReduced and their batch forms) whose argument is a
/// constant-length array or stackalloc of the wrong size: a certain ArgumentException at run time, visible at build
/// time because the sizes are constants.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SpanLengthAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(MzDiagnostics.SpanLengthMismatch);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(AnalyzeInvocation, SyntaxKind.InvocationExpression);
    }

    private static void AnalyzeInvocation(SyntaxNodeAnalysisContext context)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol method) return;
        if (method.Name is not ("Predict" or "PredictBatch" or "PredictReduced" or "PredictReducedBatch" or "PredictBatchParallel") || !method.IsStatic) return;
        var network = method.ContainingType;
        if (!network.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DeclarationReader.AttributeName)) return;

        bool batch = method.Name.Contains("Batch");
        int inputCount = method.Parameters.Count(p => p.Type.Name == "ReadOnlySpan");
        int spans = method.Parameters.Count(p => p.Type.Name is "ReadOnlySpan" or "Span");
        bool single = spans == 2;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        // Batch spans of whole rows: the first one fixes the row count the others must hold.
        (string Name, int Rows)? firstRows = null;
        foreach (var argument in invocation.ArgumentList.Arguments)
        {
            var parameter = argument.NameColon != null
                ? method.Parameters.FirstOrDefault(p => p.Name == argument.NameColon.Name.Identifier.ValueText)
                : method.Parameters.ElementAtOrDefault(invocation.ArgumentList.Arguments.IndexOf(argument));
            if (parameter == null || parameter.Type.Name is not ("ReadOnlySpan" or "Span")) continue;
            int? length = ConstantLength(argument.Expression, context.SemanticModel, context.CancellationToken);
            if (length == null) continue;

            bool isInput = parameter.Ordinal < inputCount;
            string stem = single ? (isInput ? "Input" : "Output") : Pascal(batch && parameter.Name.EndsWith("s") ? parameter.Name.Substring(0, parameter.Name.Length - 1) : parameter.Name);
            var sizeField = network.GetMembers(stem + "Size").OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && f.ConstantValue is int);
            if (sizeField == null) continue;
            int size = (int)sizeField.ConstantValue!;
            bool wrong = batch ? size == 0 || length.Value % size != 0 : length.Value != size;
            string? need = wrong ? (batch ? $"a multiple of {size} (whole rows)" : size.ToString(c)) : null;
            if (!wrong && batch)
            {
                int rows = length.Value / size;
                if (firstRows == null) firstRows = (parameter.Name, rows);
                else if (rows != firstRows.Value.Rows)
                    need = $"{(firstRows.Value.Rows * size).ToString(c)} ({firstRows.Value.Rows.ToString(c)} rows of {size.ToString(c)}, as many rows as '{firstRows.Value.Name}' holds)";
            }
            if (need == null) continue;
            context.ReportDiagnostic(Diagnostic.Create(MzDiagnostics.SpanLengthMismatch, argument.GetLocation(),
                parameter.Name, length.Value.ToString(c), network.Name + "." + method.Name, need));
        }
    }

    /// <summary>The length of `new T[n]`, `new T[] { ... }` or `stackalloc T[n]` when it is a compile-time constant.</summary>
    private static int? ConstantLength(ExpressionSyntax expression, SemanticModel model, System.Threading.CancellationToken ct)
    {
        switch (expression)
        {
            case ArrayCreationExpressionSyntax array when array.Type.RankSpecifiers.Count == 1:
                if (array.Initializer != null) return array.Initializer.Expressions.Count;
                return Constant(array.Type.RankSpecifiers[0].Sizes.FirstOrDefault(), model, ct);
            case StackAllocArrayCreationExpressionSyntax stack when stack.Type is ArrayTypeSyntax arrayType && arrayType.RankSpecifiers.Count == 1:
                if (stack.Initializer != null) return stack.Initializer.Expressions.Count;
                return Constant(arrayType.RankSpecifiers[0].Sizes.FirstOrDefault(), model, ct);
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                return implicitArray.Initializer.Expressions.Count;
            case IdentifierNameSyntax name:
                return LocalLength(name, model, ct);
            default:
                return null;
        }
    }

    /// <summary>
    /// The constant length a local was initialised with (<c>Span&lt;float&gt; y = stackalloc float[3];</c>), when nothing in
    /// its method assigns it again or passes it by ref or out; otherwise unknown.
    /// </summary>
    private static int? LocalLength(IdentifierNameSyntax name, SemanticModel model, System.Threading.CancellationToken ct)
    {
        if (model.GetSymbolInfo(name, ct).Symbol is not ILocalSymbol local) return null;
        if (local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator) return null;
        if (initializer.Value is IdentifierNameSyntax) return null;
        var body = declarator.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax
            or AnonymousFunctionExpressionSyntax or GlobalStatementSyntax or CompilationUnitSyntax);
        if (body == null) return null;
        bool Names(ExpressionSyntax e) => e is IdentifierNameSyntax id && id.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id, ct).Symbol, local);
        foreach (var node in body.DescendantNodes())
        {
            if (node is AssignmentExpressionSyntax assignment && Names(assignment.Left)) return null;
            if (node is ArgumentSyntax { RefKindKeyword.RawKind: not 0 } byRef && !byRef.RefKindKeyword.IsKind(SyntaxKind.InKeyword) && Names(byRef.Expression)) return null;
        }
        return ConstantLength(initializer.Value, model, ct);
    }

    private static int? Constant(ExpressionSyntax? size, SemanticModel model, System.Threading.CancellationToken ct) =>
        size != null && model.GetConstantValue(size, ct) is { HasValue: true, Value: int n } ? n : null;

    private static string Pascal(string name)
    {
        var trimmed = name.TrimStart('@', '_');
        return trimmed.Length == 0 ? trimmed : char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
    }
}
