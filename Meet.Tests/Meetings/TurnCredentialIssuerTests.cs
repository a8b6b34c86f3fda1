using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meet.Modules.Meetings;
using Meet.Modules.Meetings.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.Extensions.Options;

namespace Meet.Tests.Meetings;

// TURN REST API credentials (draft-uberti-behave-turn-rest-00), as coturn's use-auth-secret checks them.
public sealed class TurnCredentialIssuerTests
{
    private const string Secret = "meet-turn-secret-0123";

    [Test]
    public void Credentials_match_an_independent_hmac_sha1_of_the_username()
    {
        var (username, password) = TurnCredentialIssuer.Issue(Secret, "participant-1", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        username.Should().Be("1700000000:participant-1");
        // echo -n "1700000000:participant-1" | openssl dgst -sha1 -hmac "meet-turn-secret-0123" -binary | base64
        password.Should().Be("wjKvlWx0wanR25laokvUNlLVtNQ=");
    }

    [Test]
    public void The_username_carries_the_expiry_and_a_colon_in_the_user_cannot_move_it()
    {
        var (username, password) = TurnCredentialIssuer.Issue(Secret, "a:b", DateTimeOffset.FromUnixTimeSeconds(42));

        username.Should().Be("42:a_b");
        password.Should().Be(Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("42:a_b"))));
    }

    [Test]
    public void Stun_and_turn_servers_are_issued_with_the_configured_lifetime_and_none_without_configuration()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var options = new TurnOptions
        {
            Urls = ["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"],
            StunUrls = ["stun:127.0.0.1:3478"],
            StaticAuthSecret = Secret,
            CredentialLifetime = TimeSpan.FromMinutes(10),
        };

        var servers = new TurnCredentialIssuer(Options.Create(options), clock).IceServersFor("p1");

        servers.Should().HaveCount(2);
        servers[0].Urls.Should().Equal("stun:127.0.0.1:3478");
        servers[0].Username.Should().BeNull();
        servers[1].Urls.Should().Equal(options.Urls);
        servers[1].Username.Should().Be("1000600:p1");
        servers[1].Credential.Should().Be(TurnCredentialIssuer.Issue(Secret, "p1", DateTimeOffset.FromUnixTimeSeconds(1_000_600)).Password);
        new TurnCredentialIssuer(Options.Create(new TurnOptions()), clock).IceServersFor("p1").Should().BeEmpty();
    }

    [Test]
    public async Task The_join_response_hands_out_ice_servers_with_credentials_for_that_participant()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["Turn:Urls:0"] = "turn:127.0.0.1:3478?transport=udp",
            ["Turn:StaticAuthSecret"] = Secret,
        });
        var created = await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "h", meetingTitle = "t", allowGuestJoin = true });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString();

        var joined = await (await host.Client.PostAsync($"/v1/meetings/{id}/join", null)).Content.ReadFromJsonAsync<JsonElement>();

        var servers = joined.GetProperty("iceServers");
        servers.GetArrayLength().Should().Be(1);
        var turn = servers[0];
        turn.GetProperty("urls")[0].GetString().Should().Be("turn:127.0.0.1:3478?transport=udp");
        var username = turn.GetProperty("username").GetString()!;
        username.Should().EndWith(":" + joined.GetProperty("participantId").GetString());
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture));
        expiry.Should().BeCloseTo(DateTimeOffset.UtcNow + TimeSpan.FromHours(12), TimeSpan.FromMinutes(1));
        turn.GetProperty("credential").GetString().Should().Be(
            Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(username))));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
