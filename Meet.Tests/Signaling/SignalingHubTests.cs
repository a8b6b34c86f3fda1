using System.Net;
using Meet.Modules.Signaling;
using Meet.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meet.Tests.Signaling;

[TestFixture(false)]
[TestFixture(true)]
public sealed class SignalingHubTests(bool messagePack) : SignalingTestBase
{
    private Task<HubTestClient> ConnectAsync(string token) => HubTestClient.ConnectAsync(Host.BaseAddress, token, messagePack);

    // Two participants of a fresh meeting, both connected to the hub and joined, Alice first.
    private async Task<JoinedPair> AliceAndBobInOneMeetingAsync()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        var aliceClient = await ConnectAsync(alice.Token);
        await aliceClient.JoinAsync("Alice");
        var bobClient = await ConnectAsync(bob.Token);
        await bobClient.JoinAsync("Bob");
        return new JoinedPair(alice, bob, aliceClient, bobClient);
    }

    private sealed record JoinedPair(Joined Alice, Joined Bob, HubTestClient AliceClient, HubTestClient BobClient) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await BobClient.DisposeAsync();
            await AliceClient.DisposeAsync();
        }
    }

    internal static async Task ShouldBeRefusedAsync(Func<Task> call, int code)
    {
        var error = await call.Should().ThrowAsync<HubException>();
        error.Which.Message.Should().Contain($"{code}: ");
    }

    [Test]
    public async Task Join_with_a_valid_token_gets_a_welcome_with_the_roster()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = await ConnectAsync(alice.Token);
        var aliceWelcome = await aliceClient.JoinAsync("Alice");
        await using var bobClient = await ConnectAsync(bob.Token);

        var welcome = await bobClient.JoinAsync("Bob");

        aliceWelcome.Participants.Should().BeEmpty();
        welcome.ParticipantId.Should().Be(bob.ParticipantId);
        welcome.MeetingId.Should().Be(meetingId);
        welcome.Role.Should().Be("guest", "a userId in the join body grants nothing");
        welcome.DisplayName.Should().Be("Bob");
        welcome.Participants.Should().ContainSingle().Which.Should().Be(new ParticipantInfo(alice.ParticipantId, "Alice", false, false, false) { Role = "guest" });
        Media.Participants.Should().ContainKeys(alice.ParticipantId, bob.ParticipantId);
    }

    [Test]
    public async Task A_second_join_is_announced_as_JOINED_and_its_leave_as_LEFT()
    {
        await using var pair = await AliceAndBobInOneMeetingAsync();
        var (alice, bob, aliceClient, bobClient) = pair;

        await EventuallyAsync(() => !aliceClient.Updates.IsEmpty, "alice hears of bob");
        await bobClient.Connection.InvokeAsync("Leave");
        await EventuallyAsync(() => aliceClient.Updates.Count >= 2, "alice hears bob leave");

        // Versions: alice's own JOINED is 1 (in her welcome), bob's 2 (in his welcome, so he hears nothing).
        aliceClient.Updates.Select(u => u with { Participant = null }).Should().Equal(
            new ParticipantUpdateMessage(bob.ParticipantId, "Bob", "JOINED", null) { Version = 2 },
            new ParticipantUpdateMessage(bob.ParticipantId, "Bob", "LEFT", null) { Version = 3 });
        bobClient.Updates.Should().BeEmpty("bob's own join and alice were both in his welcome");
        Media.Participants.Should().NotContainKey(bob.ParticipantId, "leaving frees the media participant");
    }

    [Test]
    public async Task Closing_the_connection_is_a_leave()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = await ConnectAsync(alice.Token);
        await aliceClient.JoinAsync("Alice");
        var bobClient = await ConnectAsync(bob.Token);
        await bobClient.JoinAsync("Bob");

        await bobClient.DisposeAsync();

        await EventuallyAsync(() => aliceClient.Updates.Any(u => u.Action == "LEFT"), "alice hears bob leave");
        Media.Participants.Should().NotContainKey(bob.ParticipantId);
    }

    [Test]
    public async Task Publisher_offer_is_answered_and_subscriber_offers_reach_the_client()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        var answer = await client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp);
        Media.Participants[alice.ParticipantId].Listener.OnSubscriberOffer("v=0\r\nsubscriber-offer\r\n", 1);
        await EventuallyAsync(() => !client.SubscriberOffers.IsEmpty, "the subscriber offer arrives");
        await client.Connection.InvokeAsync("SubscriberAnswer", "v=0\r\nsubscriber-answer\r\n", 1L);
        await client.Connection.InvokeAsync("IceCandidate", "subscriber", "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0);

        answer.Should().Be(FakeMediaModule.AnswerSdp);
        client.SubscriberOffers.Should().Equal("v=0\r\nsubscriber-offer\r\n");
        Media.Participants[alice.ParticipantId].SubscriberAnswers.Should().Equal("v=0\r\nsubscriber-answer\r\n");
        Media.Participants[alice.ParticipantId].Candidates.Should().Equal(("candidate:1 1 udp 1 127.0.0.1 5000 typ host", true));
    }

    [Test]
    public async Task A_client_lowers_its_last_n_and_out_of_range_values_get_400()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");
        await client.Connection.InvokeAsync("SetMaxVideos", 2);
        Media.Participants[alice.ParticipantId].MaxVideos.Should().Be(2);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("SetMaxVideos", -1), 400);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("SetMaxVideos", 100_000), 400);
        Media.Participants[alice.ParticipantId].MaxVideos.Should().Be(2);
    }

    [Test]
    public async Task A_client_whose_network_changed_asks_for_a_subscriber_ice_restart()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        await client.Connection.InvokeAsync("RestartSubscriberIce");

        Media.Participants[alice.ParticipantId].SubscriberIceRestarts.Should().Be(1);
    }

    [Test]
    public async Task Active_speaker_announcements_reach_the_client()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        var speakers = new System.Collections.Concurrent.ConcurrentQueue<ActiveSpeakerMessage>();
        client.Connection.On<ActiveSpeakerMessage>("ActiveSpeaker", speakers.Enqueue);
        await client.JoinAsync("Alice");
        Media.Participants[alice.ParticipantId].Listener.OnActiveSpeakerChanged(new Meet.Modules.Media.ActiveSpeakerUpdate("bob", ["bob", "carol"]));
        await EventuallyAsync(() => !speakers.IsEmpty, "the announcement arrives");
        speakers.Single().Should().BeEquivalentTo(new ActiveSpeakerMessage("bob", ["bob", "carol"]));
    }

    [Test]
    public async Task A_refused_m_section_is_answered_and_reported_as_a_coded_error()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        var answer = await client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp + "m=text 9 UDP/TLS/RTP/SAVPF 98\r\n");

        answer.Should().Be(FakeMediaModule.AnswerSdp, "the sections the SFU does take still negotiate");
        await EventuallyAsync(() => !client.Errors.IsEmpty, "the refusal is reported");
        client.Errors.Should().ContainSingle().Which.Should().Be(new ErrorMessage(415, FakeMediaModule.RefusedWarning));
    }

    [Test]
    public async Task Mute_changes_are_broadcast_with_their_kind()
    {
        await using var pair = await AliceAndBobInOneMeetingAsync();
        var (alice, bob, aliceClient, bobClient) = pair;

        await bobClient.Connection.InvokeAsync("SetMuted", "video", true);
        await bobClient.Connection.InvokeAsync("SetMuted", "video", true);
        await bobClient.Connection.InvokeAsync("SetMuted", "audio", false);
        await bobClient.Connection.InvokeAsync("SetMuted", "video", false);
        await EventuallyAsync(() => aliceClient.Updates.Count >= 3, "alice hears the mute changes");

        aliceClient.Updates.Skip(1).Select(u => u with { Participant = null }).Should().Equal(
            new ParticipantUpdateMessage(bob.ParticipantId, "Bob", "MUTED", "video") { Version = 3 },
            new ParticipantUpdateMessage(bob.ParticipantId, "Bob", "UNMUTED", "video") { Version = 4 });
        await EventuallyAsync(() => bobClient.Updates.Count >= 2, "bob hears his own changes, to keep his versions contiguous");
        bobClient.Updates.Select(u => u.Version).Should().Equal(3, 4);
    }

    [Test]
    public async Task Ping_returns_the_server_time()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var serverTime = await client.Connection.InvokeAsync<long>("Ping", before);

        serverTime.Should().BeInRange(before - 60_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000);
    }

    [Test]
    public async Task Garbage_token_is_refused_with_401_before_the_upgrade()
    {
        var error = await FluentActions.Awaiting(() => ConnectAsync("not-a-token")).Should().ThrowAsync<HttpRequestException>();
        error.Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Expired_token_is_refused_with_401()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var expired = TestTokens.Create(meetingId, "participant", DateTimeOffset.UtcNow.AddHours(-1));

        var error = await FluentActions.Awaiting(() => ConnectAsync(expired)).Should().ThrowAsync<HttpRequestException>();
        error.Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Token_signed_with_another_key_is_refused_with_401()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var forged = TestTokens.Create(meetingId, "host", DateTimeOffset.UtcNow.AddHours(1), signingKey: "some-other-key-0123456789abcdef-xyz");

        var error = await FluentActions.Awaiting(() => ConnectAsync(forged)).Should().ThrowAsync<HttpRequestException>();
        error.Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Ended_meeting_is_refused_with_410_and_a_join_after_the_end_too()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var bobClient = await ConnectAsync(bob.Token);

        await EndMeetingAsync(meetingId, hostToken);

        var error = await FluentActions.Awaiting(() => ConnectAsync(alice.Token)).Should().ThrowAsync<HttpRequestException>();
        error.Which.StatusCode.Should().Be(HttpStatusCode.Gone);
        await ShouldBeRefusedAsync(() => bobClient.JoinAsync("Bob"), 410);
    }

    [Test]
    public async Task Ending_the_meeting_closes_its_live_sessions_with_410()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        await EndMeetingAsync(meetingId, hostToken);

        await EventuallyAsync(() => client.IsClosed, "the session is closed");
        client.Errors.Should().ContainSingle().Which.Code.Should().Be(410);
        await EventuallyAsync(() => !Media.Participants.ContainsKey(alice.ParticipantId), "the media participant is freed");
    }

    [Test]
    public async Task Malformed_sdp_gets_400_and_the_connection_keeps_working()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", "this is not sdp"), 400);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", "v=0\r\nno media\r\n"), 400);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", ""), 400);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("IceCandidate", "sideways", "candidate:1", null, null), 400);
        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("SetMuted", "smell", true), 400);

        (await client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task Calls_before_Join_and_a_second_Join_get_409()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);

        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp), 409);
        await client.JoinAsync("Alice");
        await ShouldBeRefusedAsync(() => client.JoinAsync("Alice"), 409);
        await ShouldBeRefusedAsync(() => client.JoinAsync(new string('x', 65)), 409);
    }

    [Test]
    public async Task Too_long_display_name_gets_400()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);

        await ShouldBeRefusedAsync(() => client.JoinAsync(new string('x', 65)), 400);
        (await client.JoinAsync("Alice")).DisplayName.Should().Be("Alice");
    }

    [Test]
    public async Task Oversized_sdp_gets_413_and_the_connection_keeps_working()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        await ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp + new string('a', 40_000)), 413);

        (await client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task A_frame_over_the_hard_limit_closes_only_that_connection()
    {
        await using var pair = await AliceAndBobInOneMeetingAsync();
        var (alice, bob, aliceClient, bobClient) = pair;

        var call = bobClient.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp + new string('a', 200_000));

        await call.Invoking(c => c).Should().ThrowAsync<Exception>();
        await EventuallyAsync(() => bobClient.IsClosed, "the server closes bob's connection");
        await EventuallyAsync(() => aliceClient.Updates.Any(u => u.Action == "LEFT"), "alice hears bob leave");
        (await aliceClient.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task Unknown_method_is_an_error_and_the_connection_keeps_working()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        await client.Connection.Invoking(c => c.InvokeAsync("SelfDestruct", 1)).Should().ThrowAsync<HubException>();

        (await client.Connection.InvokeAsync<string>("PublisherOffer", OfferSdp)).Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task A_flood_of_messages_is_rate_limited_with_429()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice.Token);
        await client.JoinAsync("Alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                await client.Connection.InvokeAsync<long>("Ping", i);
                return "ok";
            }
            catch (HubException ex)
            {
                return ex.Message;
            }
        }));

        results.Should().Contain("ok");
        results.Where(r => r != "ok").Should().NotBeEmpty().And.OnlyContain(r => r.Contains("429: "));
        client.IsClosed.Should().BeFalse();
    }
}
