using Codesprintpro.Video.Signaling.V1;
using Meet.Modules.Client;
using Meet.Modules.Signaling;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meet.Tests.Signaling;

public sealed class HeartbeatMonitorTests : SignalingTestBase
{
    protected override TimeSpan HeartbeatTimeout => TimeSpan.FromMilliseconds(800);

    // Keeps a session alive the way clients do, until the test ends.
    private static async Task KeepAliveAsync(Func<Task> ping, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await ping();
            await Task.Delay(150, CancellationToken.None);
        }
    }

    [Test]
    public async Task A_silent_SignalR_client_is_dropped_and_its_media_freed_while_a_pinging_one_stays()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = await HubTestClient.ConnectAsync(Host.BaseAddress, alice.Token, messagePack: false);
        await aliceClient.JoinAsync("Alice");
        using var stop = new CancellationTokenSource();
        var pinging = KeepAliveAsync(() => aliceClient.Connection.InvokeAsync<long>("Ping", 1L), stop.Token);
        await using var bobClient = await HubTestClient.ConnectAsync(Host.BaseAddress, bob.Token, messagePack: false);
        await bobClient.JoinAsync("Bob");

        await EventuallyAsync(() => bobClient.IsClosed, "the silent client is dropped");
        await EventuallyAsync(() => aliceClient.Updates.Any(u => u.Action == "LEFT"), "alice hears bob leave");
        await stop.CancelAsync();
        await pinging;

        bobClient.Errors.Should().ContainSingle().Which.Code.Should().Be(408);
        Media.Participants.Should().ContainKey(alice.ParticipantId).And.NotContainKey(bob.ParticipantId);
        aliceClient.IsClosed.Should().BeFalse();
        // Issue 13: before the drop the roster said bob was reconnecting (2/3 of the timeout silent).
        var bobUpdates = aliceClient.Updates.Where(u => u.ParticipantId == bob.ParticipantId).Select(u => (u.Action, u.Participant?.Connection)).ToList();
        bobUpdates.Should().ContainInOrder((ParticipantUpdateMessage.ConnectionChanged, ParticipantConnection.Reconnecting), (ParticipantUpdateMessage.Left, (string?)null));
    }

    [Test]
    public async Task A_silent_gRPC_client_gets_408_and_its_stream_ends_while_a_pinging_one_stays()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = new SeedGrpcTestClient(GrpcAddress);
        await aliceClient.SendFirstAsync(meetingId, alice.Token);
        using var stop = new CancellationTokenSource();
        var pinging = KeepAliveAsync(() => aliceClient.SendAsync(new ClientMessage { Ping = new Heartbeat { ClientTimestampMs = 1 } }), stop.Token);
        await EventuallyAsync(() => Media.Participants.ContainsKey(alice.ParticipantId), "alice joined");
        await using var bobClient = new SeedGrpcTestClient(GrpcAddress);
        await bobClient.SendFirstAsync(meetingId, bob.Token);

        // Issue 13: at 2/3 of the timeout the roster says bob is reconnecting (bob too gets his own
        // change: a member's versions stay contiguous), then he is dropped.
        var ownChange = await bobClient.NextAsync();
        var error = await bobClient.NextErrorAsync();
        var end = await bobClient.NextAsync();
        var joined = await aliceClient.NextAsync();
        var reconnecting = await aliceClient.NextAsync();
        var left = await aliceClient.NextAsync();
        await stop.CancelAsync();
        await pinging;

        // The seed's proto has no CONNECTION_CHANGED (37): a seed client sees the number, and nothing breaks.
        const ParticipantUpdate.Types.Action connectionChanged = (ParticipantUpdate.Types.Action)37;
        ownChange!.Update.Action.Should().Be(connectionChanged);
        error.Code.Should().Be(408);
        end.Should().BeNull("the server ends the silent client's stream");
        joined!.Update.Action.Should().Be(ParticipantUpdate.Types.Action.Joined);
        reconnecting!.Update.Action.Should().Be(connectionChanged);
        left!.Update.Action.Should().Be(ParticipantUpdate.Types.Action.Left);
        Media.Participants.Should().ContainKey(alice.ParticipantId).And.NotContainKey(bob.ParticipantId);
    }

    [TestCase(SignalingTransport.Grpc)]
    [TestCase(SignalingTransport.SignalR)]
    public async Task The_client_library_heartbeat_keeps_a_session_past_the_timeout(SignalingTransport transport)
    {
        var (meetingId, _) = await CreateMeetingAsync();
        await using var client = new MeetClient(new MeetClientOptions
        {
            BaseAddress = Host.BaseAddress,
            GrpcAddress = GrpcAddress,
            Transport = transport,
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        });
        var errors = new System.Collections.Concurrent.ConcurrentQueue<ErrorMessage>();
        client.ErrorReceived += errors.Enqueue;
        await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        await Task.Delay(HeartbeatTimeout * 3);

        errors.Should().BeEmpty();
        Media.Participants.Should().ContainKey(client.ParticipantId!);
    }
}
