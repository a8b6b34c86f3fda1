using System.Collections.Concurrent;
using Meet.Modules.Signaling;
using Meet.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.Signaling;

// A raw SignalR client on the hub (the way the web client talks to it), recording what the server sends.
internal sealed class HubTestClient : IAsyncDisposable
{
    private HubTestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ParticipantUpdateMessage>("ParticipantUpdate", Updates.Enqueue);
        connection.On<ErrorMessage>("Error", Errors.Enqueue);
        connection.On<string, long>("SubscriberOffer", (sdp, _) => SubscriberOffers.Enqueue(sdp));
        connection.Closed += error =>
        {
            ClosedWith = error;
            IsClosed = true;
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<ParticipantUpdateMessage> Updates { get; } = new();

    public ConcurrentQueue<ErrorMessage> Errors { get; } = new();

    public ConcurrentQueue<string> SubscriberOffers { get; } = new();

    public volatile bool IsClosed;

    public Exception? ClosedWith { get; private set; }

    public static async Task<HubTestClient> ConnectAsync(Uri baseAddress, string token, bool messagePack,
        System.Security.Cryptography.X509Certificates.X509Certificate2? pinnedCertificate = null)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, SignalingModuleExtensions.HubPath), options =>
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            if (pinnedCertificate is not null)
            {
                // WSS and the negotiate request both accept exactly the test's self-signed certificate.
                options.HttpMessageHandlerFactory = _ => TestCertificates.PinnedHandler(pinnedCertificate);
                options.WebSocketConfiguration = socket => socket.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && presented.GetCertHashString() == pinnedCertificate.GetCertHashString();
            }
        });
        if (messagePack)
            builder.AddMessagePackProtocol();
        var client = new HubTestClient(builder.Build());
        await client.Connection.StartAsync();
        return client;
    }

    public Task<WelcomeMessage> JoinAsync(string displayName) => Connection.InvokeAsync<WelcomeMessage>("Join", displayName);

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
