using System.Collections.Concurrent;
using Meet.Modules.Media;
using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Internal;

namespace Meet.Tests.Signaling;

public sealed class SignalingSessionTests
{
    private sealed class RecordingPeer : ISignalingPeer
    {
        public ConcurrentQueue<string> Sent { get; } = new();

        public bool ReceivesMeetingChatByGroup => false;

        public void SendSubscriberOffer(string sdp, long version) => Sent.Enqueue("offer");

        public void SendParticipantUpdates(IReadOnlyList<ParticipantUpdateMessage> updates) => Sent.Enqueue("updates");

        public void SendError(int code, string message) => Sent.Enqueue($"error {code}");

        public void SendMediaReconnect(string reason) => Sent.Enqueue("reconnect");

        public void SendActiveSpeaker(ActiveSpeakerMessage speaker) => Sent.Enqueue("speaker " + speaker.ParticipantId);

        public void SendChat(ChatMessage message) => Sent.Enqueue("chat " + message.Text);

        public void SendMeetingState(MeetingStateMessage state) => Sent.Enqueue("locked " + state.Locked);

        public void SendNotice(NoticeMessage notice) => Sent.Enqueue("notice " + notice.Kind);
        public void SendSlotAssignments(IReadOnlyList<SlotAssignmentMessage> slots) => Sent.Enqueue("slots " + slots.Count);

        public void SendPublisherLayers(PublisherLayersMessage layers) => Sent.Enqueue("layers " + layers.Mid);

        public void Close() => Sent.Enqueue("close");
    }

    // ManualClock only moves wall time; the silence clock uses timestamps.
    private sealed class SteppedClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }

    private static SignalingSession NewSession(RecordingPeer peer, TimeProvider? time = null, SignalingOptions? options = null) =>
        new("mtg-abcdef-1234-xyz", "p1", "Alice", "participant", false, peer, time ?? TimeProvider.System, options ?? new SignalingOptions());

    [Test]
    public void Session_follows_joining_negotiating_connected_reconnecting_left()
    {
        var session = NewSession(new RecordingPeer());

        var path = new[] { SessionState.Negotiating, SessionState.Connected, SessionState.Reconnecting, SessionState.Negotiating, SessionState.Connected, SessionState.Left }
            .Select(next => (next, session.TransitionTo(next), session.State)).ToArray();

        path.Should().OnlyContain(step => step.Item2 && step.State == step.next);
    }

    // SessionState is internal, so the cases name it by value: Joining=0, Connected=2, Reconnecting=3.
    [TestCase(0, 2)]
    [TestCase(0, 3)]
    [TestCase(0, 0)]
    public void Transitions_the_machine_does_not_allow_change_nothing(int fromValue, int toValue)
    {
        var (from, to) = ((SessionState)fromValue, (SessionState)toValue);
        var session = NewSession(new RecordingPeer());
        session.State.Should().Be(from);

        session.TransitionTo(to).Should().BeFalse();
        session.State.Should().Be(from);
    }

    [Test]
    public void Left_is_final_and_late_media_events_are_ignored()
    {
        var peer = new RecordingPeer();
        var session = NewSession(peer);
        session.TransitionTo(SessionState.Left);

        session.OnConnectionStateChanged(MediaConnectionState.Connected);
        session.OnSubscriberOffer("v=0", 1);

        session.State.Should().Be(SessionState.Left);
        Enum.GetValues<SessionState>().Should().OnlyContain(s => !session.TransitionTo(s));
        peer.Sent.Should().BeEmpty();
    }

    [Test]
    public void Lost_media_moves_to_reconnecting_and_tells_the_client_once()
    {
        var peer = new RecordingPeer();
        var session = NewSession(peer);
        session.TransitionTo(SessionState.Negotiating);
        session.OnConnectionStateChanged(MediaConnectionState.Connected);

        session.OnConnectionStateChanged(MediaConnectionState.Disconnected);
        session.OnConnectionStateChanged(MediaConnectionState.Failed);
        var whileReconnecting = session.State;
        session.OnConnectionStateChanged(MediaConnectionState.Connected);

        whileReconnecting.Should().Be(SessionState.Reconnecting);
        session.State.Should().Be(SessionState.Connected);
        peer.Sent.Should().Equal("reconnect");
    }

    [Test]
    public void Messages_reset_the_silence_clock()
    {
        var clock = new SteppedClock();
        var session = NewSession(new RecordingPeer(), clock);
        clock.Advance(TimeSpan.FromSeconds(10));
        var silentBefore = session.SilentFor;

        session.OnMessage();

        silentBefore.Should().Be(TimeSpan.FromSeconds(10));
        session.SilentFor.Should().Be(TimeSpan.Zero);
    }

    [Test]
    public void A_burst_beyond_the_bucket_is_refused_with_429()
    {
        var session = NewSession(new RecordingPeer(), options: new SignalingOptions { MessageBurst = 5, MessagesPerSecond = 1 });
        for (var i = 0; i < 5; i++)
            session.OnMessage();

        var refused = FluentActions.Invoking(session.OnMessage).Should().Throw<SignalingException>();
        refused.Which.Code.Should().Be(SignalingErrorCodes.RateLimited);
    }
}
