using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Benchmarks.Protocols;

// Control-plane cost of negotiation: one Chrome simulcast offer (5.6 KB, 2 m-sections) per join.
// dotnet run -c Release --project Meet.Benchmarks -- --filter '*SdpBenchmarks*' --job short
[MemoryDiagnoser]
public class SdpBenchmarks
{
    private string _offerText = null!;
    private SessionDescription _offer = null!;
    private SdpTransportParameters _transport = null!;
    private readonly SdpAnswerOptions _options = new();

    [GlobalSetup]
    public void Setup()
    {
        _offerText = File.ReadAllText(FixturePath("chrome-simulcast-offer.sdp")).ReplaceLineEndings("\r\n");
        SessionDescription.TryParse(_offerText, out SessionDescription? offer, out _);
        _offer = offer!;
        DtlsFingerprint fingerprint = DtlsCertificate.CreateSelfSigned(DateTimeOffset.UtcNow, TimeSpan.FromDays(1)).Fingerprint;
        _transport = new SdpTransportParameters("ufrg", "0123456789abcdefghijkl", fingerprint, SdpSetupRole.Passive)
        {
            Candidates = [new SdpCandidate { Foundation = "1", Transport = "udp", Priority = 2130706431, Address = "127.0.0.1", Port = 40000, Type = SdpCandidateType.Host }],
        };
    }

    [Benchmark(Baseline = true)]
    public SessionDescription? ParseChromeOffer()
    {
        SessionDescription.TryParse(_offerText, out SessionDescription? sdp, out _);
        return sdp;
    }

    [Benchmark]
    public string WriteChromeOffer() => _offer.ToString();

    [Benchmark]
    public string BuildAndWriteAnswer() => SdpBuilder.CreateAnswer(_offer, _transport, _options, "1").ToString();

    private static string FixturePath(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "Meet.Tests", "Fixtures", "Sdp", name);
}
