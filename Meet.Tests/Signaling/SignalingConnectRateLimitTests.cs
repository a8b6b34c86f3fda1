using System.Net;
using Meet.Modules.Client;
using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Signaling;

// Issue 15 (reconnection storms): RateLimiting:SignalingConnect, one bucket per node shared by both
// transports. Over it, the hub answers 429 problem+json with Retry-After before looking at the token,
// and gRPC answers a coded 429 that names the wait.
public sealed class SignalingConnectRateLimitTests
{
    private static Task<MeetTestHost> StartAsync() => MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
    {
        ["RateLimiting:SignalingConnect:TokenLimit"] = "1",
        ["RateLimiting:SignalingConnect:TokensPerPeriod"] = "1",
        ["RateLimiting:SignalingConnect:ReplenishmentPeriod"] = "00:01:00",
    });

    private static MeetClient NewClient(MeetTestHost host, SignalingTransport transport) => new(new MeetClientOptions
    {
        BaseAddress = host.BaseAddress,
        GrpcAddress = host.Get<GrpcEndpoint>().Address,
        Transport = transport,
        // One attempt: the refusal itself is what is tested.
        Reconnect = ReconnectBackoff.Default with { MaxAttempts = 1 },
    });

    [Test]
    public async Task Hub_connects_over_the_bucket_get_429_with_retry_after_before_the_token_is_checked()
    {
        await using var host = await StartAsync();

        var first = await host.Client.PostAsync($"{SignalingModuleExtensions.HubPath}/negotiate?negotiateVersion=1", null);
        var refused = await host.Client.PostAsync($"{SignalingModuleExtensions.HubPath}/negotiate?negotiateVersion=1", null);

        first.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the first request had a token from the bucket and then failed authentication");
        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta.Should().BePositive();
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await refused.Content.ReadAsStringAsync()).Should().Contain("RateLimiting:SignalingConnect");
        host.Get<SignalingConnectLimiter>().Rejected.Should().Be(1);
    }

    [Test]
    public async Task Grpc_sessions_over_the_shared_bucket_get_a_coded_429_that_names_the_wait()
    {
        await using var host = await StartAsync();
        await using var first = NewClient(host, SignalingTransport.Grpc);
        await using var second = NewClient(host, SignalingTransport.Grpc);
        var meeting = await first.CreateMeetingAsync("usr_first", "Bucket");
        await first.JoinAsync(meeting.MeetingId, "First", token: meeting.AccessToken);

        var join = () => second.JoinAsync(meeting.MeetingId, "Second", userId: "usr_second");

        var refusal = await join.Should().ThrowAsync<SignalingErrorException>();
        refusal.Which.Code.Should().Be(SignalingErrorCodes.RateLimited);
        refusal.Which.Message.Should().MatchRegex(@"retry after \d+ ms");
        second.ConnectsRefused.Should().Be(1);
        host.Get<SignalingConnectLimiter>().Accepted.Should().Be(1);
    }
}
