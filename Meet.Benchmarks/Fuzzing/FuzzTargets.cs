using System.Buffers;
using System.Text;
using Meet.Modules.Signaling.Grpc;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Protocols.Stun;
using Meet.Modules.Media.Transport;
using Meet.Modules.Signaling.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using MediaIceCandidate = Meet.Modules.Media.Protocols.Ice.IceCandidate;

namespace Meet.Benchmarks.Fuzzing;

// One fuzz target per wire parser that takes network input. A target parses the input and, when the
// parser accepts it, reads everything a caller would read (attributes, extensions, RTCP items), because
// a bug in a lazy getter is as much a crash as one in TryParse. Any exception escaping a target is a
// finding: the parsers' contract is "false, never throw". Linked into Meet.Tests, which replays every
// corpus and regression file through these same targets.
internal static class FuzzTargets
{
    public delegate void Target(ReadOnlySpan<byte> input);

    public static readonly IReadOnlyDictionary<string, Target> All = new Dictionary<string, Target>(StringComparer.Ordinal)
    {
        ["stun"] = Stun,
        ["rtp"] = Rtp,
        ["rtcp"] = Rtcp,
        ["sdp"] = Sdp,
        ["dtls"] = DtlsRecord,
        ["signaling"] = Signaling,
    };

    private static readonly byte[] IntegrityKey = Encoding.ASCII.GetBytes("fuzz-ice-password-0123");

    public static void Stun(ReadOnlySpan<byte> input)
    {
        PacketClassifier.Classify(input);
        if (!StunMessage.TryParse(input, out var message))
            return;
        _ = message.Type;
        _ = message.TransactionId;
        message.TryGetUsername(out _);
        message.TryGetPriority(out _);
        message.TryGetIceControlling(out _);
        message.TryGetIceControlled(out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetXorMappedAddress(out _);
        Span<ushort> unknown = stackalloc ushort[16];
        message.CopyUnknownComprehensionRequired(unknown);
        foreach (var type in Enum.GetValues<StunAttributeType>())
            message.TryGetAttribute(type, out _);
        message.VerifyFingerprint();
        message.VerifyMessageIntegrity(IntegrityKey);
    }

    public static void Rtp(ReadOnlySpan<byte> input)
    {
        PacketClassifier.Classify(input);
        if (!RtpHeader.TryParse(input, out var header))
            return;
        for (var i = 0; i < header.CsrcCount; i++)
            header.GetCsrc(input, i);
        var extensions = header.GetExtensions(input);
        while (extensions.MoveNext())
        {
            _ = extensions.CurrentId;
            _ = extensions.CurrentValue.Length;
        }
        for (var id = 1; id < 15; id++)
        {
            if (!header.TryGetExtension(input, id, out var value))
                continue;
            AudioLevelExtension.TryRead(value, out _, out _);
            TransportWideSequenceExtension.TryRead(value, out _);
            AbsSendTimeExtension.TryRead(value, out _);
        }
        var payload = header.GetPayload(input);
        Vp8PayloadDescriptor.TryParse(payload, out _);
        H264Payload.IsKeyFrame(payload);
    }

    public static void Rtcp(ReadOnlySpan<byte> input)
    {
        PacketClassifier.Classify(input);
        var reader = new RtcpCompoundReader(input);
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            switch (reader.Current.PacketType)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryParse(packet, out var sr):
                    for (var i = 0; i < sr.ReportCount; i++)
                        sr.GetReportBlock(i);
                    break;
                case RtcpPacketType.ReceiverReport when RtcpReceiverReport.TryParse(packet, out var rr):
                    for (var i = 0; i < rr.ReportCount; i++)
                        rr.GetReportBlock(i);
                    break;
                case RtcpPacketType.SourceDescription when RtcpSdes.TryParse(packet, out var sdes):
                    var items = sdes.GetItems();
                    while (items.MoveNext())
                        _ = items.CurrentValue.Length;
                    sdes.TryGetCname(out _, out _);
                    break;
                case RtcpPacketType.Goodbye when RtcpBye.TryParse(packet, out var bye):
                    for (var i = 0; i < bye.SsrcCount; i++)
                        bye.GetSsrc(i);
                    break;
                default:
                    TryFeedback(packet);
                    break;
            }
        }
    }

    private static void TryFeedback(ReadOnlySpan<byte> packet)
    {
        if (RtcpNack.TryParse(packet, out var nack))
            for (var i = 0; i < nack.ItemCount; i++)
                nack.GetItem(i);
        RtcpPli.TryParse(packet, out _);
        if (RtcpFir.TryParse(packet, out var fir))
            for (var i = 0; i < fir.EntryCount; i++)
                fir.GetEntry(i);
        RtcpRemb.TryParse(packet, out _);
        if (RtcpTransportFeedback.TryParse(packet, out var twcc))
        {
            var statuses = twcc.GetEnumerator();
            while (statuses.MoveNext())
                _ = statuses.CurrentArrivalMicroseconds;
        }
    }

    // SDP arrives as UTF-8 text inside signaling messages; invalid UTF-8 becomes U+FFFD, as in the hub.
    public static void Sdp(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (SdpParser.TryParse(text, out var description, out _))
            SdpWriter.Write(description);
        foreach (var line in text.Split('\n'))
        {
            SdpCandidate.TryParse(line.TrimEnd('\r'), out _);
            MediaIceCandidate.TryParse(line.TrimEnd('\r'), out _);
        }
    }

    public static void DtlsRecord(ReadOnlySpan<byte> input)
    {
        PacketClassifier.Classify(input);
        DtlsRecordHeader.IsDtls(input);
        DtlsRecordHeader.IsClientHello(input);
        // A datagram carries several records back to back (RFC 6347 §4.1.1): walk them as the endpoint does.
        var rest = input;
        while (DtlsRecordHeader.TryParse(rest, out var header))
        {
            var next = DtlsRecordHeader.Size + header.Length;
            if (next > rest.Length)
                break;
            rest = rest[next..];
        }
    }

    // What a signaling connection parses: the SignalR handshake followed by hub frames (JSON, or
    // MessagePack), bound to the hub's methods, or gRPC's protobuf ClientMessage; then what the hub does
    // with the arguments first (SDP and ICE candidate parsing). The first byte picks the transport. The
    // frameworks refuse malformed frames with InvalidDataException (SignalR) or
    // InvalidProtocolBufferException (protobuf), which closes that one connection; those are
    // refusals, anything else is a finding.
    public static void Signaling(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var body = new ReadOnlySequence<byte>(input[1..].ToArray());
        try
        {
            switch (input[0] % 3)
            {
                case 0:
                    if (TryHandshake(ref body))
                        ParseAll(Json, body);
                    break;
                case 1:
                    ParseAll(MessagePack, body);
                    break;
                default:
                    var message = ClientMessage.Parser.ParseFrom(body);
                    if (message.Candidate is { } candidate)
                        MediaIceCandidate.TryParse(candidate.CandidateSdp, out _);
                    if (message.Sdp is { } sdp)
                        SdpParser.TryParse(sdp.SdpPlaintext, out _, out _);
                    break;
            }
        }
        catch (InvalidDataException)
        {
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
        }
    }

    // SignalR's HubConnectionContext.HandshakeAsync catches every exception of the handshake parse
    // (System.Text.Json's JsonReaderException among them) and answers with a handshake error, so for the
    // handshake any exception is the framework's refusal, not a crash.
    private static bool TryHandshake(ref ReadOnlySequence<byte> body)
    {
        try
        {
            return HandshakeProtocol.TryParseRequestMessage(ref body, out _);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static void ParseAll(IHubProtocol protocol, ReadOnlySequence<byte> frames)
    {
        // Bounded: a parser that claims a frame without consuming input must not spin forever here.
        for (var i = 0; i < 1024 && protocol.TryParseMessage(ref frames, Binder, out var message); i++)
        {
            if (message is not InvocationMessage { Arguments: var arguments } invocation)
                continue;
            switch (invocation.Target)
            {
                case "PublisherOffer" or "SubscriberAnswer" when arguments is [string sdp, ..]:
                    SdpParser.TryParse(sdp, out _, out _);
                    break;
                case "IceCandidate" when arguments is [_, string line, ..]:
                    MediaIceCandidate.TryParse(line, out _);
                    break;
            }
        }
    }

    // Created on first use, inside the fuzzing loop: instrumented code (MessagePack) must not run before
    // SharpFuzz has mapped AFL's coverage memory.
    // The protocols exactly as the server registers them (GuardedHubProtocol around SignalR's own).
    private static readonly Lazy<IHubProtocol> LazyJson = new(() => new GuardedHubProtocol(new JsonHubProtocol()));
    private static readonly Lazy<IHubProtocol> LazyMessagePack = new(() => new GuardedHubProtocol(new MessagePackHubProtocol()));
    private static readonly HubBinder Binder = new();

    private static IHubProtocol Json => LazyJson.Value;

    private static IHubProtocol MessagePack => LazyMessagePack.Value;

    // The parameter types of SignalingHub's methods, as SignalR binds incoming invocations to them.
    private sealed class HubBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => methodName switch
        {
            "Join" or "PublisherOffer" => [typeof(string)],
            "SubscriberAnswer" => [typeof(string), typeof(long)],
            "IceCandidate" => [typeof(string), typeof(string), typeof(string), typeof(int?)],
            "Ping" => [typeof(long)],
            "SetMuted" => [typeof(string), typeof(bool)],
            "Leave" or "GetRoster" => [],
            _ => throw new InvalidDataException($"unknown hub method '{methodName}'"),
        };

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => throw new InvalidDataException("the hub has no streams");
    }
}
