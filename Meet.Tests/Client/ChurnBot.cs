using System.Collections.Concurrent;
using System.Diagnostics;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Client;

// One participant of a churn test: the real client library (REST, signaling, ICE, DTLS, SRTP) that
// publishes a microphone and a camera (Opus-sized and VP8 packets with a keyframe every 10 frames),
// can turn its camera off (re-offer with the section inactive) and on, and records when RTP last
// arrived from each publisher and kind. A bounded slot's SSRC shows whoever the server assigned it, so
// a packet is attributed when it arrives (MeetClient.RemoteTrackOf), not when the test asks.
internal sealed class ChurnBot : IAsyncDisposable
{
    private static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(40);

    private readonly ConcurrentDictionary<string, long> _lastRtp = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private ClientMediaTrack _microphone = null!;
    private ClientMediaTrack _camera = null!;
    private Task _sender = Task.CompletedTask;

    public ChurnBot(MeetClientOptions options, string name)
    {
        Name = name;
        Client = new MeetClient(options);
        Client.SubscriberRtpReceived += packet =>
        {
            if (RtpHeader.TryParse(packet, out var header) && Client.RemoteTrackOf(header.Ssrc) is { } track)
                _lastRtp[track.StreamId + "/" + track.Kind] = Stopwatch.GetTimestamp();
        };
    }

    public string Name { get; }

    public MeetClient Client { get; }

    public string Id => Client.ParticipantId ?? "";

    public bool Publishing { get; private set; }

    public bool CameraOn { get; private set; }

    public async Task JoinAsync(string meetingId) => await Client.JoinAsync(meetingId, Name, userId: "usr_" + Name);

    public async Task PublishAsync()
    {
        var ssrc = (uint)Random.Shared.Next(0x1000, int.MaxValue);
        _microphone = ClientMediaTrack.Opus(Id, "mic", ssrc);
        _camera = ClientMediaTrack.Vp8(Id, "cam", ssrc + 1);
        await OfferAsync(cameraOn: true);
        Publishing = true;
        _sender = Task.Run(SendLoopAsync);
    }

    // Turning the camera off keeps its m-section, offered inactive (JSEP never removes sections).
    public Task SetCameraAsync(bool on) => OfferAsync(on);

    private async Task OfferAsync(bool cameraOn)
    {
        await _publishGate.WaitAsync();
        try
        {
            await Client.PublishAsync([_microphone, _camera with { Sending = cameraOn }]);
            CameraOn = cameraOn;
        }
        finally
        {
            _publishGate.Release();
        }
    }

    // The publishers whose tracks this bot receives RTP for since `since` (a Stopwatch timestamp), as
    // "participantId/kind".
    public IReadOnlyList<string> ReceivingSince(long since) =>
        _lastRtp.Where(t => t.Value >= since).Select(t => t.Key).OrderBy(t => t, StringComparer.Ordinal).ToArray();

    // The tracks the server says this bot's subscriber PeerConnection shows now: every offered track
    // in per-track mode, the assigned slots with bounded slots (the default).
    public IReadOnlyList<string> OfferedTracks() =>
        Client.RemoteTracks.Select(t => t.StreamId + "/" + t.Kind).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToArray();

    private async Task SendLoopAsync()
    {
        using var timer = new PeriodicTimer(FrameInterval);
        ushort audioSequence = 1, videoSequence = 1;
        uint frame = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var publisher = Client.Publisher;
                if (publisher is null)
                    continue;
                frame++;
                publisher.SendRtp(_microphone.Ssrc, 111, audioSequence++, frame * 1920, false, new byte[80]);
                if (CameraOn)
                    publisher.SendRtp(_camera.Ssrc, 96, videoSequence++, frame * 3600, true, SfuTestParticipant.Vp8Payload(keyFrame: frame % 10 == 1, 400));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task LeaveAsync()
    {
        await _stop.CancelAsync();
        await _sender;
        await Client.LeaveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Client.DisposeAsync();
        _stop.Dispose();
        _publishGate.Dispose();
    }
}
