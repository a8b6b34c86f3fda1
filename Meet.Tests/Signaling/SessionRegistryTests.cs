using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Codesprintpro.Video.Signaling.V1;
using Meet.Modules.Media;
using Meet.Modules.Storage;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meet.Tests.Signaling;

// Sessions against the real SFU (Media module) and storage: what a join and a leave leave behind.
public sealed class SessionRegistryTests
{
    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string> { ["Signaling:HeartbeatTimeout"] = "00:00:00.800" });

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    private async Task<(string MeetingId, string Token, string ParticipantId)> JoinAsync(string userId)
    {
        var created = await (await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_host", meetingTitle = "t", allowGuestJoin = true })).Content.ReadFromJsonAsync<JsonElement>();
        var meetingId = created.GetProperty("meetingId").GetString()!;
        var response = await host.Client.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { userId });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var joined = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (meetingId, joined.GetProperty("accessToken").GetString()!, joined.GetProperty("participantId").GetString()!);
    }

    private async Task<ParticipantConnectionStatus> StatusAsync(string meetingId, string participantId) =>
        (await host.Get<IParticipantRepository>().ListAsync(meetingId, CancellationToken.None)).Single(p => p.ParticipantId == Guid.Parse(participantId)).ConnectionStatus;

    private int MediaParticipants => host.Get<IMediaModule>().GetResourceCounts().Participants;

    [Test]
    public async Task A_SignalR_session_holds_a_media_participant_and_marks_storage_until_it_leaves()
    {
        var (meetingId, token, participantId) = await JoinAsync("alice");
        var before = MediaParticipants;
        await using var client = await HubTestClient.ConnectAsync(host.BaseAddress, token, messagePack: false);
        var statusBefore = await StatusAsync(meetingId, participantId);

        await client.JoinAsync("Alice");
        var duringCount = MediaParticipants;
        var during = await StatusAsync(meetingId, participantId);
        await client.Connection.InvokeAsync("Leave");
        await SignalingTestBase.EventuallyAsync(() => MediaParticipants == before, "the media participant is freed");

        statusBefore.Should().Be(ParticipantConnectionStatus.Connecting);
        duringCount.Should().Be(before + 1);
        during.Should().Be(ParticipantConnectionStatus.Connected);
        (await StatusAsync(meetingId, participantId)).Should().Be(ParticipantConnectionStatus.Disconnected);
    }

    [Test]
    public async Task A_silent_gRPC_client_is_dropped_and_every_media_resource_of_it_freed()
    {
        var (meetingId, token, participantId) = await JoinAsync("bob");
        var before = host.Get<IMediaModule>().GetResourceCounts();
        await using var client = new SeedGrpcTestClient(host.Get<GrpcEndpoint>().Address!);
        await client.SendFirstAsync(meetingId, token);
        await SignalingTestBase.EventuallyAsync(() => MediaParticipants == before.Participants + 1, "the media participant exists");

        // Issue 13: before the drop the silent client may hear its own CONNECTION_CHANGED (reconnecting).
        var message = await client.NextAsync();
        while (message?.PayloadCase == ServerMessage.PayloadOneofCase.Update)
            message = await client.NextAsync();
        await SignalingTestBase.EventuallyAsync(() => host.Get<IMediaModule>().GetResourceCounts() == before, "every media resource is freed");

        message!.PayloadCase.Should().Be(ServerMessage.PayloadOneofCase.Error);
        message.Error.Code.Should().Be(408);
        (await StatusAsync(meetingId, participantId)).Should().Be(ParticipantConnectionStatus.Disconnected);
    }
}
