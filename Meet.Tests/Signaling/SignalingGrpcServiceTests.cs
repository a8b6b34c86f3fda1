using Codesprintpro.Video.Signaling.V1;
using Meet.Tests.Support;

namespace Meet.Tests.Signaling;

// Every test talks to the real host through the client generated from the unmodified seed proto.
public sealed class SignalingGrpcServiceTests : SignalingTestBase
{
    private async Task<SeedGrpcTestClient> ConnectAsync(Joined joined, ClientMessage? first = null)
    {
        var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendFirstAsync(joined.MeetingId, joined.Token, first);
        await EventuallyAsync(() => Media.Participants.ContainsKey(joined.ParticipantId), "the session is joined");
        return client;
    }

    [Test]
    public async Task Seed_client_joins_and_its_publisher_offer_is_answered()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice, SeedGrpcTestClient.Offer(OfferSdp));

        var answer = await client.NextAsync();

        answer!.PayloadCase.Should().Be(ServerMessage.PayloadOneofCase.Sdp);
        answer.Sdp.Type.Should().Be(SessionDescription.Types.Type.Answer);
        answer.Sdp.SdpPlaintext.Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task A_second_join_is_announced_as_JOINED_and_its_leave_as_LEFT()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = await ConnectAsync(alice);
        var bobClient = await ConnectAsync(bob);

        var joined = await aliceClient.NextAsync();
        await bobClient.CompleteAsync();
        var left = await aliceClient.NextAsync();
        await bobClient.DisposeAsync();

        // Compared field by field: the seed's messages also carry Meet's extensions as unknown fields.
        (joined!.Update.ParticipantId, joined.Update.Action).Should().Be((bob.ParticipantId, ParticipantUpdate.Types.Action.Joined));
        (left!.Update.ParticipantId, left.Update.Action).Should().Be((bob.ParticipantId, ParticipantUpdate.Types.Action.Left));
        Media.Participants.Should().NotContainKey(bob.ParticipantId);
    }

    [Test]
    public async Task Subscriber_offers_go_out_and_answers_and_candidates_come_back()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice);

        Media.Participants[alice.ParticipantId].Listener.OnSubscriberOffer("v=0\r\nsubscriber-offer\r\n", 1);
        var offer = await client.NextAsync();
        await client.SendAsync(new ClientMessage { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Answer, SdpPlaintext = "v=0\r\nanswer\r\n" } });
        await client.SendAsync(new ClientMessage { Candidate = new IceCandidate { CandidateSdp = "candidate:1 1 udp 1 127.0.0.1 5000 typ host", SdpMid = "0" } });
        await EventuallyAsync(() => !Media.Participants[alice.ParticipantId].Candidates.IsEmpty, "the candidate arrives");

        // Field by field: the offer's version is a Meet extension, an unknown field to the seed's client.
        (offer!.Sdp.Type, offer.Sdp.SdpPlaintext).Should().Be((SessionDescription.Types.Type.Offer, "v=0\r\nsubscriber-offer\r\n"));
        Media.Participants[alice.ParticipantId].SubscriberAnswers.Should().Equal("v=0\r\nanswer\r\n");
        Media.Participants[alice.ParticipantId].Candidates.Should().Equal(("candidate:1 1 udp 1 127.0.0.1 5000 typ host", false));
    }

    [Test]
    public async Task Garbage_token_gets_401_and_the_stream_ends()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        await using var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendFirstAsync(meetingId, "not-a-token");

        (await client.NextErrorAsync()).Code.Should().Be(401);
        (await client.NextAsync()).Should().BeNull();
    }

    [Test]
    public async Task Expired_token_gets_401()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        await using var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendFirstAsync(meetingId, TestTokens.Create(meetingId, "participant", DateTimeOffset.UtcNow.AddMinutes(-5)));

        (await client.NextErrorAsync()).Code.Should().Be(401);
    }

    [Test]
    public async Task Another_meetings_token_gets_403()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var (otherMeetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(otherMeetingId, "alice");
        await using var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendFirstAsync(meetingId, alice.Token);

        (await client.NextErrorAsync()).Code.Should().Be(403);
        Media.Participants.Should().NotContainKey(alice.ParticipantId);
    }

    [Test]
    public async Task First_message_without_meeting_id_gets_400()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendAsync(new ClientMessage { Token = alice.Token });

        (await client.NextErrorAsync()).Code.Should().Be(400);
    }

    [Test]
    public async Task Ended_meeting_gets_410()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await EndMeetingAsync(meetingId, hostToken);
        await using var client = new SeedGrpcTestClient(GrpcAddress);
        await client.SendFirstAsync(meetingId, alice.Token);

        (await client.NextErrorAsync()).Code.Should().Be(410);
    }

    [Test]
    public async Task Ending_the_meeting_ends_its_live_streams_with_410()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice);

        await EndMeetingAsync(meetingId, hostToken);

        (await client.NextErrorAsync()).Code.Should().Be(410);
        (await client.NextAsync()).Should().BeNull();
        await EventuallyAsync(() => !Media.Participants.ContainsKey(alice.ParticipantId), "the media participant is freed");
    }

    [Test]
    public async Task Malformed_sdp_oversized_sdp_and_an_empty_message_get_coded_errors_and_the_stream_goes_on()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await ConnectAsync(alice);

        await client.SendAsync(SeedGrpcTestClient.Offer("not sdp"));
        var malformed = await client.NextErrorAsync();
        await client.SendAsync(SeedGrpcTestClient.Offer(OfferSdp + new string('a', 40_000)));
        var oversized = await client.NextErrorAsync();
        await client.SendAsync(new ClientMessage());
        var unknown = await client.NextErrorAsync();
        await client.SendAsync(new ClientMessage { Candidate = new IceCandidate { CandidateSdp = "garbage" } });
        var badCandidate = await client.NextErrorAsync();
        await client.SendAsync(SeedGrpcTestClient.Offer(OfferSdp));
        var answer = await client.NextAsync();

        malformed.Code.Should().Be(400);
        malformed.Message.Should().Contain("SDP");
        oversized.Code.Should().Be(413);
        unknown.Code.Should().Be(400);
        badCandidate.Code.Should().Be(400);
        answer!.Sdp.SdpPlaintext.Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task A_message_over_the_hard_limit_ends_only_that_stream()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        var bob = await JoinAsync(meetingId, "bob");
        await using var aliceClient = await ConnectAsync(alice);
        await using var bobClient = await ConnectAsync(bob);
        (await aliceClient.NextAsync())!.Update.Action.Should().Be(ParticipantUpdate.Types.Action.Joined);

        try
        {
            await bobClient.SendAsync(SeedGrpcTestClient.Offer(OfferSdp + new string('a', 200_000)));
        }
        catch (Grpc.Core.RpcException)
        {
            // The server may reset the stream while the client is still writing the big message.
        }

        var bobEnd = async () => await bobClient.NextAsync();
        await bobEnd.Should().ThrowAsync<Grpc.Core.RpcException>().Where(e => e.StatusCode == Grpc.Core.StatusCode.ResourceExhausted);
        (await aliceClient.NextAsync())!.Update.Action.Should().Be(ParticipantUpdate.Types.Action.Left);
        await aliceClient.SendAsync(SeedGrpcTestClient.Offer(OfferSdp));
        (await aliceClient.NextAsync())!.Sdp.SdpPlaintext.Should().Be(FakeMediaModule.AnswerSdp);
    }
}
