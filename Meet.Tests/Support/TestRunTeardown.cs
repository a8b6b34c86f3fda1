using Meet.Tests.Support;

namespace Meet.Tests;

// Namespace Meet.Tests: runs once after every test of the assembly.
[SetUpFixture]
public sealed class TestRunTeardown
{
    [OneTimeTearDown]
    public Task StopSharedResourcesAsync() => TestResources.DisposeAllAsync();
}
