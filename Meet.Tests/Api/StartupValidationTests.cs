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
    [TestCase("Turn:Urls:0", "http://turn.example.test")]
    [TestCase("Turn:StunUrls:0", "turn:stun.example.test")]
    [TestCase("Turn:CredentialLifetime", "00:00:10")]
    public async Task Bad_configuration_fails_start_up_naming_the_key(string key, string value)
    {
        var start = () => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { [key] = value });

        var failure = await start.Should().ThrowAsync<Exception>();

        failure.Which.ToString().Should().Contain(key);
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
