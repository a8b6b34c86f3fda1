using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Meet.Modules.Client;
using Meet.Modules.Media;
using Meet.Modules.Signaling;
using Meet.Tests.Signaling;

namespace Meet.Tests.Client;

// Issue 13 over both transports through MeetClient: chat, hand raise, host controls and who may use them.
// The media module is the fake one, so "the SFU holds this participant's audio" is read from it directly
// (the real SFU's drop is covered by HostMuteForwardingTests and the browser test).
[TestFixture(SignalingTransport.Grpc)]
[TestFixture(SignalingTransport.SignalR)]
[TestFixture(SignalingTransport.SignalRMessagePack)]
public sealed class MeetingControlsClientTests(SignalingTransport transport) : SignalingTestBase
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Signaling:ChatMaximumLength"] = "100",
        ["Signaling:ChatBurst"] = "5",
        ["Signaling:ChatMessagesPerSecond"] = "1",
        ["Signaling:ChatHistoryLength"] = "3",
        ["Signaling:RosterPageSize"] = "2",
        ["Signaling:RosterBatchDelay"] = "00:00:00.020",
    };

    private readonly List<MeetClient> clients = [];

    private MeetClient NewClient()
    {
        var client = new MeetClient(new MeetClientOptions
        {
            BaseAddress = Host.BaseAddress,
            GrpcAddress = GrpcAddress,
            Transport = transport,
            Reconnect = new ReconnectBackoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), 0.3, 3),
            RosterPageSize = 2,
        });
        clients.Add(client);
        return client;
    }

    [TearDown]
    public async Task DisposeClientsAsync()
    {
        foreach (var client in clients)
            await client.DisposeAsync();
        clients.Clear();
    }

    private sealed record Call(MeetingCreated Meeting, MeetClient Host, MeetClient[] Others);

    // A host and `others` guests in one meeting, every roster complete.
    private async Task<Call> StartCallAsync(int others, bool defaultMuted = false)
    {
        var host = NewClient();
        var response = await Host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_host", meetingTitle = "Controls", allowGuestJoin = true, defaultMuted });
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var meeting = new MeetingCreated(body.GetProperty("meetingId").GetString()!, "usr_host", "", body.GetProperty("accessToken").GetString()!);
        await host.JoinAsync(meeting.MeetingId, "Host", token: meeting.AccessToken);
        var list = new MeetClient[others];
        for (var i = 0; i < others; i++)
        {
            list[i] = NewClient();
            await list[i].JoinAsync(meeting.MeetingId, $"Guest {i}");
        }
        await EventuallyAsync(() => host.Participants.Count == others && list.All(c => c.Participants.Count == others), "every roster is complete");
        return new Call(meeting, host, list);
    }

    private static async Task<int> RefusalAsync(Func<Task> call)
    {
        var refused = await FluentActions.Awaiting(call).Should().ThrowAsync<SignalingErrorException>();
        return refused.Which.Code;
    }

    [Test]
    public async Task Chat_reaches_everyone_in_order_with_server_ids_and_a_late_joiner_gets_the_last_messages()
    {
        var call = await StartCallAsync(2);
        var received = call.Others.Append(call.Host).ToDictionary(c => c, _ => new ConcurrentQueue<ChatMessage>());
        foreach (var (client, queue) in received)
            client.ChatReceived += queue.Enqueue;

        for (var i = 0; i < 4; i++)
            await (i % 2 == 0 ? call.Host : call.Others[0]).SendChatAsync($"message {i}");
        await EventuallyAsync(() => received.Values.All(q => q.Count == 4), "everyone has the four messages");

        foreach (var queue in received.Values)
        {
            queue.Select(m => m.Text).Should().Equal("message 0", "message 1", "message 2", "message 3");
            queue.Select(m => m.FromParticipantId).Should().Equal(call.Host.ParticipantId, call.Others[0].ParticipantId, call.Host.ParticipantId, call.Others[0].ParticipantId);
            queue.Select(m => m.Id).Should().OnlyHaveUniqueItems();
        }
        var late = NewClient();
        await late.JoinAsync(call.Meeting.MeetingId, "Late");
        // ChatHistoryLength = 3: the last three, oldest first.
        late.ChatHistory.Select(m => m.Text).Should().Equal("message 1", "message 2", "message 3");
    }

    [Test]
    public async Task A_direct_message_reaches_only_its_target_and_its_sender()
    {
        var call = await StartCallAsync(2);
        var toTarget = new ConcurrentQueue<ChatMessage>();
        var toOther = new ConcurrentQueue<ChatMessage>();
        var toSender = new ConcurrentQueue<ChatMessage>();
        call.Others[0].ChatReceived += toTarget.Enqueue;
        call.Others[1].ChatReceived += toOther.Enqueue;
        call.Host.ChatReceived += toSender.Enqueue;

        await call.Host.SendChatAsync("just for you", call.Others[0].ParticipantId);
        await call.Host.SendChatAsync("for everyone");
        await EventuallyAsync(() => toOther.Count == 1 && toTarget.Count == 2 && toSender.Count == 2, "the messages arrived");

        toTarget.First().ToParticipantId.Should().Be(call.Others[0].ParticipantId);
        toOther.Should().ContainSingle().Which.Text.Should().Be("for everyone");
    }

    [Test]
    public async Task Bad_chat_is_refused_with_codes_and_a_flood_is_rate_limited_while_others_chat_on()
    {
        var call = await StartCallAsync(2);
        var flooder = call.Others[0];
        var heard = new ConcurrentQueue<ChatMessage>();
        call.Others[1].ChatReceived += heard.Enqueue;

        (await RefusalAsync(() => flooder.SendChatAsync(new string('x', 101)))).Should().Be(SignalingErrorCodes.TooLarge);
        (await RefusalAsync(() => flooder.SendChatAsync("   "))).Should().Be(SignalingErrorCodes.BadRequest);
        (await RefusalAsync(() => flooder.SendChatAsync("hi", "no-such-participant"))).Should().Be(SignalingErrorCodes.NotFound);
        var codes = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            try
            {
                await flooder.SendChatAsync($"flood {i}");
            }
            catch (SignalingErrorException ex)
            {
                codes.Add(ex.Code);
            }
        }
        // Burst 5 at 1 per second: most of the twelve are refused with 429, and the others are unaffected.
        codes.Should().NotBeEmpty().And.OnlyContain(c => c == SignalingErrorCodes.RateLimited);
        await call.Others[1].SendChatAsync("still here");
        await call.Host.SendChatAsync("me too");
        await EventuallyAsync(() => heard.Any(m => m.Text == "me too"), "the others' chat still flows");
        heard.Select(m => m.Text).Should().Contain("still here");
        heard.Count(m => m.Text.StartsWith("flood", StringComparison.Ordinal)).Should().Be(12 - codes.Count, "refused messages reach nobody");
    }

    [Test]
    public async Task Raised_hands_are_ordered_in_every_roster_and_the_host_can_lower_one()
    {
        var call = await StartCallAsync(3);
        await call.Others[2].RaiseHandAsync();
        await call.Others[0].RaiseHandAsync();
        await call.Others[1].RaiseHandAsync();
        await EventuallyAsync(() => call.Host.Participants.Values.Count(p => p.HandRaised) == 3, "the host sees three hands");

        call.Host.Participants.Values.Where(p => p.HandRaised).OrderBy(p => p.HandRaisedOrder).Select(p => p.ParticipantId)
            .Should().Equal(call.Others[2].ParticipantId, call.Others[0].ParticipantId, call.Others[1].ParticipantId);
        await call.Host.LowerHandAsync(call.Others[0].ParticipantId!);
        await EventuallyAsync(() => !call.Others[1].Participants[call.Others[0].ParticipantId!].HandRaised, "the others see the hand lowered");
        await EventuallyAsync(() => call.Others[0].Self?.HandRaised == false, "its owner sees it lowered too");
        call.Host.Participants[call.Others[0].ParticipantId!].HandRaisedOrder.Should().Be(0);
    }

    [Test]
    public async Task Connection_state_from_the_media_path_reaches_every_roster_worst_first()
    {
        var call = await StartCallAsync(2);
        var target = call.Others[0].ParticipantId!;
        var listener = Media.Participants[target].Listener;
        call.Host.Participants[target].Connection.Should().Be(ParticipantConnection.Connected);

        listener.OnConnectionStateChanged(MediaConnectionState.Connected);
        listener.OnConnectionStateChanged(MediaConnectionState.Disconnected);
        await EventuallyAsync(() => call.Host.Participants[target].Connection == ParticipantConnection.Reconnecting
                                    && call.Others[1].Participants[target].Connection == ParticipantConnection.Reconnecting, "everyone sees it reconnecting");
        listener.OnConnectionStateChanged(MediaConnectionState.Failed);
        await EventuallyAsync(() => call.Others[1].Participants[target].Connection == ParticipantConnection.MediaFailed, "then its media failed");
        // An ICE restart that succeeds brings it back; a late joiner's snapshot carries the state too.
        listener.OnConnectionStateChanged(MediaConnectionState.Connected);
        await EventuallyAsync(() => call.Host.Participants[target].Connection == ParticipantConnection.Connected, "it is connected again");
        listener.OnConnectionStateChanged(MediaConnectionState.Failed);
        var late = NewClient();
        await late.JoinAsync(call.Meeting.MeetingId, "Late");
        late.Participants[target].Connection.Should().Be(ParticipantConnection.MediaFailed);
        call.Host.Participants[call.Others[1].ParticipantId!].Connection.Should().Be(ParticipantConnection.Connected);
    }

    [Test]
    public async Task Screen_sharing_starts_and_stops_in_every_roster_with_the_publisher_offer()
    {
        var call = await StartCallAsync(2);
        var sharer = call.Others[0];
        var updates = new ConcurrentQueue<ParticipantUpdateMessage>();
        call.Host.ParticipantUpdated += updates.Enqueue;
        const string camera = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n";

        await sharer.SendPublisherOfferAsync(camera);
        await sharer.SendPublisherOfferAsync(camera + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=content:slides\r\n");
        await EventuallyAsync(() => call.Others[1].Participants[sharer.ParticipantId!].ScreenSharing && call.Host.Participants[sharer.ParticipantId!].ScreenSharing, "everyone sees the share");
        await sharer.SendPublisherOfferAsync(camera);
        await EventuallyAsync(() => !call.Host.Participants[sharer.ParticipantId!].ScreenSharing, "the host sees it stop");
        await EventuallyAsync(() => updates.Count(u => u.ParticipantId == sharer.ParticipantId) >= 2, "both changes arrived");
        updates.Where(u => u.ParticipantId == sharer.ParticipantId).Select(u => u.Action).Should()
            .Equal(ParticipantUpdateMessage.ScreenShareStarted, ParticipantUpdateMessage.ScreenShareStopped);
    }

    [Test]
    public async Task Host_mute_is_held_by_the_sfu_until_the_participant_unmutes_itself()
    {
        var call = await StartCallAsync(2);
        var target = call.Others[0];
        var selfUpdates = new ConcurrentQueue<ParticipantUpdateMessage>();
        target.SelfUpdated += selfUpdates.Enqueue;

        await call.Host.MuteParticipantAsync(target.ParticipantId!);
        await EventuallyAsync(() => call.Others[1].Participants[target.ParticipantId!].AudioMuted, "the others see the mute");
        await EventuallyAsync(() => selfUpdates.Any(u => u.Action == ParticipantUpdateMessage.Muted && u.ByHost), "the muted one is told the host did it");
        Media.Participants[target.ParticipantId!].AudioHeld.Should().BeTrue();
        // Muting oneself again does not release the hold; only an unmute does, and only by the participant.
        // (Over gRPC SetMuted is not answered: the acknowledged hand command after it marks it processed.)
        await target.SetMutedAsync("audio", true);
        await target.RaiseHandAsync(false);
        Media.Participants[target.ParticipantId!].AudioHeld.Should().BeTrue();
        (await RefusalAsync(() => call.Host.HostActionAsync("unmute", target.ParticipantId))).Should().Be(SignalingErrorCodes.BadRequest);
        await target.SetMutedAsync("audio", false);
        await target.RaiseHandAsync(false);
        Media.Participants[target.ParticipantId!].AudioHeld.Should().BeFalse();
        await EventuallyAsync(() => !call.Host.Participants[target.ParticipantId!].AudioMuted, "the host sees the unmute");
    }

    [Test]
    public async Task Mute_all_holds_everyone_but_hosts_and_ask_to_unmute_reaches_only_the_target()
    {
        var call = await StartCallAsync(2);
        var notices = new ConcurrentQueue<NoticeMessage>();
        call.Others[0].NoticeReceived += notices.Enqueue;

        await call.Host.MuteAllAsync();
        await call.Host.AskToUnmuteAsync(call.Others[0].ParticipantId!);

        call.Others.Should().OnlyContain(c => Media.Participants[c.ParticipantId!].AudioHeld);
        Media.Participants[call.Host.ParticipantId!].AudioHeld.Should().BeFalse();
        await EventuallyAsync(() => notices.Any(n => n.Kind == NoticeMessage.AskUnmute), "the ask arrives");
        notices.Single().FromParticipantId.Should().Be(call.Host.ParticipantId);
        Media.Participants[call.Others[0].ParticipantId!].AudioHeld.Should().BeTrue("asking never unmutes");
    }

    [Test]
    public async Task Default_muted_meetings_start_participants_muted_and_held_but_not_the_host()
    {
        var call = await StartCallAsync(1, defaultMuted: true);

        call.Host.Participants[call.Others[0].ParticipantId!].AudioMuted.Should().BeTrue();
        Media.Participants[call.Others[0].ParticipantId!].AudioHeld.Should().BeTrue();
        Media.Participants[call.Host.ParticipantId!].AudioHeld.Should().BeFalse();
        call.Others[0].Participants[call.Host.ParticipantId!].AudioMuted.Should().BeFalse();
    }

    [Test]
    public async Task Host_actions_by_a_non_host_are_refused_with_403_and_change_nothing()
    {
        var call = await StartCallAsync(2);
        var guest = call.Others[0];
        var victim = call.Others[1].ParticipantId!;

        foreach (var (action, target) in new[] { (HostActions.Mute, victim), (HostActions.MuteAll, null), (HostActions.Remove, victim), (HostActions.Lock, null),
                     (HostActions.End, null), (HostActions.MakeHost, guest.ParticipantId), (HostActions.TransferHost, guest.ParticipantId), (HostActions.LowerHand, victim) })
            (await RefusalAsync(() => guest.HostActionAsync(action, target, null))).Should().Be(SignalingErrorCodes.Forbidden, action);

        Media.Participants[victim].AudioHeld.Should().BeFalse();
        call.Others[1].Participants.Should().HaveCount(2);
        (await Host.Client.GetAsync($"/v1/meetings/{call.Meeting.MeetingId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        guest.Role.Should().Be("guest");
    }

    [Test]
    public async Task Unknown_targets_and_malformed_host_actions_are_refused_with_codes()
    {
        var call = await StartCallAsync(1);
        var other = await StartCallAsync(1);

        (await RefusalAsync(() => call.Host.MuteParticipantAsync("no-such-participant"))).Should().Be(SignalingErrorCodes.NotFound);
        // A participant of another meeting is as unknown here as a made-up id.
        (await RefusalAsync(() => call.Host.RemoveParticipantAsync(other.Others[0].ParticipantId!))).Should().Be(SignalingErrorCodes.NotFound);
        (await RefusalAsync(() => call.Host.HostActionAsync("explode", call.Others[0].ParticipantId))).Should().Be(SignalingErrorCodes.BadRequest);
        (await RefusalAsync(() => call.Host.HostActionAsync(HostActions.Mute, null))).Should().Be(SignalingErrorCodes.BadRequest);
        (await RefusalAsync(() => call.Host.HostActionAsync(HostActions.Mute, call.Others[0].ParticipantId, "video"))).Should().Be(SignalingErrorCodes.BadRequest);
        (await RefusalAsync(() => call.Host.HostActionAsync(HostActions.Mute, new string('p', 65)))).Should().Be(SignalingErrorCodes.BadRequest);
        other.Others[0].Participants.Should().ContainKey(other.Host.ParticipantId!);
    }

    [Test]
    public async Task A_removed_participant_is_told_closed_and_its_token_refused_on_rejoin()
    {
        var call = await StartCallAsync(2);
        var removed = call.Others[0];
        var notices = new ConcurrentQueue<NoticeMessage>();
        var disconnected = new TaskCompletionSource<Exception?>();
        removed.NoticeReceived += notices.Enqueue;
        removed.Disconnected += e => disconnected.TrySetResult(e);
        var token = removed.Joined!.AccessToken;

        await call.Host.RemoveParticipantAsync(removed.ParticipantId!);

        await EventuallyAsync(() => !call.Others[1].Participants.ContainsKey(removed.ParticipantId!), "the others see it leave");
        await EventuallyAsync(() => notices.Any(n => n.Kind == NoticeMessage.Removed), "it is told it was removed");
        (await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeOfType<SignalingErrorException>().Which.Code.Should().Be(SignalingErrorCodes.Unauthorized);
        var again = NewClient();
        (await RefusalAsync(() => again.JoinAsync(call.Meeting.MeetingId, "Back again", token: token))).Should().Be(SignalingErrorCodes.Unauthorized);
        Media.Participants.Should().NotContainKey(removed.ParticipantId!);
    }

    [Test]
    public async Task Ending_the_meeting_tells_everyone_frees_media_and_marks_the_row_ended()
    {
        var call = await StartCallAsync(2);
        var notices = call.Others.Append(call.Host).Select(c =>
        {
            var queue = new ConcurrentQueue<NoticeMessage>();
            c.NoticeReceived += queue.Enqueue;
            return queue;
        }).ToList();

        await call.Host.EndMeetingAsync();

        await EventuallyAsync(() => notices.All(q => q.Any(n => n.Kind == NoticeMessage.Ended)), "every member is told the meeting ended");
        await EventuallyAsync(() => !Media.Participants.Keys.Intersect(call.Others.Append(call.Host).Select(c => c.ParticipantId!)).Any(), "every media participant is freed");
        (await Host.Client.GetAsync($"/v1/meetings/{call.Meeting.MeetingId}")).StatusCode.Should().Be(HttpStatusCode.Gone);
    }

    [Test]
    public async Task A_locked_meeting_refuses_new_joins_but_not_its_own_participants_and_unlocks()
    {
        var call = await StartCallAsync(1);
        var states = new ConcurrentQueue<MeetingStateMessage>();
        call.Others[0].MeetingStateChanged += states.Enqueue;

        await call.Host.SetLockedAsync(true);
        await EventuallyAsync(() => call.Others[0].MeetingLocked, "members see the lock");
        var newcomer = NewClient();
        (await RefusalAsync(() => newcomer.JoinAsync(call.Meeting.MeetingId, "Newcomer"))).Should().Be(SignalingErrorCodes.Forbidden);
        var rejoin = NewClient();
        await rejoin.JoinAsync(call.Meeting.MeetingId, "Guest 0 again", token: call.Others[0].Joined!.AccessToken);
        await call.Host.SetLockedAsync(false);
        await newcomer.JoinAsync(call.Meeting.MeetingId, "Newcomer");

        states.Select(s => s.Locked).Should().StartWith(true);
        newcomer.MeetingLocked.Should().BeFalse();
    }

    [Test]
    public async Task Transferring_host_moves_the_power_with_the_role()
    {
        var call = await StartCallAsync(2);
        var heir = call.Others[0];

        await call.Host.TransferHostAsync(heir.ParticipantId!);
        await EventuallyAsync(() => heir.Role == "host" && call.Others[1].Participants[heir.ParticipantId!].Role == "host", "the new host is known");
        await EventuallyAsync(() => call.Host.Role == "participant", "the old host is told");

        (await RefusalAsync(() => call.Host.MuteParticipantAsync(call.Others[1].ParticipantId!))).Should().Be(SignalingErrorCodes.Forbidden);
        await heir.MuteParticipantAsync(call.Others[1].ParticipantId!);
        Media.Participants[call.Others[1].ParticipantId!].AudioHeld.Should().BeTrue();
        await heir.MakeHostAsync(call.Others[1].ParticipantId!);
        await EventuallyAsync(() => call.Others[1].Role == "host", "sharing makes a second host");
    }

    [Test]
    public async Task A_roster_larger_than_a_page_reaches_a_joiner_in_pages_and_stays_in_step()
    {
        // RosterPageSize = 2: the welcome carries two of the five others, the client fetches the rest.
        var call = await StartCallAsync(4);
        var late = NewClient();
        var welcome = await late.JoinAsync(call.Meeting.MeetingId, "Late");

        welcome.Participants.Should().HaveCount(2);
        welcome.RosterTotal.Should().Be(5);
        late.Participants.Keys.Should().BeEquivalentTo(call.Others.Append(call.Host).Select(c => c.ParticipantId));
        await call.Others[3].LeaveAsync();
        await call.Others[2].RaiseHandAsync();
        await EventuallyAsync(() => late.Participants.Count == 4 && late.Participants[call.Others[2].ParticipantId!].HandRaised, "later deltas apply over the pages");
    }
}
