using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Benchmarks.Protocols;

// Per-join cost of DTLS-SRTP: a full handshake (both ends in process, wired back to back, so the figure
// is the CPU of client + server) and the once-per-process certificate generation.
// dotnet run -c Release --project Meet.Benchmarks -- --filter '*DtlsBenchmarks*' --job short
[MemoryDiagnoser]
public class DtlsBenchmarks
{
    private DtlsCertificate _client = null!;
    private DtlsCertificate _server = null!;

    [Params(DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80)]
    public DtlsSrtpProfile Profile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _client = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        _server = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
    }

    [Benchmark]
    public DtlsHandshakeResult Handshake()
    {
        DtlsEndpoint? client = null;
        DtlsEndpoint? server = null;
        client = new DtlsEndpoint(Options(DtlsRole.Client, _client, _server), d => server!.Feed(d));
        server = new DtlsEndpoint(Options(DtlsRole.Server, _server, _client), d => client.Feed(d));
        Task<DtlsHandshakeResult> serverDone = server.Start();
        DtlsHandshakeResult result = client.Start().GetAwaiter().GetResult();
        serverDone.GetAwaiter().GetResult();
        client.Dispose();
        server.Dispose();
        return result.Succeeded ? result : throw new InvalidOperationException(result.ToString());
    }

    [Benchmark]
    public DtlsFingerprint CreateCertificate() => DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(30)).Fingerprint;

    private DtlsEndpointOptions Options(DtlsRole role, DtlsCertificate own, DtlsCertificate peer) => new()
    {
        Role = role,
        Certificate = own,
        RemoteFingerprints = [peer.Fingerprint],
        SrtpProfiles = [Profile],
    };
}
