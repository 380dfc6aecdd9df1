using System.Collections.Generic;
using Mz.Generator.Planning;

namespace Mz.Generator.Emit;

/// <summary>Shared bits of both generated files: headers and the containing namespace/type scopes.</summary>
internal static class EmitterContext
{
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"Mz.Generator\", \"%VERSION%\")]";

    public static string Version => typeof(EmitterContext).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    /// <summary>Opens namespace and container scopes; dispose the returned scopes in reverse order.</summary>
    public static List<System.IDisposable> OpenContainers(SourceWriter writer, NetworkPlan plan, System.Action<SourceWriter>? beforeInnermost)
    {
        var scopes = new List<System.IDisposable>();
        var declaration = plan.Declaration;
        if (declaration.Namespace.Length > 0) scopes.Add(writer.Block("namespace " + declaration.Namespace));
        for (int i = 0; i < declaration.Containers.Count; i++)
        {
            var container = declaration.Containers[i];
            if (i == declaration.Containers.Count - 1) beforeInnermost?.Invoke(writer);
            scopes.Add(writer.Block($"{container.Modifiers} {container.Keyword} {container.Name}"));
        }
        return scopes;
    }

    public static void Close(List<System.IDisposable> scopes)
    {
        for (int i = scopes.Count - 1; i >= 0; i--) scopes[i].Dispose();
    }
}
