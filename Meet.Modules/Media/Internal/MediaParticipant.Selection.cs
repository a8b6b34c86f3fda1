using Meet.Modules.Media.Routing;

namespace Meet.Modules.Media.Internal;

internal sealed partial class MediaParticipant
{
    private int _maxVideos = int.MaxValue;

    // The client's own last-N (a small window, a phone): at most this many videos, at least 0.
    public SdpNegotiationResult SetMaxVideos(int maxVideos)
    {
        if (maxVideos < 0)
            return SdpNegotiationResult.Failure(400, "The number of videos must not be negative.");
        lock (_module.Control)
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            _maxVideos = maxVideos;
            ApplySelectionLocked(Router.Selection, _module.Sender);
        }
        _module.Sender.Flush();
        return SdpNegotiationResult.Success(null);
    }

    public bool PublishesVideo => _producers.Values.Any(p => p.Kind == MediaKind.Video && !p.IsClosed);

    public bool PublishesAudio => _producers.Values.Any(p => p.Kind == MediaKind.Audio && !p.IsClosed);

    // This tick's voice activity of the participant's microphone(s), in [0, 1].
    public double TakeVoiceActivity(TimeSpan tick)
    {
        var activity = 0.0;
        foreach (var producer in _producers.Values)
        {
            if (producer.Kind == MediaKind.Audio)
                activity = Math.Max(activity, producer.TakeVoiceActivity(tick));
        }
        return activity;
    }

    // The meeting's selection applied to this subscriber's consumers (under the control lock):
    // consumers outside it send nothing. Returns how many changed state.
    public int ApplySelectionLocked(ConferenceSelection selection, Transport.MediaSender sender)
    {
        var changed = 0;
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } consumer && consumer.SetPaused(!Forwards(selection, consumer), sender))
                changed++;
        }
        return changed;
    }

    private bool Forwards(ConferenceSelection selection, Consumer consumer) =>
        consumer.Producer.Kind == MediaKind.Video
            ? selection.ForwardsVideo(ParticipantId, consumer.Producer.ParticipantId, _maxVideos)
            : selection.ForwardsAudio(consumer.Producer.ParticipantId);

    public void NotifyActiveSpeaker(ActiveSpeakerUpdate update)
    {
        if (!_closed)
            _listener.OnActiveSpeakerChanged(update);
    }
}
