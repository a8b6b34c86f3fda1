using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

public sealed class StartupValidationTests
{
    [TestCase("Storage:Provider", "Oracle")]
    [TestCase("Storage:SqliteFileName", "")]
    [TestCase("Node:PublicIp", "not-an-ip")]
    [TestCase("Node:Region", "")]
    [TestCase("Node:HeartbeatInterval", "00:00:00")]
    [TestCase("Node:StaleAfter", "00:00:00.100")]
    [TestCase("Auth:SigningKey", "too-short")]
    [TestCase("Auth:TokenLifetime", "-00:00:01")]
    [TestCase("PublicBaseUrl", "ftp://meet.example.test")]
    [TestCase("RateLimiting:Join:TokenLimit", "0")]
    [TestCase("Auth:PreviousSigningKeys:0", "too-short")]
    [TestCase("Https:CertificatePath", "/nonexistent/meet.pem")]
    [TestCase("Https:Port", "70000")]
    [TestCase("ReverseProxy:KnownNetworks:0", "10.0.0.0/99")]
    [TestCase("Turn:Urls:0", "http://turn.example.test")]
    [TestCase("Turn:StunUrls:0", "turn:stun.example.test")]
    [TestCase("Turn:CredentialLifetime", "00:00:10")]
    [TestCase("RateLimiting:SignalingConnect:TokenLimit", "0")]
    [TestCase("RateLimiting:SignalingConnect:TokensPerPeriod", "-1")]
    [TestCase("RateLimiting:SignalingConnect:ReplenishmentPeriod", "00:00:00")]
    [TestCase("Node:Roles", "sfu")]
    [TestCase("Node:ControlPort", "70000")]
    [TestCase("Media:BindAddress", "not-an-ip")]
    [TestCase("Node:SignalingFallbacks:0", "ftp://node-b.example.test")]
    [TestCase("Node:SignalingFallbacks:0", "not a url")]
    public async Task Bad_configuration_fails_start_up_naming_the_key(string key, string value)
    {
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { [key] = value });

        var failure = await start.Should().ThrowAsync<Exception>();

        failure.Which.ToString().Should().Contain(key);
    }

    // Issue 15: a split node is part of a cluster, so it needs the control port and the cluster key.
    [TestCase("media", "Node:ControlPort")]
    [TestCase("signaling", "Node:ClusterKey")]
    public async Task A_split_node_without_its_cluster_settings_fails_start_up_naming_the_key(string roles, string key)
    {
        var settings = new Dictionary<string, string> { ["Node:Roles"] = roles };
        if (key == "Node:ClusterKey")
            settings["Node:ControlPort"] = "1";
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: settings);
        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain(key);
    }

    [Test]
    public async Task Unreadable_certificate_fails_start_up_naming_the_certificate_key()
    {
        var directory = TempDirectory.Create("meet-badcert-");
        var path = Path.Combine(directory, "meet.pem");
        File.WriteAllText(path, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Https:CertificatePath"] = path,
        });

        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain("Https:CertificatePath").And.Contain(path);
    }

    [Test]
    public async Task Pem_certificate_without_its_key_fails_start_up_naming_the_key_path()
    {
        var directory = TempDirectory.Create("meet-nokey-");
        var pem = TestCertificates.WritePem(directory);

        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Https:CertificatePath"] = pem.CertificatePath,
        });

        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain("Https:KeyPath");
    }

    [Test]
    public async Task Pfx_certificate_with_its_password_serves_https()
    {
        var directory = TempDirectory.Create("meet-pfx-");
        var pfx = TestCertificates.WritePfx(directory, "s3cret");

        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Https:CertificatePath"] = pfx.Path,
            ["Https:Password"] = "s3cret",
        });
        using var client = new HttpClient(TestCertificates.PinnedHandler(pfx.Certificate)) { BaseAddress = host.BaseAddress };

        var response = await client.GetAsync("/healthz");

        host.BaseAddress.Scheme.Should().Be("https");
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
    }

    [Test]
    public async Task Pfx_certificate_with_a_wrong_password_fails_start_up_naming_the_password_key()
    {
        var directory = TempDirectory.Create("meet-pfxpw-");
        var pfx = TestCertificates.WritePfx(directory, "s3cret");

        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Https:CertificatePath"] = pfx.Path,
            ["Https:Password"] = "wrong",
        });

        var failure = await start.Should().ThrowAsync<Exception>();
        failure.Which.ToString().Should().Contain("Https:Password");
    }

    [Test]
    public async Task Turn_urls_without_a_shared_secret_fail_start_up_naming_the_key()
    {
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { ["Turn:Urls:0"] = "turn:127.0.0.1:3478" });

        var failure = await start.Should().ThrowAsync<Exception>();

        failure.Which.ToString().Should().Contain("Turn:StaticAuthSecret");
    }

    [Test]
    public async Task Postgres_without_a_connection_string_fails_start_up_naming_the_key()
    {
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { ["Storage:Provider"] = "Postgres" });

        var failure = await start.Should().ThrowAsync<Exception>();

        failure.Which.Message.Should().Contain("Storage:PostgresConnectionString");
    }

    [Test]
    public async Task Unreachable_postgres_fails_start_up_naming_the_connection_string_key()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:PostgresConnectionString"] = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2",
        });

        var failure = await start.Should().ThrowAsync<StorageSchemaException>();

        failure.Which.Message.Should().Contain("Storage:PostgresConnectionString");
    }

    [Test]
    public async Task Sqlite_database_that_cannot_be_opened_fails_start_up_naming_the_data_directory()
    {
        // A folder where the database file should be: SQLite cannot open it as a database.
        var dataDirectory = TempDirectory.Create("meet-baddb-");
        Directory.CreateDirectory(Path.Combine(dataDirectory, "meet.db"));

        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, dataDirectory);

        var failure = await start.Should().ThrowAsync<StorageSchemaException>();

        failure.Which.Message.Should().Contain("Storage:DataDirectory");
    }
}
