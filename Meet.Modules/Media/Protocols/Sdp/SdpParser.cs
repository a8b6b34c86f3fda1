using System.Diagnostics.CodeAnalysis;

namespace Meet.Modules.Media.Protocols.Sdp;

// RFC 8866 §5 / §9 grammar, line by line. Every failure is an SdpParseError naming the line; nothing
// here throws on input. Attributes with a typed form must follow their grammar; the others are kept.
internal sealed class SdpParser
{
    private readonly List<SdpMediaDescription> _media = [];
    private SessionDescription? _session;
    private SdpMediaDescription? _current;
    private SdpParseError _error;
    private int _line;
    private bool _seenVersion;
    private string? _sessionName;
    private SdpOrigin? _origin;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SessionDescription? description, out SdpParseError error)
    {
        description = null;
        if (string.IsNullOrEmpty(text))
        {
            error = new SdpParseError(SdpParseErrorKind.MissingRequiredLine, 0, "The description is empty.");
            return false;
        }

        if (text.Length > SessionDescription.MaxLength)
        {
            error = new SdpParseError(SdpParseErrorKind.TooLarge, 0, $"The description exceeds {SessionDescription.MaxLength} characters.");
            return false;
        }

        var parser = new SdpParser();
        if (!parser.Run(text))
        {
            error = parser._error;
            return false;
        }

        error = default;
        description = parser._session!;
        return true;
    }

    private bool Run(string text)
    {
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            // RFC 8866 §5 mandates CRLF but asks parsers to accept a bare LF.
            int length = end - start;
            if (length > 0 && text[end - 1] == '\r')
            {
                length--;
            }

            _line++;
            if (_line > SessionDescription.MaxLines)
            {
                return Fail(SdpParseErrorKind.TooLarge, $"The description has more than {SessionDescription.MaxLines} lines.");
            }

            if (length > SessionDescription.MaxLineLength)
            {
                return Fail(SdpParseErrorKind.LineTooLong, $"The line exceeds {SessionDescription.MaxLineLength} characters.");
            }

            if (length > 0 && !ParseLine(text.AsSpan(start, length)))
            {
                return false;
            }

            start = end + 1;
        }

        if (_session is null)
        {
            return Fail(SdpParseErrorKind.MissingRequiredLine, "The description lacks v=, o= or s=.", line: 0);
        }

        _session.MediaDescriptions = _media;
        return true;
    }

    private bool ParseLine(ReadOnlySpan<char> line)
    {
        if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
        {
            return Fail(SdpParseErrorKind.MalformedLine, "Expected <type>=<value>.");
        }

        char type = line[0];
        string value = line[2..].ToString();

        // RFC 8866 §5: v=, o= and s= come first, in that order.
        if (!_seenVersion)
        {
            if (type != 'v' || value != "0")
            {
                return Fail(SdpParseErrorKind.MissingRequiredLine, "The description must start with v=0.");
            }

            _seenVersion = true;
            return true;
        }

        if (_origin is null)
        {
            return type == 'o'
                ? SdpOrigin.TryParse(value, out _origin) || Fail(SdpParseErrorKind.InvalidValue, "Malformed o= line.")
                : Fail(SdpParseErrorKind.MissingRequiredLine, "Expected o= after v=.");
        }

        if (_session is null)
        {
            if (type != 's')
            {
                return Fail(SdpParseErrorKind.MissingRequiredLine, "Expected s= after o=.");
            }

            // RFC 8866 §5.3: s= must not be empty; "-" is the conventional placeholder. Be lenient with " ".
            _sessionName = value.Length == 0 ? " " : value;
            _session = new SessionDescription { Origin = _origin, SessionName = _sessionName };
            return true;
        }

        return _current is null ? ParseSessionLine(type, value) : ParseMediaLine(type, value);
    }

    private bool ParseSessionLine(char type, string value)
    {
        SessionDescription s = _session!;
        switch (type)
        {
            case 'i':
                s.Information = value;
                return true;
            case 'u':
                s.Uri = value;
                return true;
            case 'e':
                s.Emails.Add(value);
                return true;
            case 'p':
                s.Phones.Add(value);
                return true;
            case 'c':
                return TrySetOnce(s.Connection, SdpConnection.TryParse(value, out var connection), "c=", () => s.Connection = connection);
            case 'b':
                return TryAdd(SdpBandwidth.TryParse(value, out var bandwidth), s.Bandwidths, bandwidth, "b=");
            case 't':
                return TryAdd(SdpTiming.TryParse(value, out var timing), s.Timings, timing, "t=");
            case 'r':
                if (s.Timings.Count == 0)
                {
                    return Fail(SdpParseErrorKind.MisplacedLine, "r= must follow a t= line.");
                }

                s.Timings[^1].Repeats.Add(value);
                return true;
            case 'z':
                s.TimeZones = value;
                return true;
            case 'k':
                s.EncryptionKey = value;
                return true;
            case 'a':
                return ParseSessionAttribute(value);
            case 'm':
                return ParseMediaHeader(value);
            case 'v' or 'o' or 's':
                return Fail(SdpParseErrorKind.MisplacedLine, $"Duplicate {type}= line.");
            default:
                return Fail(SdpParseErrorKind.UnknownLineType, $"Unknown line type '{type}'.");
        }
    }

    private bool ParseMediaLine(char type, string value)
    {
        SdpMediaDescription m = _current!;
        switch (type)
        {
            case 'i':
                m.Information = value;
                return true;
            case 'c':
                return TrySetOnce(m.Connection, SdpConnection.TryParse(value, out var connection), "c=", () => m.Connection = connection);
            case 'b':
                return TryAdd(SdpBandwidth.TryParse(value, out var bandwidth), m.Bandwidths, bandwidth, "b=");
            case 'k':
                m.EncryptionKey = value;
                return true;
            case 'a':
                return ParseMediaAttribute(m, value);
            case 'm':
                return ParseMediaHeader(value);
            case 'v' or 'o' or 's' or 'u' or 'e' or 'p' or 't' or 'r' or 'z':
                return Fail(SdpParseErrorKind.MisplacedLine, $"{type}= is not allowed in a media section.");
            default:
                return Fail(SdpParseErrorKind.UnknownLineType, $"Unknown line type '{type}'.");
        }
    }

    // m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14)
    private bool ParseMediaHeader(string value)
    {
        string[] t = SdpText.Tokens(value);
        if (t.Length < 3 || !SdpText.IsToken(t[0]))
        {
            return Fail(SdpParseErrorKind.InvalidValue, "Malformed m= line.");
        }

        string port = t[1];
        int? count = null;
        int slash = port.IndexOf('/');
        if (slash >= 0)
        {
            if (!SdpText.TryInt(port[(slash + 1)..], 1, 65535, out int c))
            {
                return Fail(SdpParseErrorKind.InvalidValue, "Malformed port count in m= line.");
            }

            count = c;
            port = port[..slash];
        }

        if (!SdpText.TryInt(port, 0, 65535, out int portNumber))
        {
            return Fail(SdpParseErrorKind.InvalidValue, "Malformed port in m= line.");
        }

        _current = new SdpMediaDescription { Media = t[0], Port = portNumber, PortCount = count, Protocol = t[2], Formats = [.. t[3..]] };
        _media.Add(_current);
        return true;
    }

    private bool ParseSessionAttribute(string text)
    {
        var (name, value) = SdpText.SplitAttribute(text);
        if (!SdpText.IsToken(name))
        {
            return Fail(SdpParseErrorKind.MalformedLine, "Malformed attribute name.");
        }

        SessionDescription s = _session!;
        switch (name)
        {
            case "group":
                return TryAdd(SdpGroup.TryParse(value ?? string.Empty, out var group), s.Groups, group, name);
            case "msid-semantic":
                return TrySetOnce(s.MsidSemantic, SdpMsidSemantic.TryParse(value ?? string.Empty, out var semantic), name, () => s.MsidSemantic = semantic);
            case "extmap-allow-mixed":
                return Flag(value, name, () => s.ExtmapAllowMixed = true);
            case "ice-lite":
                return Flag(value, name, () => s.IceLite = true);
            case "ice-ufrag":
                return TrySetOnce(s.IceUfrag, SdpText.IsToken(value ?? string.Empty), name, () => s.IceUfrag = value);
            case "ice-pwd":
                return TrySetOnce(s.IcePwd, SdpText.IsToken(value ?? string.Empty), name, () => s.IcePwd = value);
            case "ice-options":
                return IceOptions(value, s.IceOptions);
            case "fingerprint":
                return TryAdd(SdpFingerprint.TryParse(value ?? string.Empty, out var fingerprint), s.Fingerprints, fingerprint, name);
            case "setup":
                return TrySetOnce(s.Setup, SdpEnums.TryParseSetup(value ?? string.Empty, out var setup), name, () => s.Setup = setup);
            case "extmap":
                return TryAdd(SdpExtmap.TryParse(value ?? string.Empty, out var extmap), s.Extmaps, extmap, name);
            case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                SdpEnums.TryParseDirection(name, out SdpDirection direction);
                return Flag(value, name, () => { }) && TrySetOnce(s.Direction, true, "direction", () => s.Direction = direction);
            default:
                s.Attributes.Add(new SdpAttribute(name, value));
                return true;
        }
    }

    private bool ParseMediaAttribute(SdpMediaDescription m, string text)
    {
        var (name, value) = SdpText.SplitAttribute(text);
        if (!SdpText.IsToken(name))
        {
            return Fail(SdpParseErrorKind.MalformedLine, "Malformed attribute name.");
        }

        string v = value ?? string.Empty;
        switch (name)
        {
            case "rtcp":
                return TrySetOnce(m.Rtcp, v.Length > 0, name, () => m.Rtcp = v);
            case "candidate":
                return TryAdd(SdpCandidate.TryParseFields(v, out var candidate), m.Candidates, candidate, name);
            case "end-of-candidates":
                return Flag(value, name, () => m.EndOfCandidates = true);
            case "ice-ufrag":
                return TrySetOnce(m.IceUfrag, SdpText.IsToken(v), name, () => m.IceUfrag = v);
            case "ice-pwd":
                return TrySetOnce(m.IcePwd, SdpText.IsToken(v), name, () => m.IcePwd = v);
            case "ice-options":
                return IceOptions(value, m.IceOptions);
            case "fingerprint":
                return TryAdd(SdpFingerprint.TryParse(v, out var fingerprint), m.Fingerprints, fingerprint, name);
            case "setup":
                return TrySetOnce(m.Setup, SdpEnums.TryParseSetup(v, out var setup), name, () => m.Setup = setup);
            case "mid":
                return TrySetOnce(m.Mid, SdpText.IsToken(v), name, () => m.Mid = v);
            case "bundle-only":
                return Flag(value, name, () => m.BundleOnly = true);
            case "extmap":
                return TryAdd(SdpExtmap.TryParse(v, out var extmap), m.Extmaps, extmap, name);
            case "extmap-allow-mixed":
                return Flag(value, name, () => m.ExtmapAllowMixed = true);
            case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                SdpEnums.TryParseDirection(name, out SdpDirection direction);
                return Flag(value, name, () => { }) && TrySetOnce(m.Direction, true, "direction", () => m.Direction = direction);
            case "msid":
                return TryAdd(SdpMsid.TryParse(v, out var msid), m.Msids, msid, name);
            case "rtcp-mux":
                return Flag(value, name, () => m.RtcpMux = true);
            case "rtcp-mux-only":
                return Flag(value, name, () => m.RtcpMuxOnly = true);
            case "rtcp-rsize":
                return Flag(value, name, () => m.RtcpRsize = true);
            case "rtpmap":
                return TryAdd(SdpRtpMap.TryParse(v, out var rtpMap), m.RtpMaps, rtpMap, name);
            case "fmtp":
                return TryAdd(SdpFmtp.TryParse(v, out var fmtp), m.Fmtps, fmtp, name);
            case "rtcp-fb":
                return TryAdd(SdpRtcpFeedback.TryParse(v, out var feedback), m.RtcpFeedbacks, feedback, name);
            case "rid":
                return TryAdd(SdpRid.TryParse(v, out var rid), m.Rids, rid, name);
            case "simulcast":
                return TrySetOnce(m.Simulcast, SdpSimulcast.TryParse(v, out var simulcast), name, () => m.Simulcast = simulcast);
            case "ssrc-group":
                return TryAdd(SdpSsrcGroup.TryParse(v, out var ssrcGroup), m.SsrcGroups, ssrcGroup, name);
            case "ssrc":
                return TryAdd(SdpSsrc.TryParse(v, out var ssrc), m.Ssrcs, ssrc, name);
            case "sctp-port":
                return TrySetOnce(m.SctpPort, SdpText.TryInt(v, 0, 65535, out int sctpPort), name, () => m.SctpPort = sctpPort);
            case "max-message-size":
                return TrySetOnce(m.MaxMessageSize, SdpText.TryLong(v, out long maxMessageSize), name, () => m.MaxMessageSize = maxMessageSize);
            default:
                m.Attributes.Add(new SdpAttribute(name, value));
                return true;
        }
    }

    private bool IceOptions(string? value, List<string> options)
    {
        string[] tokens = SdpText.Tokens(value ?? string.Empty);
        if (tokens.Length == 0)
        {
            return Fail(SdpParseErrorKind.InvalidValue, "a=ice-options needs at least one option.");
        }

        options.AddRange(tokens);
        return true;
    }

    private bool Flag(string? value, string name, Action set)
    {
        if (value is not null)
        {
            return Fail(SdpParseErrorKind.InvalidValue, $"a={name} takes no value.");
        }

        set();
        return true;
    }

    private bool TryAdd<T>(bool parsed, List<T> list, T? item, string name)
        where T : class
    {
        if (!parsed || item is null)
        {
            return Fail(SdpParseErrorKind.InvalidValue, $"Malformed {Describe(name)}.");
        }

        list.Add(item);
        return true;
    }

    private bool TrySetOnce<T>(T? existing, bool parsed, string name, Action set)
    {
        if (existing is not null)
        {
            return Fail(SdpParseErrorKind.InvalidValue, $"Duplicate {Describe(name)}.");
        }

        if (!parsed)
        {
            return Fail(SdpParseErrorKind.InvalidValue, $"Malformed {Describe(name)}.");
        }

        set();
        return true;
    }

    private static string Describe(string name) => name.EndsWith('=') ? name + " line" : "a=" + name;

    private bool Fail(SdpParseErrorKind kind, string message, int? line = null)
    {
        _error = new SdpParseError(kind, line ?? _line, message);
        return false;
    }
}
