using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Modules.Media.Internal;

// Issue 11: bandwidth feedback to the publisher PeerConnection (transport-cc, else REMB).
internal sealed partial class MediaParticipant
{
    private void ConfigurePublisherFeedback(SessionDescription answer)
    {
        var transportCc = 0;
        var remb = false;
        foreach (var section in answer.MediaDescriptions)
        {
            if (section.IsRejected)
                continue;
            var feedback = section.RtcpFeedbacks;
            var hasTransportCc = feedback.Any(f => f.Type == "transport-cc");
            remb |= feedback.Any(f => f.Type == "goog-remb");
            // Transport-wide: one id for the BUNDLE transport; it only counts where rtcp-fb allows it.
            var extmap = section.Extmaps.FirstOrDefault(e => e.Uri == SdpAnswerOptions.TransportWideCcUri);
            if (extmap is not null && hasTransportCc)
                transportCc = extmap.Id;
        }
        Member.Publishing.Feedback.Configure(transportCc, remb);
    }
}
