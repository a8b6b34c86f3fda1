using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// One host and one Chromium for every test of a fixture: what most browser test classes need.
// Tests that must own their host (crash, connection loss) start a BrowserHarness themselves.
[Category("Browser")]
[NonParallelizable]
public abstract class BrowserFixture
{
    protected static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);

    internal BrowserHarness Harness { get; private set; } = null!;

    protected IBrowser Browser { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartBrowserAsync()
    {
        Harness = await BrowserHarness.StartAsync(HostSettings, ConfigureHostServices);
        Browser = await Harness.LaunchAsync();
    }

    // A fixture's configuration overrides (none by default).
    protected virtual IReadOnlyDictionary<string, string>? HostSettings => null;

    // A fixture's additions to the host's services (none by default).
    protected virtual void ConfigureHostServices(IServiceCollection services)
    {
    }

    [OneTimeTearDown]
    public async Task StopBrowserAsync() => await Harness.DisposeAsync();
}
