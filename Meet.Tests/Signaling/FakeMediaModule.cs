using System.Collections.Concurrent;
using Meet.Modules.Media;

namespace Meet.Tests.Signaling;

// Stands in for the SFU so signaling tests see exactly what signaling asked of the media side.
internal sealed class FakeMediaModule : IMediaModule
{
    public const string AnswerSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";

    public const string RefusedWarning = "Refused m-section 1 (mid 1, text): media type text is not supported";

    public ConcurrentDictionary<string, FakeMediaParticipant> Participants { get; } = new();

    public IMediaParticipant AddParticipant(MediaParticipantRequest request, IMediaParticipantListener listener)
    {
        var participant = new FakeMediaParticipant(this, request, listener);
        Participants[request.ParticipantId] = participant;
        return participant;
    }

    public MediaResourceCounts GetResourceCounts() =>
        new(Participants.Values.Select(p => p.Request.MeetingId).Distinct().Count(), Participants.Count, Participants.Count * 2, 0, 0);

    internal sealed class FakeMediaParticipant(FakeMediaModule module, MediaParticipantRequest request, IMediaParticipantListener listener) : IMediaParticipant
    {
        public MediaParticipantRequest Request { get; } = request;

        public IMediaParticipantListener Listener { get; } = listener;

        public ConcurrentQueue<string> SubscriberAnswers { get; } = new();

        public ConcurrentQueue<(string Candidate, bool Subscriber)> Candidates { get; } = new();

        public string ParticipantId => Request.ParticipantId;

        public SdpNegotiationResult AnswerPublisherOffer(string offerSdp) =>
            !offerSdp.Contains("\nm=", StringComparison.Ordinal) ? SdpNegotiationResult.Failure(400, "malformed SDP: no media section")
            : offerSdp.Contains("\nm=text", StringComparison.Ordinal) ? SdpNegotiationResult.Success(AnswerSdp, RefusedWarning)
            : SdpNegotiationResult.Success(AnswerSdp);

        public SdpNegotiationResult ApplySubscriberAnswer(string answerSdp, ulong offerVersion)
        {
            SubscriberAnswers.Enqueue(answerSdp);
            return SdpNegotiationResult.Success(null);
        }

        public int MaxVideos { get; private set; } = int.MaxValue;

        public volatile bool AudioHeld;

        public void HoldAudio(bool held) => AudioHeld = held;

        public SdpNegotiationResult SetMaxVideos(int maxVideos)
        {
            MaxVideos = maxVideos;
            return SdpNegotiationResult.Success(null);
        }

        public IReadOnlyList<string> Pinned { get; private set; } = [];

        public SdpNegotiationResult SetPinned(IReadOnlyList<string> participantIds)
        {
            Pinned = participantIds;
            return SdpNegotiationResult.Success(null);
        }

        public int MaxScreenShares { get; private set; } = 1;

        public SdpNegotiationResult SetMaxScreenShares(int maxShares)
        {
            MaxScreenShares = maxShares;
            return SdpNegotiationResult.Success(null);
        }

        public SdpNegotiationResult AddRemoteCandidate(string candidate, string? sdpMid, bool subscriberPc)
        {
            if (!candidate.StartsWith("candidate:", StringComparison.Ordinal))
                return SdpNegotiationResult.Failure(400, "malformed candidate");
            Candidates.Enqueue((candidate, subscriberPc));
            return SdpNegotiationResult.Success(null);
        }

        public ValueTask DisposeAsync()
        {
            module.Participants.TryRemove(ParticipantId, out _);
            return ValueTask.CompletedTask;
        }
    }
}
