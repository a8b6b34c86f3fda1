using System.Reflection;
using NetArchTest.Rules;

namespace Meet.Tests.Architecture;

// A module is a namespace directly under the root (Meet.Modules.Storage, ...). Modules live in
// one assembly, so the compiler lets them see each other's internal types; this rule does not:
// a module may use only another module's public contract.
internal static class ModuleBoundaries
{
    public static IReadOnlyList<string> FindViolations(Assembly assembly, string modulesRoot)
    {
        var moduleTypes = assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith(modulesRoot + ".", StringComparison.Ordinal))
            .ToList();
        var modules = moduleTypes.Select(t => ModuleOf(t, modulesRoot)).Distinct().ToList();
        var violations = new List<string>();
        foreach (var module in modules)
        {
            var foreignInternals = moduleTypes
                .Where(t => !t.IsNested && !t.IsPublic && ModuleOf(t, modulesRoot) != module)
                .Select(t => t.FullName!)
                .ToArray();
            if (foreignInternals.Length == 0)
                continue;
            var result = Types.InAssembly(assembly)
                .That().ResideInNamespace($"{modulesRoot}.{module}")
                .ShouldNot().HaveDependencyOnAny(foreignInternals)
                .GetResult();
            if (!result.IsSuccessful)
                violations.AddRange(result.FailingTypeNames.Select(name => $"{name} (module {module}) uses another module's internal type"));
        }
        return violations;
    }

    private static string ModuleOf(Type type, string modulesRoot) =>
        type.Namespace![(modulesRoot.Length + 1)..].Split('.')[0];
}
