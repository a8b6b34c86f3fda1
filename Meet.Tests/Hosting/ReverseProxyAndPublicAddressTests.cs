using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Media.Internal;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Hosting;

// Real hosts on loopback. The "public" host announces a documentation address (198.51.100.9) that
// nothing is ever sent to; only what it announces is checked.
public sealed class ReverseProxyAndPublicAddressTests
{
    private static Dictionary<string, string> ProxySettings(string tokenLimit = "1000") => new()
    {
        ["PublicBaseUrl"] = "",
        ["ReverseProxy:Enabled"] = "true",
        ["RateLimiting:Join:TokenLimit"] = tokenLimit,
        ["RateLimiting:Join:TokensPerPeriod"] = "1",
        ["RateLimiting:Join:ReplenishmentPeriod"] = "01:00:00",
    };

    private static HttpRequestMessage Post(string path, object body, string? forwardedFor = null, string? proto = null, string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null)
            request.Headers.Add("X-Forwarded-Proto", proto);
        if (host is not null)
            request.Headers.Add("X-Forwarded-Host", host);
        return request;
    }

    private static async Task<string> CreateMeetingAsync(MeetTestHost host)
    {
        var created = await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_proxy", meetingTitle = "Proxy", allowGuestJoin = true });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString()!;
    }

    [Test]
    public async Task Behind_a_proxy_join_url_carries_the_forwarded_scheme_and_host()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: ProxySettings());

        var response = await host.Client.SendAsync(Post("/v1/meetings", new { hostId = "usr_proxy", meetingTitle = "Proxy" }, "203.0.113.1", "https", "meet.proxy.test"));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("joinUrl").GetString().Should().StartWith("https://meet.proxy.test/j/mtg-");
    }

    [Test]
    public async Task Behind_a_proxy_the_join_rate_limit_counts_each_forwarded_client()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: ProxySettings(tokenLimit: "1"));
        var meetingId = await CreateMeetingAsync(host);
        var join = $"/v1/meetings/{meetingId}/join";

        var first = await host.Client.SendAsync(Post(join, new { userId = "a" }, "203.0.113.1"));
        var again = await host.Client.SendAsync(Post(join, new { userId = "b" }, "203.0.113.1"));
        var other = await host.Client.SendAsync(Post(join, new { userId = "c" }, "203.0.113.2"));

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        again.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        other.StatusCode.Should().Be(HttpStatusCode.OK, "another client behind the same proxy has its own bucket");
    }

    [Test]
    public async Task Without_reverse_proxy_enabled_forwarded_headers_are_ignored()
    {
        var settings = ProxySettings();
        settings["ReverseProxy:Enabled"] = "false";
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: settings);

        var response = await host.Client.SendAsync(Post("/v1/meetings", new { hostId = "usr_proxy", meetingTitle = "Proxy" }, "203.0.113.1", "https", "evil.example"));

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("joinUrl").GetString().Should().StartWith($"http://127.0.0.1:{host.BaseAddress.Port}/j/");
    }

    [Test]
    public async Task A_public_node_announces_one_address_in_ice_and_the_join_response()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["Node:Public"] = "true",
            ["Node:PublicIp"] = "198.51.100.9",
        });
        var meetingId = await CreateMeetingAsync(host);

        var joined = await (await host.Client.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { userId = "usr_alice" })).Content.ReadFromJsonAsync<JsonElement>();

        host.Get<MediaModule>().PublicIp.Should().Be("198.51.100.9");
        joined.GetProperty("mediaNode").GetProperty("address").GetString().Should().Be("198.51.100.9");
    }

    [Test]
    public async Task Signaling_endpoints_in_the_join_response_use_the_host_name_the_client_used()
    {
        await using var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { ["PublicBaseUrl"] = "" });
        var meetingId = await CreateMeetingAsync(host);
        var grpcPort = host.Get<GrpcEndpoint>().Address!.Port;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/meetings/{meetingId}/join") { Content = JsonContent.Create(new { userId = "usr_alice" }) };
        request.Headers.Host = $"localhost:{host.BaseAddress.Port}";

        var joined = await (await host.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();

        var signaling = joined.GetProperty("signaling");
        signaling.GetProperty("signalR").GetString().Should().Be($"http://localhost:{host.BaseAddress.Port}/hubs/signaling");
        signaling.GetProperty("grpc").GetString().Should().Be($"http://localhost:{grpcPort}", "never a mix of localhost and 127.0.0.1");
    }
}
