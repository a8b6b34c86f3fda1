using System.Text;

namespace Meet.Modules.Media.Protocols.Sdp;

// Writes in the order Chrome does, so a parsed browser document re-serialises to the same lines:
// session lines in RFC 8866 §5 order, then per m-section transport (ICE, DTLS), mid, extensions,
// direction, msid, RTCP flags, codecs (rtpmap, rtcp-fb, fmtp per payload type), rids, simulcast, ssrcs.
internal static class SdpWriter
{
    public static string Write(SessionDescription s)
    {
        var w = new StringBuilder(4096);
        Line(w, 'v', SdpText.Format(s.Version));
        Line(w, 'o', s.Origin.ToString());
        Line(w, 's', s.SessionName);
        Optional(w, 'i', s.Information);
        Optional(w, 'u', s.Uri);
        s.Emails.ForEach(e => Line(w, 'e', e));
        s.Phones.ForEach(p => Line(w, 'p', p));
        Optional(w, 'c', s.Connection?.ToString());
        s.Bandwidths.ForEach(b => Line(w, 'b', b.ToString()));
        foreach (SdpTiming timing in s.Timings)
        {
            Line(w, 't', timing.ToString());
            timing.Repeats.ForEach(r => Line(w, 'r', r));
        }

        Optional(w, 'z', s.TimeZones);
        Optional(w, 'k', s.EncryptionKey);
        s.Groups.ForEach(g => Attribute(w, "group", g.ToString()));
        Flag(w, "extmap-allow-mixed", s.ExtmapAllowMixed);
        if (s.MsidSemantic is not null)
        {
            Attribute(w, "msid-semantic", s.MsidSemantic.ToString());
        }

        Flag(w, "ice-lite", s.IceLite);
        Transport(w, s.IceUfrag, s.IcePwd, s.IceOptions, s.Fingerprints, s.Setup);
        if (s.Direction is { } direction)
        {
            Attribute(w, direction.ToText(), null);
        }

        s.Extmaps.ForEach(e => Attribute(w, "extmap", e.ToString()));
        s.Attributes.ForEach(a => Attribute(w, a.Name, a.Value));
        s.MediaDescriptions.ForEach(m => WriteMedia(w, m));
        return w.ToString();
    }

    private static void WriteMedia(StringBuilder w, SdpMediaDescription m)
    {
        string port = m.PortCount is { } count ? $"{m.Port}/{count}" : SdpText.Format(m.Port);
        Line(w, 'm', m.Formats.Count == 0 ? $"{m.Media} {port} {m.Protocol}" : $"{m.Media} {port} {m.Protocol} {string.Join(' ', m.Formats)}");
        Optional(w, 'i', m.Information);
        Optional(w, 'c', m.Connection?.ToString());
        m.Bandwidths.ForEach(b => Line(w, 'b', b.ToString()));
        Optional(w, 'k', m.EncryptionKey);
        if (m.Rtcp is not null)
        {
            Attribute(w, "rtcp", m.Rtcp);
        }

        m.Candidates.ForEach(c => Attribute(w, "candidate", c.ToFieldString()));
        Flag(w, "end-of-candidates", m.EndOfCandidates);
        Transport(w, m.IceUfrag, m.IcePwd, m.IceOptions, m.Fingerprints, m.Setup);
        if (m.Mid is not null)
        {
            Attribute(w, "mid", m.Mid);
        }

        Flag(w, "bundle-only", m.BundleOnly);

        m.Extmaps.ForEach(e => Attribute(w, "extmap", e.ToString()));
        Flag(w, "extmap-allow-mixed", m.ExtmapAllowMixed);
        if (m.Direction is { } direction)
        {
            Attribute(w, direction.ToText(), null);
        }

        m.Msids.ForEach(msid => Attribute(w, "msid", msid.ToString()));
        Flag(w, "rtcp-mux", m.RtcpMux);
        Flag(w, "rtcp-mux-only", m.RtcpMuxOnly);
        Flag(w, "rtcp-rsize", m.RtcpRsize);
        m.Attributes.ForEach(a => Attribute(w, a.Name, a.Value));
        WriteCodecs(w, m);
        m.Rids.ForEach(r => Attribute(w, "rid", r.ToString()));
        if (m.Simulcast is not null)
        {
            Attribute(w, "simulcast", m.Simulcast.ToString());
        }

        m.SsrcGroups.ForEach(g => Attribute(w, "ssrc-group", g.ToString()));
        m.Ssrcs.ForEach(ssrc => Attribute(w, "ssrc", ssrc.ToString()));
        if (m.SctpPort is { } sctpPort)
        {
            Attribute(w, "sctp-port", SdpText.Format(sctpPort));
        }

        if (m.MaxMessageSize is { } maxMessageSize)
        {
            Attribute(w, "max-message-size", SdpText.Format(maxMessageSize));
        }
    }

    // Per payload type in m= line order: rtpmap, its rtcp-fb lines, its fmtp. Anything naming a payload
    // type that is not on the m= line (or the rtcp-fb "*" wildcard) follows, in document order.
    private static void WriteCodecs(StringBuilder w, SdpMediaDescription m)
    {
        var written = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (string format in m.Formats)
        {
            if (!SdpText.TryInt(format, 0, 127, out int pt))
            {
                continue;
            }

            foreach (SdpRtpMap rtpMap in m.RtpMaps.Where(r => r.PayloadType == pt && written.Add(r)))
            {
                Attribute(w, "rtpmap", rtpMap.ToString());
            }

            foreach (SdpRtcpFeedback feedback in m.RtcpFeedbacks.Where(f => f.PayloadType == pt && written.Add(f)))
            {
                Attribute(w, "rtcp-fb", feedback.ToString());
            }

            foreach (SdpFmtp fmtp in m.Fmtps.Where(f => f.PayloadType == pt && written.Add(f)))
            {
                Attribute(w, "fmtp", fmtp.ToString());
            }
        }

        m.RtpMaps.Where(written.Add).ToList().ForEach(r => Attribute(w, "rtpmap", r.ToString()));
        m.RtcpFeedbacks.Where(written.Add).ToList().ForEach(f => Attribute(w, "rtcp-fb", f.ToString()));
        m.Fmtps.Where(written.Add).ToList().ForEach(f => Attribute(w, "fmtp", f.ToString()));
    }

    private static void Transport(StringBuilder w, string? ufrag, string? pwd, List<string> options, List<SdpFingerprint> fingerprints, SdpSetupRole? setup)
    {
        if (ufrag is not null)
        {
            Attribute(w, "ice-ufrag", ufrag);
        }

        if (pwd is not null)
        {
            Attribute(w, "ice-pwd", pwd);
        }

        if (options.Count > 0)
        {
            Attribute(w, "ice-options", string.Join(' ', options));
        }

        fingerprints.ForEach(f => Attribute(w, "fingerprint", f.ToString()));
        if (setup is { } role)
        {
            Attribute(w, "setup", role.ToText());
        }
    }

    private static void Flag(StringBuilder w, string name, bool present)
    {
        if (present)
        {
            Attribute(w, name, null);
        }
    }

    private static void Attribute(StringBuilder w, string name, string? value)
    {
        w.Append("a=").Append(name);
        if (value is not null)
        {
            w.Append(':').Append(value);
        }

        w.Append("\r\n");
    }

    private static void Optional(StringBuilder w, char type, string? value)
    {
        if (value is not null)
        {
            Line(w, type, value);
        }
    }

    private static void Line(StringBuilder w, char type, string value) => w.Append(type).Append('=').Append(value).Append("\r\n");
}
