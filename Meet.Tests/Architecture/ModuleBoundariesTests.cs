using Meet.Modules.Storage;

namespace Meet.Tests.Architecture;

public sealed class ModuleBoundariesTests
{
    [Test]
    public void No_module_uses_another_modules_internal_types()
    {
        var violations = ModuleBoundaries.FindViolations(typeof(IMeetingRepository).Assembly, "Meet.Modules");

        violations.Should().BeEmpty();
    }

    [Test]
    public void A_module_reaching_into_another_modules_internals_is_reported()
    {
        var violations = ModuleBoundaries.FindViolations(typeof(ModuleBoundariesTests).Assembly, "Meet.Tests.Architecture.BoundaryFixtures");

        violations.Should().ContainSingle().Which.Should().Contain("BetaReachesIn");
    }

    [Test]
    public void Each_module_exposes_a_registration_extension_and_keeps_implementations_internal()
    {
        var assembly = typeof(IMeetingRepository).Assembly;

        var publicImplementations = assembly.GetExportedTypes()
            .Where(t => t.Namespace!.Contains(".Internal", StringComparison.Ordinal));

        publicImplementations.Should().BeEmpty();
        assembly.GetExportedTypes().Select(t => t.Name).Should().Contain(
            ["StorageModuleExtensions", "MeetingsModuleExtensions", "AllocationModuleExtensions", "HostingModuleExtensions"]);
    }
}
