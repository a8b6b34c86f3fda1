using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Modules.Client;

// A large audio meeting as a load generator (issue 17's 500 listeners): talkers that loop
// pre-encoded 20 ms Opus packets on a 20 ms timer, and listeners (gRPC signaling plus a subscriber
// PeerConnection over real ICE/DTLS/SRTP) joined `parallel` at a time, a listener's media connecting
// while the next ones join. Each listener counts the Opus packets it receives (the mix in a `mix`
// meeting, the forwarded streams in a `forward` one). Shared by MixedAudioListenersTests and the
// benchmarks' `converge mix`; the clients share this process's cores with whatever they test.
internal sealed class AudioCrowd(Uri baseAddress, Uri? grpcAddress, HttpClient http) : IAsyncDisposable
{
    // The client's own view of the audio (the Media module's mixer types are its internals): Opus as
    // the client offers it (payload type 111, ClientMediaTrack.Opus), 20 ms packets on the 48 kHz
    // RTP clock (RFC 7587 §4).
    private const byte OpusPayloadType = 111;
    private const int FrameMilliseconds = 20;
    private const int FrameSamples = 960;

    private readonly List<MeetClient> _clients = [];
    private readonly List<(ClientPeerConnection Publisher, uint Ssrc, byte[][] Packets)> _talkers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _talking = Task.CompletedTask;

    public MeetClient[] Listeners { get; private set; } = [];

    // Opus packets each listener received, by listener index.
    public long[] Heard { get; private set; } = [];

    public MeetClientOptions Options(bool subscribe) => new()
    {
        BaseAddress = baseAddress,
        GrpcAddress = grpcAddress,
        Transport = SignalingTransport.Grpc,
        AnswerSubscriberOffers = subscribe,
        HeartbeatInterval = TimeSpan.FromSeconds(10),
        MediaConnectTimeout = TimeSpan.FromSeconds(120),
    };

    // A publisher that will loop `packets` (whole cycles of its signal, so the loop has no seam).
    public async Task AddTalkerAsync(string meetingId, string name, string userId, uint ssrc, byte[][] packets)
    {
        var bot = new MeetClient(Options(false), http);
        lock (_clients)
            _clients.Add(bot);
        await bot.JoinAsync(meetingId, name, userId: userId);
        var publisher = await bot.PublishAsync([ClientMediaTrack.Opus(bot.ParticipantId!, "mic", ssrc)]);
        _talkers.Add((publisher, ssrc, packets));
    }

    // Every talker sends its next packet each 20 ms until disposal.
    public void StartTalking() => _talking = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(FrameMilliseconds));
        ushort sequence = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                foreach (var (publisher, ssrc, packets) in _talkers)
                    publisher.SendRtp(ssrc, OpusPayloadType, sequence, (uint)(sequence * FrameSamples), false, packets[sequence % packets.Length], 20);
                sequence++;
            }
        }
        catch (OperationCanceledException)
        {
        }
    });

    // Joins `count` listeners, `parallel` at a time; listener i is named name(i) with user id userId(i).
    public async Task JoinListenersAsync(string meetingId, int count, Func<int, string> name, Func<int, string> userId, int parallel = 25)
    {
        Listeners = new MeetClient[count];
        Heard = new long[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var listener = new MeetClient(Options(true), http);
                lock (_clients)
                    _clients.Add(listener);
                Listeners[i] = listener;
                var index = i;
                listener.SubscriberRtpReceived += packet =>
                {
                    if (RtpHeader.TryParse(packet, out var header) && header.PayloadType == OpusPayloadType)
                        Interlocked.Increment(ref Heard[index]);
                };
                await listener.JoinAsync(meetingId, name(i), userId: userId(i));
            }
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _talking;
        MeetClient[] clients;
        lock (_clients)
            clients = [.. _clients];
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        _stop.Dispose();
    }
}
