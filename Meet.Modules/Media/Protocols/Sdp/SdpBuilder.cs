using System.Buffers.Binary;
using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Modules.Media.Protocols.Sdp;

// Helpers the SFU uses to produce its side of the negotiation: an ICE-lite answer to a browser's offer
// (publisher connection) and the skeleton of its own offers (subscriber connection).
public static class SdpBuilder
{
    // A fresh o= session id: RFC 8866 §5.2 suggests an NTP-like unique number; JSEP (RFC 8829 §5.2.1)
    // asks for a random 63-bit value so it can be incremented safely.
    public static string NewSessionId()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return SdpText.Format(Math.Max(1UL, BinaryPrimitives.ReadUInt64LittleEndian(random) >> 1));
    }

    public static SessionDescription CreateSession(string sessionId, ulong sessionVersion, bool iceLite) => new()
    {
        Origin = new SdpOrigin("-", sessionId, sessionVersion, "IN", "IP4", "127.0.0.1"),
        SessionName = "-",
        Timings = [new SdpTiming(0, 0)],
        IceLite = iceLite,
        MsidSemantic = new SdpMsidSemantic("WMS", []),
    };

    // Puts ICE and DTLS parameters into an m-section, and the default candidate into m=/c= (RFC 8839 §4.2.1.2).
    public static void ApplyTransport(SdpMediaDescription media, SdpTransportParameters transport)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(transport);
        SdpCandidate? first = transport.Candidates.FirstOrDefault(c => c.Component == 1);
        media.Port = first?.Port ?? 9;
        media.Connection = SdpConnection.Ipv4(first is not null && !first.Address.Contains(':') ? first.Address : "0.0.0.0");
        media.IceUfrag = transport.IceUfrag;
        media.IcePwd = transport.IcePwd;
        media.Fingerprints = [SdpFingerprint.From(transport.Fingerprint)];
        media.Setup = transport.Setup;
        media.Candidates = [.. transport.Candidates];
        media.EndOfCandidates = transport.EndOfCandidates;
        if (media.Protocol.Contains("RTP", StringComparison.Ordinal))
        {
            // RFC 8829 §5.2.1: WebRTC multiplexes RTCP with RTP, always.
            media.RtcpMux = true;
        }
    }

    // RFC 5763 §5: "active" opens the DTLS connection (client), "passive" accepts it (server). actpass
    // only appears in offers and must be resolved by the answer before the role is known.
    public static DtlsRole ToDtlsRole(SdpSetupRole localSetup) => localSetup switch
    {
        SdpSetupRole.Active => DtlsRole.Client,
        SdpSetupRole.Passive => DtlsRole.Server,
        _ => throw new ArgumentException($"setup:{localSetup.ToText()} does not determine a DTLS role.", nameof(localSetup)),
    };

    // Adds (or replaces) a=group:BUNDLE with every non-rejected m-section's mid (RFC 8843 §7).
    public static void SetBundle(SessionDescription session)
    {
        session.Groups.RemoveAll(g => g.Semantics == "BUNDLE");
        string[] mids = session.MediaDescriptions.Where(m => !m.IsRejected && m.Mid is not null).Select(m => m.Mid!).ToArray();
        if (mids.Length > 0)
        {
            session.Groups.Insert(0, new SdpGroup("BUNDLE", mids));
        }
    }

    public static SdpMediaDescription CreateDataChannelSection(string mid, long maxMessageSize = 262144) => new()
    {
        Media = "application",
        Protocol = "UDP/DTLS/SCTP",
        Formats = ["webrtc-datachannel"],
        Mid = mid,
        // RFC 8841 §5: 5000 is the conventional SCTP port inside the DTLS association.
        SctpPort = 5000,
        MaxMessageSize = maxMessageSize,
    };

    // Answers each offered m-section in order (RFC 3264 §6): accepted sections mirror the mid, keep the
    // offered payload-type numbers and extension ids, reverse direction, rids and simulcast; the rest
    // are rejected with port 0 and left out of BUNDLE.
    public static SessionDescription CreateAnswer(
        SessionDescription offer, SdpTransportParameters transport, SdpAnswerOptions options, string sessionId, ulong sessionVersion = 1) =>
        CreateAnswer(offer, transport, options, sessionId, sessionVersion, refused: null);

    // As above; every section the answer refuses (that the offerer had not already rejected) is added
    // to refused with the reason.
    public static SessionDescription CreateAnswer(
        SessionDescription offer, SdpTransportParameters transport, SdpAnswerOptions options, string sessionId, ulong sessionVersion,
        ICollection<SdpRefusedSection>? refused)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        if (transport.Setup is not (SdpSetupRole.Active or SdpSetupRole.Passive))
        {
            // RFC 5763 §5: the answerer must pick a role.
            throw new ArgumentException("An answer needs setup active or passive.", nameof(transport));
        }

        SessionDescription answer = CreateSession(sessionId, sessionVersion, options.IceLite);
        answer.ExtmapAllowMixed = offer.ExtmapAllowMixed;
        for (int index = 0; index < offer.MediaDescriptions.Count; index++)
        {
            SdpMediaDescription offered = offer.MediaDescriptions[index];
            string? reason = null;
            SdpMediaDescription? accepted = offered.IsRejected ? null : offered.Media switch
            {
                "audio" or "video" when !offered.Protocol.Contains("RTP/SAVPF", StringComparison.Ordinal) =>
                    Refuse(out reason, $"transport protocol {offered.Protocol} is not supported (WebRTC needs UDP/TLS/RTP/SAVPF)"),
                "audio" => AnswerRtp(offered, options.AudioCodecs, options)
                    ?? Refuse(out reason, NoCodec(offered, options.AudioCodecs)),
                "video" => AnswerRtp(offered, options.VideoCodecs, options)
                    ?? Refuse(out reason, NoCodec(offered, options.VideoCodecs)),
                "application" when !offered.Protocol.Contains("SCTP", StringComparison.Ordinal) =>
                    Refuse(out reason, $"application protocol {offered.Protocol} is not supported"),
                "application" when !options.AcceptDataChannel => Refuse(out reason, "data channels are not accepted on this connection"),
                "application" => AnswerDataChannel(offered, options),
                _ => Refuse(out reason, $"media type {offered.Media} is not supported"),
            };
            if (accepted is null)
            {
                if (reason is not null)
                {
                    refused?.Add(new SdpRefusedSection(index, offered.Mid, offered.Media, reason));
                }

                // RFC 8866 §5.7: every m-section needs a c= line (or a session-level one), a rejected
                // one too — Firefox refuses the whole answer otherwise. RFC 8843 §7.3.3: a rejected
                // section stays out of BUNDLE and carries no transport attributes.
                answer.MediaDescriptions.Add(new SdpMediaDescription
                {
                    Media = offered.Media,
                    Port = 0,
                    Protocol = offered.Protocol,
                    Formats = [.. offered.Formats],
                    Connection = SdpConnection.Ipv4("0.0.0.0"),
                    Mid = offered.Mid,
                });
                continue;
            }

            ApplyTransport(accepted, transport);
            answer.MediaDescriptions.Add(accepted);
        }

        SetBundle(answer);
        return answer;
    }

    private static SdpMediaDescription? Refuse(out string? reason, string why)
    {
        reason = why;
        return null;
    }

    private static string NoCodec(SdpMediaDescription offered, IReadOnlyList<string> codecs)
    {
        string offeredCodecs = string.Join(", ", offered.Formats
            .Select(f => SdpText.TryInt(f, 0, 127, out int pt) ? offered.FindRtpMap(pt)?.EncodingName ?? f : f)
            .Distinct(StringComparer.OrdinalIgnoreCase));
        return $"no supported codec (offered: {(offeredCodecs.Length == 0 ? "none" : offeredCodecs)}; supported: {string.Join(", ", codecs)})";
    }

    private static SdpMediaDescription? AnswerRtp(SdpMediaDescription offered, IReadOnlyList<string> codecs, SdpAnswerOptions options)
    {
        // RFC 8866 §5.14: only the payload types on the m= line are offered; an rtpmap for another
        // number describes nothing the answer may pick.
        var listed = new HashSet<int>();
        foreach (string format in offered.Formats)
        {
            if (SdpText.TryInt(format, 0, 127, out int pt))
            {
                listed.Add(pt);
            }
        }

        var primary = new HashSet<int>();
        foreach (SdpRtpMap rtpMap in offered.RtpMaps.Where(r => listed.Contains(r.PayloadType)))
        {
            if (codecs.Contains(rtpMap.EncodingName, StringComparer.OrdinalIgnoreCase)
                && (options.AcceptCodec?.Invoke(rtpMap, offered.FindFmtp(rtpMap.PayloadType)) ?? true))
            {
                primary.Add(rtpMap.PayloadType);
            }
        }

        if (primary.Count == 0)
        {
            return null;
        }

        var accepted = new HashSet<int>(primary);
        foreach (SdpRtpMap rtx in offered.RtpMaps.Where(r => listed.Contains(r.PayloadType) && r.EncodingName.Equals("rtx", StringComparison.OrdinalIgnoreCase)))
        {
            if (offered.FindFmtp(rtx.PayloadType)?.AssociatedPayloadType is { } apt && primary.Contains(apt))
            {
                accepted.Add(rtx.PayloadType);
            }
        }

        // Video RED (with ULPFEC) is not forwarded: only audio RED.
        var red = options.AcceptRed && offered.Media == "audio" ? AcceptedRed(offered, listed, primary) : null;
        if (red is { } redPayloadType)
        {
            accepted.Add(redPayloadType);
        }

        var answer = new SdpMediaDescription
        {
            Media = offered.Media,
            Protocol = offered.Protocol,
            Mid = offered.Mid,
            Formats = offered.Formats.Where(f => SdpText.TryInt(f, 0, 127, out int pt) && accepted.Contains(pt))
                .OrderBy(f => red is { } r && f == r.ToString(System.Globalization.CultureInfo.InvariantCulture) ? 0 : 1).ToList(),
            Direction = (offered.Direction ?? SdpDirection.SendRecv).Reverse(),
            Extmaps = offered.Extmaps.Where(e => options.HeaderExtensions.Contains(e.Uri)).Select(e => e with { Direction = null }).ToList(),
            RtcpRsize = offered.RtcpRsize,
            RtpMaps = offered.RtpMaps.Where(r => accepted.Contains(r.PayloadType)).OrderBy(r => r.PayloadType == red ? 0 : 1).ToList(),
            Fmtps = offered.Fmtps.Where(f => accepted.Contains(f.PayloadType)).OrderBy(f => f.PayloadType == red ? 0 : 1).ToList(),
            RtcpFeedbacks = offered.RtcpFeedbacks
                .Where(f => f.PayloadType is { } pt && primary.Contains(pt))
                .Where(f => options.RtcpFeedback.Contains(f.Parameter is null ? f.Type : f.Type + " " + f.Parameter))
                .ToList(),
        };

        // RFC 8853 §5.3: accepting simulcast means answering each offered send rid with a recv rid.
        // Restrictions are dropped: the SFU takes whatever layers the browser sends.
        if (options.AcceptSimulcast && offered.Simulcast is { Send.Count: > 0 } simulcast)
        {
            answer.Rids = offered.Rids.Where(r => r.Direction == SdpRidDirection.Send).Select(r => new SdpRid(r.Id, SdpRidDirection.Recv)).ToList();
            answer.Simulcast = new SdpSimulcast([], simulcast.Send);
        }

        return answer;
    }

    // RFC 2198 §5 / RFC 8866: `a=fmtp:63 111/111` lists the payload type of each block; RED is usable
    // only when every one of them is a codec the answer accepts.
    private static int? AcceptedRed(SdpMediaDescription offered, HashSet<int> listed, HashSet<int> primary)
    {
        foreach (SdpRtpMap rtpMap in offered.RtpMaps.Where(r => listed.Contains(r.PayloadType) && r.EncodingName.Equals("red", StringComparison.OrdinalIgnoreCase)))
        {
            var blocks = offered.FindFmtp(rtpMap.PayloadType)?.Parameters?.Split('/');
            if (blocks is { Length: > 0 } && blocks.All(b => SdpText.TryInt(b.Trim(), 0, 127, out int pt) && primary.Contains(pt)))
            {
                return rtpMap.PayloadType;
            }
        }

        return null;
    }

    private static SdpMediaDescription AnswerDataChannel(SdpMediaDescription offered, SdpAnswerOptions options)
    {
        SdpMediaDescription answer = CreateDataChannelSection(offered.Mid ?? "0", options.MaxMessageSize);
        answer.Mid = offered.Mid;
        answer.Protocol = offered.Protocol;
        answer.Formats = [.. offered.Formats];
        answer.SctpPort = offered.SctpPort ?? 5000;
        return answer;
    }
}
