using Meet.Modules.Hosting;
using Microsoft.Extensions.Configuration;

namespace Meet.Tests.Hosting;

public class HostConfigurationExtensionsTests
{
    [Test]
    public void Root_appsettings_beside_the_binaries_is_loaded_when_the_content_root_has_none()
    {
        var configuration = new ConfigurationManager();

        configuration.AddAppSettingsBesideBinaries();

        configuration["PacketEngine:Backend"].Should().Be("Sockets");
        configuration["Storage:Provider"].Should().Be("Sqlite");
    }

    [Test]
    public void Later_sources_still_override_the_root_appsettings()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres" });

        configuration.AddAppSettingsBesideBinaries();

        configuration["Storage:Provider"].Should().Be("Postgres");
    }
}
