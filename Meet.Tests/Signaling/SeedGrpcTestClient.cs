using System.Threading.Channels;
using Codesprintpro.Video.Signaling.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Meet.Tests.Signaling;

// A client generated from the customer's unmodified proto (Signaling/Seed/signaling.proto), as a
// third party would build it: Meet's extension messages reach it as unknown fields.
internal sealed class SeedGrpcTestClient : IAsyncDisposable
{
    private readonly GrpcChannel channel;
    private readonly AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call;
    private readonly Channel<ServerMessage> received = Channel.CreateUnbounded<ServerMessage>();
    private readonly Task reader;

    public SeedGrpcTestClient(Uri baseAddress, HttpMessageHandler? handler = null)
    {
        channel = handler is null ? GrpcChannel.ForAddress(baseAddress) : GrpcChannel.ForAddress(baseAddress, new GrpcChannelOptions { HttpHandler = handler });
        call = new SignalingService.SignalingServiceClient(channel).EstablishSession();
        reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync())
                    received.Writer.TryWrite(message);
                received.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                received.Writer.TryComplete(ex);
            }
        });
    }

    public Task SendAsync(ClientMessage message) => call.RequestStream.WriteAsync(message);

    public Task SendFirstAsync(string meetingId, string token, ClientMessage? message = null)
    {
        message ??= new ClientMessage();
        message.MeetingId = meetingId;
        message.Token = token;
        return SendAsync(message);
    }

    public Task CompleteAsync() => call.RequestStream.CompleteAsync();

    // The next message with a payload this (seed) client understands; null when the server ended the stream.
    public async Task<ServerMessage?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (await received.Reader.WaitToReadAsync(cts.Token))
            {
                var message = await received.Reader.ReadAsync(cts.Token);
                if (message.PayloadCase != ServerMessage.PayloadOneofCase.None)
                    return message;
            }
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async Task<ErrorDetails> NextErrorAsync()
    {
        var message = await NextAsync();
        message.Should().NotBeNull("an error was expected before the stream ended");
        message!.PayloadCase.Should().Be(ServerMessage.PayloadOneofCase.Error, message.ToString());
        return message.Error;
    }

    public static ClientMessage Offer(string sdp) => new() { Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Offer, SdpPlaintext = sdp } };

    public async ValueTask DisposeAsync()
    {
        call.Dispose();
        await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        channel.Dispose();
    }
}
