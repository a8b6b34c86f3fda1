using System.Diagnostics;
using System.Net;
using Meet.Modules.Allocation;
using Meet.Modules.Client.Media;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Media.Remote;

// Issue 15's failover gap: a meeting moved by a failover lands on a node that may never have hosted a
// call, and a cold node spent about a second (JIT of the control, SDP, ICE, DTLS and forwarding paths,
// first HTTP/2 connection) before it answered the first AddParticipant, and more before its first
// DTLS handshake. So a media-only node, once its server is listening, holds one call with itself:
// two participants added through its own control port (RemoteMediaModule, as a signaling node does),
// real ICE, DTLS and SRTP from its own address, VP8 forwarded from one to the other. Then it registers
// (NodeHeartbeatService waits for MediaNodeReadiness). A warm-up that fails or overruns is logged and
// the node registers anyway: a cold node is still a working node.
internal sealed partial class MediaNodeWarmUp(
    IHostApplicationLifetime lifetime,
    MediaNodeReadiness readiness,
    IOptions<NodeOptions> options,
    ILogger<MediaNodeWarmUp> logger) : BackgroundService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private const uint VideoSsrc = 0x3a3a_0001;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var warm = false;
        try
        {
            await StartedAsync(stoppingToken).ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            limit.CancelAfter(Limit);
            var started = Stopwatch.GetTimestamp();
            await RunCallAsync(limit.Token).ConfigureAwait(false);
            LogWarm(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            warm = true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWarmUpFailed(ex, Limit.TotalSeconds);
        }
        finally
        {
            readiness.MarkReady(warm);
        }
    }

    private Task StartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(cancellationToken);
    }

    private async Task RunCallAsync(CancellationToken cancellationToken)
    {
        var node = options.Value;
        // The address the control endpoint listens on and the SFU announces (MediaModuleExtensions).
        var address = IPAddress.TryParse(node.PublicIp, out var ip) ? ip : IPAddress.Loopback;
        // Calls wait up to the whole limit, not Node:ControlCallTimeout: a cold node on a busy machine
        // answers its very first call slowly (the server side is this process, JIT-compiling as it goes).
        using var control = new RemoteMediaModule(new UriBuilder(Uri.UriSchemeHttp, address.ToString(), node.ControlPort).Uri,
            node.ClusterKey, Limit, streamLost: () => { });
        var meetingId = "warm-up-" + Guid.NewGuid().ToString("N");
        // The control contract is synchronous (one round trip per call): off the caller's thread.
        await using var sender = await Task.Run(() => new WarmUpParticipant(control, meetingId, "warm-up-sender", address), cancellationToken).ConfigureAwait(false);
        await using var receiver = await Task.Run(() => new WarmUpParticipant(control, meetingId, "warm-up-receiver", address), cancellationToken).ConfigureAwait(false);
        var subscribed = Task.Run(() => receiver.SubscribeAsync(tracks: 1, cancellationToken), cancellationToken);
        await Task.Run(() => sender.PublishAsync([ClientMediaTrack.Vp8("warm-up-sender", "camera", VideoSsrc)], cancellationToken), cancellationToken).ConfigureAwait(false);
        await subscribed.ConfigureAwait(false);
        // Key frames every 20 ms until the receiver got some: the forwarding path runs too.
        ushort sequence = 0;
        uint timestamp = 0;
        var frame = KeyFrame();
        while (receiver.RtpReceived < 5)
        {
            sender.Publisher.SendRtp(VideoSsrc, 96, sequence++, timestamp += 3000, marker: true, frame);
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    // A VP8 payload the SFU takes for a key frame: descriptor S=1 PID=0 (RFC 7741 §4.2), then a frame
    // tag whose P bit is 0 and the start code 9d 01 2a (RFC 6386 §9.1).
    private static byte[] KeyFrame()
    {
        var payload = new byte[200];
        payload[0] = 0x10;
        payload[4] = 0x9d;
        payload[5] = 0x01;
        payload[6] = 0x2a;
        return payload;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Media node warmed up in {ElapsedMs:F0} ms (one call through its own control port, ICE, DTLS and SRTP); registering")]
    private partial void LogWarm(double elapsedMs);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Media node warm-up failed or took over {LimitSeconds} s; registering cold")]
    private partial void LogWarmUpFailed(Exception exception, double limitSeconds);
}
