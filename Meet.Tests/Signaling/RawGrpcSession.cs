using Grpc.Core;
using Grpc.Net.Client;
using Meet.Modules.Signaling.Grpc;

namespace Meet.Tests.Signaling;

// One EstablishSession stream driven message by message, with no client library in between, for tests
// that send what a real client never would and read exactly what comes back.
internal sealed class RawGrpcSession : IDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel channel;
    private readonly AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call;

    private RawGrpcSession(GrpcChannel channel)
    {
        this.channel = channel;
        call = new SignalingService.SignalingServiceClient(channel).EstablishSession();
    }

    // Opens the stream and sends the join (the first message of every session).
    public static async Task<RawGrpcSession> JoinAsync(Uri address, string meetingId, string token, bool batchedUpdates = false)
    {
        var session = new RawGrpcSession(GrpcChannel.ForAddress(address));
        await session.SendAsync(new ClientMessage { MeetingId = meetingId, Token = token, DisplayName = "Grpc", BatchedUpdates = batchedUpdates });
        return session;
    }

    public Task SendAsync(ClientMessage message) => call.RequestStream.WriteAsync(message);

    // The next server message that matches, skipping the others; fails when the stream ends or 10 s pass.
    public async Task<ServerMessage> NextAsync(Func<ServerMessage, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(WaitLimit);
        while (await call.ResponseStream.MoveNext(timeout.Token))
            if (wanted(call.ResponseStream.Current))
                return call.ResponseStream.Current;
        throw new AssertionException("the stream ended");
    }

    public Task<ServerMessage> NextAsync(ServerMessage.PayloadOneofCase payload) => NextAsync(m => m.PayloadCase == payload);

    public void Dispose()
    {
        call.Dispose();
        channel.Dispose();
    }
}
