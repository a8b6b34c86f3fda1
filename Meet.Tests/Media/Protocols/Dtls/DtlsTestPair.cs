using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

// Two endpoints wired back to back in memory: what one sends is fed to the other.
internal sealed class DtlsTestPair : IDisposable
{
    private static readonly Lazy<DtlsCertificate> SharedClientCertificate = new(() => NewCertificate());
    private static readonly Lazy<DtlsCertificate> SharedServerCertificate = new(() => NewCertificate());

    private DtlsTestPair(DtlsEndpoint client, DtlsEndpoint server)
    {
        Client = client;
        Server = server;
    }

    public DtlsEndpoint Client { get; }

    public DtlsEndpoint Server { get; }

    public static DtlsCertificate ClientCertificate => SharedClientCertificate.Value;

    public static DtlsCertificate ServerCertificate => SharedServerCertificate.Value;

    public static DtlsCertificate NewCertificate() => DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(30));

    public static DtlsTestPair Create(
        Func<DtlsEndpointOptions, DtlsEndpointOptions>? client = null,
        Func<DtlsEndpointOptions, DtlsEndpointOptions>? server = null,
        Func<DtlsRole, int, bool>? deliver = null)
    {
        // deliver(sender, index of that sender's datagram) decides whether the wire carries it.
        int clientSent = 0, serverSent = 0;
        deliver ??= (_, _) => true;
        DtlsEndpoint? clientEndpoint = null;
        DtlsEndpoint? serverEndpoint = null;
        var clientOptions = new DtlsEndpointOptions
        {
            Role = DtlsRole.Client,
            Certificate = ClientCertificate,
            RemoteFingerprints = [ServerCertificate.Fingerprint],
            HandshakeTimeout = TimeSpan.FromSeconds(20),
        };
        var serverOptions = new DtlsEndpointOptions
        {
            Role = DtlsRole.Server,
            Certificate = ServerCertificate,
            RemoteFingerprints = [ClientCertificate.Fingerprint],
            HandshakeTimeout = TimeSpan.FromSeconds(20),
        };
        clientEndpoint = new DtlsEndpoint(client?.Invoke(clientOptions) ?? clientOptions, d =>
        {
            if (deliver(DtlsRole.Client, Interlocked.Increment(ref clientSent) - 1))
            {
                serverEndpoint!.Feed(d);
            }
        });
        serverEndpoint = new DtlsEndpoint(server?.Invoke(serverOptions) ?? serverOptions, d =>
        {
            if (deliver(DtlsRole.Server, Interlocked.Increment(ref serverSent) - 1))
            {
                clientEndpoint.Feed(d);
            }
        });
        return new DtlsTestPair(clientEndpoint, serverEndpoint);
    }

    public async Task<(DtlsHandshakeResult Client, DtlsHandshakeResult Server)> HandshakeAsync()
    {
        Task<DtlsHandshakeResult> server = Server.Start();
        Task<DtlsHandshakeResult> client = Client.Start();
        DtlsHandshakeResult[] results = await Task.WhenAll(client, server).WaitAsync(TimeSpan.FromSeconds(60));
        return (results[0], results[1]);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
