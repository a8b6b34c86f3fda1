using System.Diagnostics.CodeAnalysis;

namespace Meet.Modules.Media.Protocols.Sdp;

// An SDP document (RFC 8866) as WebRTC uses it: Unified Plan (RFC 8829), BUNDLE (RFC 8843),
// simulcast (RFC 8853). Control plane: parsing allocates freely but is bounded and never throws.
public sealed class SessionDescription
{
    // A Chrome offer with 100 m-sections is ~500 KB; anything beyond 1 MiB is not a real offer.
    public const int MaxLength = 1 << 20;
    public const int MaxLines = 50_000;
    public const int MaxLineLength = 8192;

    public int Version { get; set; }

    public required SdpOrigin Origin { get; set; }

    public string SessionName { get; set; } = "-";

    public string? Information { get; set; }

    public string? Uri { get; set; }

    public List<string> Emails { get; set; } = [];

    public List<string> Phones { get; set; } = [];

    public SdpConnection? Connection { get; set; }

    public List<SdpBandwidth> Bandwidths { get; set; } = [];

    public List<SdpTiming> Timings { get; set; } = [];

    public string? TimeZones { get; set; }

    public string? EncryptionKey { get; set; }

    public List<SdpGroup> Groups { get; set; } = [];

    public bool ExtmapAllowMixed { get; set; }

    public SdpMsidSemantic? MsidSemantic { get; set; }

    // RFC 8445 §2.5 / RFC 8839 §5.3: session-level only.
    public bool IceLite { get; set; }

    public string? IceUfrag { get; set; }

    public string? IcePwd { get; set; }

    public List<string> IceOptions { get; set; } = [];

    public List<SdpFingerprint> Fingerprints { get; set; } = [];

    public SdpSetupRole? Setup { get; set; }

    public SdpDirection? Direction { get; set; }

    public List<SdpExtmap> Extmaps { get; set; } = [];

    public List<SdpAttribute> Attributes { get; set; } = [];

    public List<SdpMediaDescription> MediaDescriptions { get; set; } = [];

    // The mids of the first BUNDLE group, or empty.
    public IReadOnlyList<string> BundleMids => Groups.Find(g => g.Semantics == "BUNDLE")?.Mids ?? [];

    public SdpMediaDescription? FindMedia(string mid) => MediaDescriptions.Find(m => m.Mid == mid);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SessionDescription? description, out SdpParseError error) =>
        SdpParser.TryParse(text, out description, out error);

    // The document with CRLF line endings (RFC 8866 §5), in the attribute order Chrome writes.
    public override string ToString() => SdpWriter.Write(this);
}
