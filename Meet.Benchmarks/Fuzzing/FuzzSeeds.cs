using System.Buffers;
using System.Text;
using Meet.Modules.Signaling.Grpc;
using Google.Protobuf;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meet.Benchmarks.Fuzzing;

// Seed inputs shaped like what Chromium sends (its STUN attribute set, its RTP header extensions and
// VP8/H.264/Opus payload starts, its compound RTCP, a DTLS 1.2 ClientHello with use_srtp, the web
// client's SignalR frames), built with Meet's own writers so they are valid to begin with. The SDP
// corpus is the captured Chrome offers and answers in Meet.Tests/Fixtures/Sdp; files under
// Meet.Tests/Fixtures/Fuzz/<target>/ are earlier findings, replayed by Meet.Tests (FuzzRegressionTests).
internal static class FuzzSeeds
{
    public static IEnumerable<(string Name, byte[] Bytes)> For(string target, string? repositoryRoot) => target switch
    {
        "stun" => Stun(),
        "rtp" => Rtp(),
        "rtcp" => Rtcp(),
        "sdp" => Sdp(repositoryRoot),
        "dtls" => Dtls(),
        "signaling" => Signaling(repositoryRoot),
        _ => [],
    };

    // Meet.Tests/Fixtures/Fuzz/<target>/: inputs that once crashed a target (regression) or were captured.
    public static IEnumerable<(string Name, byte[] Bytes)> Fixtures(string target, string? repositoryRoot)
    {
        var directory = repositoryRoot is null ? null : Path.Combine(repositoryRoot, "Meet.Tests", "Fixtures", "Fuzz", target);
        if (directory is null || !Directory.Exists(directory))
            yield break;
        foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            yield return (Path.GetFileName(file), File.ReadAllBytes(file));
    }

    public static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Meet.sln")))
                return directory.FullName;
        return null;
    }

    private static IEnumerable<(string, byte[])> Stun()
    {
        var key = Encoding.ASCII.GetBytes("fuzz-ice-password-0123");
        var transaction = new StunTransactionId(0x0102030405060708, 0x090a0b0c);
        yield return ("binding-request-chrome", Stun(StunMessageType.BindingRequest, transaction, (ref StunMessageWriter writer) =>
        {
            writer.AddUsername("srvUfrag:cliU"u8);
            writer.AddAttribute((StunAttributeType)0xC057, [0x00, 0x01, 0x00, 0x0a]); // GOOG-NETWORK-INFO
            writer.AddIceControlling(0x1122334455667788);
            writer.AddUseCandidate();
            writer.AddPriority(1853824767);
            writer.AddMessageIntegrity(key);
            writer.AddFingerprint();
        }));
        yield return ("binding-success", Stun(StunMessageType.BindingSuccessResponse, transaction, (ref StunMessageWriter writer) =>
        {
            writer.AddXorMappedAddress(PacketAddress.FromIPv4(0x7f000001, 50000));
            writer.AddMessageIntegrity(key);
            writer.AddFingerprint();
        }));
        yield return ("binding-error-487", Stun(StunMessageType.BindingErrorResponse, transaction, (ref StunMessageWriter writer) =>
        {
            writer.AddErrorCode(487, "Role Conflict"u8);
            writer.AddUnknownAttributes([0x0024, 0x8029]);
            writer.AddFingerprint();
        }));
        yield return ("binding-indication", Stun(StunMessageType.BindingIndication, transaction, (ref StunMessageWriter writer) => writer.AddFingerprint()));
    }

    private static byte[] Stun(StunMessageType type, StunTransactionId transaction, StunBodyAction body)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, type, transaction);
        body(ref writer);
        writer.TryComplete(out var written);
        return buffer[..written];
    }

    internal delegate void StunBodyAction(ref StunMessageWriter writer);

    private static IEnumerable<(string, byte[])> Rtp()
    {
        // VP8 keyframe start: descriptor (X, S, PID 0; I, 15-bit picture id) then the keyframe header.
        byte[] vp8 = [0x90, 0x80, 0x80, 0x01, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0x00, 0x00];
        // H.264 STAP-A with SPS + PPS, then an IDR slice.
        byte[] h264 = [0x18, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f, 0x00, 0x02, 0x68, 0xce, 0x00, 0x02, 0x65, 0x88];
        byte[] opus = [0x78, 0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x8d];
        yield return ("vp8-keyframe-chrome-extensions", Rtp(96, 1000, marker: true, vp8, (2, [0x12, 0x34, 0x56]), (3, [0x00, 0x2a]), (4, "0"u8.ToArray()), (10, "h"u8.ToArray())));
        yield return ("h264-stap-a-idr", Rtp(102, 2000, marker: true, h264, (3, [0x00, 0x2b])));
        yield return ("opus-audio-level", Rtp(111, 3000, marker: false, opus, (1, [0x80 | 30]), (3, [0x00, 0x2c])));
        yield return ("rtx-padding-only", Rtp(97, 4000, marker: false, [], (3, [0x00, 0x2d])));
        var twoByte = new byte[64];
        var writer = new RtpPacketWriter(twoByte, 96, 5000, 90000, 0x2222, marker: false, twoByteExtensions: true);
        writer.AddCsrc(0x3333);
        writer.AddExtension(20, new byte[17]);
        writer.TryComplete(vp8, 0, out var written);
        yield return ("vp8-two-byte-extensions-csrc", twoByte[..written]);
    }

    private static byte[] Rtp(byte payloadType, ushort sequence, bool marker, byte[] payload, params (int Id, byte[] Value)[] extensions)
    {
        var buffer = new byte[1500];
        var writer = new RtpPacketWriter(buffer, payloadType, sequence, sequence * 3000u, 0x11110000u + payloadType, marker);
        foreach (var (id, value) in extensions)
            writer.AddExtension(id, value);
        writer.TryComplete(payload, payload.Length == 0 ? 224 : 0, out var written);
        return buffer[..written];
    }

    private static IEnumerable<(string, byte[])> Rtcp()
    {
        RtcpReportBlock[] blocks = [new(0x1111, 12, 40, 70000, 300, 0x12345678, 6553)];
        yield return ("sr-sdes-compound", Concat(
            Write(new RtcpSenderReport(0x2222, 0xe1e2e3e4_00010000, 90000, 100, 120000, blocks)),
            Write(new RtcpSdes(0x2222, "chrome-cname-1234"u8))));
        yield return ("rr-remb-compound", Concat(
            Write(new RtcpReceiverReport(0x1, blocks)),
            Write(new RtcpRemb(0x1, 1_500_000, [0x2222, 0x3333]))));
        yield return ("nack", Write(new RtcpNack(0x1, 0x2222, [new RtcpNackItem(100, 0b1010), new RtcpNackItem(200, 0)])));
        yield return ("pli", Write(new RtcpPli(0x1, 0x2222)));
        yield return ("fir", Write(new RtcpFir(0x1, [new RtcpFirEntry(0x2222, 3)])));
        yield return ("bye", Write(new RtcpBye([0x2222, 0x3333], "leaving"u8)));
        var twcc = new RtcpTransportFeedbackBuilder();
        twcc.Reset(0x1, 0x2222, 7);
        for (ushort sequence = 10; sequence < 40; sequence++)
            if (sequence % 7 != 0)
                twcc.TryAddReceived(sequence, 1_000_000 + sequence * 2_500L + (sequence % 3) * 300);
        var buffer = new byte[1500];
        twcc.TryWrite(buffer, out var written);
        yield return ("transport-cc", buffer[..written]);
    }

    private static byte[] Write(RtcpSenderReport packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpReceiverReport packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpSdes packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpRemb packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpNack packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpPli packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpFir packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }

    private static byte[] Write(RtcpBye packet)
    {
        var buffer = new byte[packet.GetSerializedSize()];
        packet.TryWrite(buffer, out var written);
        return buffer[..written];
    }


    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static IEnumerable<(string, byte[])> Dtls()
    {
        // DTLS 1.2 ClientHello (RFC 6347 §4.2.2) as Chromium shapes it: ECDHE-ECDSA suites,
        // use_srtp (SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_SHA1_80), supported_groups, extended master secret.
        byte[] extensions =
        [
            0x00, 0x0e, 0x00, 0x07, 0x00, 0x04, 0x00, 0x07, 0x00, 0x01, 0x00, // use_srtp
            0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17,       // supported_groups
            0x00, 0x17, 0x00, 0x00,                                           // extended_master_secret
            0xff, 0x01, 0x00, 0x01, 0x00,                                     // renegotiation_info
        ];
        var body = new List<byte> { 0xfe, 0xfd };
        body.AddRange(Enumerable.Range(0, 32).Select(i => (byte)i)); // random
        body.Add(0x00); // session id
        body.Add(0x00); // cookie
        body.AddRange([0x00, 0x04, 0xc0, 0x2b, 0xc0, 0x0a]); // cipher suites
        body.AddRange([0x01, 0x00]); // compression
        body.AddRange([(byte)(extensions.Length >> 8), (byte)extensions.Length]);
        body.AddRange(extensions);
        var handshake = new List<byte> { 0x01, 0x00, (byte)(body.Count >> 8), (byte)body.Count, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        var clientHello = Record(22, epoch: 0, sequence: 0, handshake.ToArray());
        yield return ("client-hello-chrome", clientHello);
        var changeCipherSpec = Record(20, 0, 2, [0x01]);
        var finished = Record(22, 1, 0, Enumerable.Range(0, 40).Select(i => (byte)(i * 7)).ToArray());
        yield return ("ccs-finished-flight", Concat(changeCipherSpec, finished));
        yield return ("alert", Record(21, 1, 1, [0x02, 0x28]));
        yield return ("application-data", Record(23, 1, 2, new byte[48]));
    }

    private static byte[] Record(byte contentType, ushort epoch, ulong sequence, byte[] fragment)
    {
        var record = new byte[13 + fragment.Length];
        record[0] = contentType;
        record[1] = 0xfe;
        record[2] = 0xfd;
        record[3] = (byte)(epoch >> 8);
        record[4] = (byte)epoch;
        for (var i = 0; i < 6; i++)
            record[5 + i] = (byte)(sequence >> (8 * (5 - i)));
        record[11] = (byte)(fragment.Length >> 8);
        record[12] = (byte)fragment.Length;
        fragment.CopyTo(record, 13);
        return record;
    }

    private static IEnumerable<(string, byte[])> Sdp(string? repositoryRoot)
    {
        var directory = repositoryRoot is null ? null : Path.Combine(repositoryRoot, "Meet.Tests", "Fixtures", "Sdp");
        if (directory is not null && Directory.Exists(directory))
            foreach (var file in Directory.GetFiles(directory, "*.sdp").Order(StringComparer.Ordinal))
                yield return (Path.GetFileName(file), File.ReadAllBytes(file));
        yield return ("candidate-lines", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0\r\ncandidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active\r\n"u8.ToArray());
    }

    private static IEnumerable<(string, byte[])> Signaling(string? repositoryRoot)
    {
        var offer = repositoryRoot is not null && File.Exists(Path.Combine(repositoryRoot, "Meet.Tests", "Fixtures", "Sdp", "chrome-simulcast-offer.sdp"))
            ? File.ReadAllText(Path.Combine(repositoryRoot, "Meet.Tests", "Fixtures", "Sdp", "chrome-simulcast-offer.sdp"))
            : "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        HubMessage[] messages =
        [
            new InvocationMessage("1", "Join", ["Alice"]),
            new InvocationMessage("2", "PublisherOffer", [offer]),
            new InvocationMessage(null, "IceCandidate", ["publisher", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0]),
            new InvocationMessage("3", "Ping", [1733300000000L]),
            new InvocationMessage("4", "SubscriberAnswer", [offer, 2L]),
            new InvocationMessage("5", "GetRoster", []),
            new InvocationMessage(null, "SetMuted", ["audio", true]),
            PingMessage.Instance,
            new CloseMessage("bye"),
        ];
        byte[] handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
        yield return ("signalr-json-connection", Tagged(0, [.. handshake, .. Frames(new JsonHubProtocol(), messages)]));
        yield return ("signalr-messagepack-frames", Tagged(1, Frames(new MessagePackHubProtocol(), messages)));
        var first = new ClientMessage { MeetingId = "mtg-abcdef-1234-xyz", Token = "eyJhbGciOiJIUzI1NiJ9.e30.sig", DisplayName = "Alice",
            Sdp = new SessionDescription { Type = SessionDescription.Types.Type.Offer, SdpPlaintext = offer } };
        yield return ("grpc-first-message", Tagged(2, first.ToByteArray()));
        yield return ("grpc-candidate", Tagged(2, new ClientMessage { Candidate = new IceCandidate { CandidateSdp = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", SdpMid = "0" } }.ToByteArray()));
        yield return ("grpc-ping", Tagged(2, new ClientMessage { Ping = new Heartbeat { ClientTimestampMs = 1733300000000 } }.ToByteArray()));
    }

    private static byte[] Frames(IHubProtocol protocol, HubMessage[] messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
            protocol.WriteMessage(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Tagged(byte tag, byte[] body) => [tag, .. body];
}
