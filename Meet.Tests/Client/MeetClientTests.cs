using System.Collections.Concurrent;
using Meet.Modules.Client;
using Meet.Modules.Signaling;
using Meet.Tests.Signaling;

namespace Meet.Tests.Client;

[TestFixture(SignalingTransport.Grpc)]
[TestFixture(SignalingTransport.SignalR)]
[TestFixture(SignalingTransport.SignalRMessagePack)]
public sealed class MeetClientTests(SignalingTransport transport) : SignalingTestBase
{
    private MeetClient NewClient() => new(new MeetClientOptions
    {
        BaseAddress = Host.BaseAddress,
        GrpcAddress = GrpcAddress,
        Transport = transport,
        Reconnect = new ReconnectBackoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), 0.3, 20),
        HeartbeatInterval = TimeSpan.FromSeconds(1),
    });

    [Test]
    public async Task Clients_create_join_and_follow_each_other_in_the_roster()
    {
        await using var alice = NewClient();
        await using var bob = NewClient();
        var aliceUpdates = new ConcurrentQueue<ParticipantUpdateMessage>();
        alice.ParticipantUpdated += aliceUpdates.Enqueue;
        var meeting = await alice.CreateMeetingAsync("usr_alice", "Client test");
        var aliceWelcome = await alice.JoinAsync(meeting.MeetingId, "Alice", token: meeting.AccessToken);

        var bobWelcome = await bob.JoinAsync(meeting.MeetingId, "Bob", userId: "usr_bob");
        await EventuallyAsync(() => alice.Participants.ContainsKey(bob.ParticipantId!), "alice sees bob");
        await bob.SetMutedAsync("video", true);
        await EventuallyAsync(() => alice.Participants[bob.ParticipantId!].VideoMuted, "alice sees bob's camera off");
        await bob.LeaveAsync();
        await EventuallyAsync(() => alice.Participants.Count == 0, "alice sees bob leave");

        aliceWelcome.Role.Should().Be("host");
        bobWelcome.Role.Should().Be("guest", "a userId grants nothing: without an invitation bob is a guest");
        bobWelcome.Participants.Should().ContainSingle().Which.DisplayName.Should().Be("Alice");
        var bobId = bob.ParticipantId!;
        aliceUpdates.Select(u => (u.ParticipantId, u.Action, u.Kind)).Should().Equal(
            (bobId, "JOINED", (string?)null),
            (bobId, "MUTED", "video"),
            (bobId, "LEFT", null));
    }

    [Test]
    public async Task Client_finds_the_signaling_endpoint_from_the_join_response_alone()
    {
        // No GrpcAddress in the options: over gRPC the client must use the endpoint the join announced.
        await using var client = new MeetClient(new MeetClientOptions { BaseAddress = Host.BaseAddress, Transport = transport });
        var (meetingId, _) = await CreateMeetingAsync();

        var welcome = await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        welcome.ParticipantId.Should().Be(client.ParticipantId);
        if (transport == SignalingTransport.Grpc)
            client.Joined!.GrpcAddress.Should().Be(GrpcAddress);
    }

    [Test]
    public async Task Slot_assignments_reach_the_client_over_every_transport()
    {
        await using var client = NewClient();
        var announced = new ConcurrentQueue<IReadOnlyList<SlotAssignmentMessage>>();
        client.SlotAssignmentsChanged += announced.Enqueue;
        var (meetingId, _) = await CreateMeetingAsync();
        await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        Media.Participants[client.ParticipantId!].Listener.OnSlotAssignments(
        [
            new Meet.Modules.Media.MediaSlotAssignment("0", "video", "bob", "cam"),
            new Meet.Modules.Media.MediaSlotAssignment("1", "video", null, null),
            new Meet.Modules.Media.MediaSlotAssignment("2", "audio", "carol", "mic"),
        ]);
        await EventuallyAsync(() => !announced.IsEmpty, "the slot assignments arrive");

        client.SlotAssignments.Should().Equal(
            new SlotAssignmentMessage("0", "video", "bob", "cam"),
            new SlotAssignmentMessage("1", "video", null, null),
            new SlotAssignmentMessage("2", "audio", "carol", "mic"));
    }

    [Test]
    public async Task Pins_and_a_hosts_screen_share_limit_reach_the_media_module_and_a_non_host_gets_403()
    {
        await using var host = NewClient();
        await using var guest = NewClient();
        var (meetingId, hostToken) = await CreateMeetingAsync();
        await host.JoinAsync(meetingId, "Host", token: hostToken);
        await guest.JoinAsync(meetingId, "Guest", userId: "usr_guest");

        await guest.PinAsync(["bob", "carol"]);
        Media.Participants[guest.ParticipantId!].Pinned.Should().Equal("bob", "carol");
        await guest.PinAsync([]);
        Media.Participants[guest.ParticipantId!].Pinned.Should().BeEmpty("an empty list unpins");
        await host.SetScreenShareLimitAsync(3);
        Media.Participants[host.ParticipantId!].MaxScreenShares.Should().Be(3);

        var notHost = async () => await guest.SetScreenShareLimitAsync(2);
        (await notHost.Should().ThrowAsync<SignalingErrorException>()).Which.Code.Should().Be(SignalingErrorCodes.Forbidden);
        Media.Participants[guest.ParticipantId!].MaxScreenShares.Should().Be(1, "a refused command changes nothing");
        var tooMany = async () => await guest.PinAsync([.. Enumerable.Range(0, 65).Select(i => "p" + i)]);
        (await tooMany.Should().ThrowAsync<SignalingErrorException>()).Which.Code.Should().Be(SignalingErrorCodes.TooLarge);
        var empty = async () => await guest.PinAsync([""]);
        (await empty.Should().ThrowAsync<SignalingErrorException>()).Which.Code.Should().Be(SignalingErrorCodes.BadRequest);
    }

    [Test]
    public async Task Offers_answers_and_candidates_flow_through_the_client()
    {
        await using var client = NewClient();
        var offers = new ConcurrentQueue<string>();
        client.SubscriberOfferReceived += offers.Enqueue;
        var (meetingId, _) = await CreateMeetingAsync();
        await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        var answer = await client.SendPublisherOfferAsync(OfferSdp);
        Media.Participants[client.ParticipantId!].Listener.OnSubscriberOffer("v=0\r\nserver-offer\r\n", 1);
        await EventuallyAsync(() => !offers.IsEmpty, "the subscriber offer is raised");
        await client.SendSubscriberAnswerAsync("v=0\r\nclient-answer\r\n");
        await client.SendIceCandidateAsync(subscriber: false, "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0);
        await EventuallyAsync(() => !Media.Participants[client.ParticipantId!].Candidates.IsEmpty, "the candidate arrives");

        answer.Should().Be(FakeMediaModule.AnswerSdp);
        offers.Should().Equal("v=0\r\nserver-offer\r\n");
        Media.Participants[client.ParticipantId!].SubscriberAnswers.Should().Equal("v=0\r\nclient-answer\r\n");
        Media.Participants[client.ParticipantId!].Candidates.Should().Equal(("candidate:1 1 udp 1 127.0.0.1 5000 typ host", false));
    }

    [Test]
    public async Task Refusals_surface_as_coded_exceptions_and_the_session_goes_on()
    {
        await using var client = NewClient();
        var (meetingId, _) = await CreateMeetingAsync();
        await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        var malformed = await FluentActions.Awaiting(() => client.SendPublisherOfferAsync("garbage")).Should().ThrowAsync<SignalingErrorException>();
        var unknownMeeting = await FluentActions.Awaiting(() => NewClient().JoinAsync("mtg-abcdef-1234-xyz", "X", userId: "usr_x")).Should().ThrowAsync<SignalingErrorException>();

        malformed.Which.Code.Should().Be(400);
        unknownMeeting.Which.Code.Should().Be(404);
        (await client.SendPublisherOfferAsync(OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task A_lost_connection_is_re_established_with_backoff_and_the_same_identity()
    {
        await using var client = NewClient();
        var reconnected = new TaskCompletionSource<WelcomeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = new ConcurrentQueue<int>();
        client.Reconnecting += (attempt, _) => attempts.Enqueue(attempt);
        client.Reconnected += welcome => reconnected.TrySetResult(welcome);
        var (meetingId, _) = await CreateMeetingAsync();
        var first = await client.JoinAsync(meetingId, "Alice", userId: "usr_alice");

        await client.SimulateConnectionLossAsync();
        var again = await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));

        attempts.Should().NotBeEmpty().And.StartWith(1);
        again.ParticipantId.Should().Be(first.ParticipantId);
        (await client.SendPublisherOfferAsync(OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
        await EventuallyAsync(() => Media.Participants.ContainsKey(first.ParticipantId), "the media participant is back");
    }
}
