using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Media;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meet.Tests.Signaling;

// A real host on a loopback port with a fake media module; HeartbeatTimeout short enough for the
// heartbeat tests but far above the time any other test stays silent.
public abstract class SignalingTestBase
{
    public const string OfferSdp = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";

    internal MeetTestHost Host { get; private set; } = null!;

    internal FakeMediaModule Media { get; } = new();

    internal Uri GrpcAddress => Host.Get<GrpcEndpoint>().Address!;

    protected virtual TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(30);

    // Settings a fixture adds to (or overrides in) the ones above.
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartHostAsync() =>
        Host = await MeetTestHost.StartAsync(
            StorageProvider.Sqlite,
            settings: new Dictionary<string, string>
            {
                ["Signaling:HeartbeatTimeout"] = HeartbeatTimeout.ToString(),
                ["Signaling:MaximumReceiveMessageSize"] = "131072",
                ["Signaling:MaximumSdpSize"] = "32768",
                ["Signaling:MessagesPerSecond"] = "20",
                ["Signaling:MessageBurst"] = "40",
            }.Concat(ExtraSettings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            services: s => s.Replace(ServiceDescriptor.Singleton<IMediaModule>(Media)));

    [OneTimeTearDown]
    public async Task StopHostAsync() => await Host.DisposeAsync();

    internal sealed record Joined(string MeetingId, string Token, string ParticipantId);

    internal async Task<(string MeetingId, string HostToken)> CreateMeetingAsync()
    {
        var response = await Host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_host", meetingTitle = "Signaling test", allowGuestJoin = true });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("meetingId").GetString()!, body.GetProperty("accessToken").GetString()!);
    }

    internal async Task<Joined> JoinAsync(string meetingId, string userId)
    {
        var response = await Host.Client.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { userId, displayName = userId });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Joined(meetingId, body.GetProperty("accessToken").GetString()!, body.GetProperty("participantId").GetString()!);
    }

    internal async Task EndMeetingAsync(string meetingId, string hostToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/meetings/{meetingId}/end");
        request.Headers.Authorization = new("Bearer", hostToken);
        var response = await Host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    // Polls a condition the server reaches asynchronously, failing with the message after a generous bound.
    internal static async Task EventuallyAsync(Func<bool> condition, string because, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"timed out waiting until {because}");
            await Task.Delay(20);
        }
    }
}
