using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Stun;

public class StunMessageTests
{
    // RFC 5769 §2.1 sample request (short-term credential, password below). Padding bytes are 0x20.
    internal static readonly byte[] Rfc5769Request = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "80220010" + "5354554e20746573" + "7420636c69656e74" +
        "00240004" + "6e0001ff" +
        "80290008" + "932ff9b151263b36" +
        "00060009" + "6576746a3a683676" + "59202020" +
        "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
        "80280004" + "e57a3bcf");

    internal const string Rfc5769Password = "VOkJxbRl1RmTxUk/WvJxBt";

    // RFC 5769 §2.2 sample IPv4 response: 192.0.2.1:32853.
    internal static readonly byte[] Rfc5769Ipv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" +
        "00200008" + "0001a147e112a643" +
        "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004" + "c07d4c96");

    // RFC 5769 §2.3 sample IPv6 response: [2001:db8:1234:5678:11:2233:4455:6677]:32853.
    internal static readonly byte[] Rfc5769Ipv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" +
        "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004" + "c8fb0b4c");

    // RFC 5769 §2.4 sample request with long-term authentication (no FINGERPRINT).
    private static readonly byte[] Rfc5769LongTermRequest = Convert.FromHexString(
        "000100602112a44278ad3433c6ad72c029da412e" +
        "00060012" + "e3839ee38388e383aae38383e382afe382b90000" +
        "0015001c" + "662f2f3439396b39353464364f4c33346f4c39465354767936347341" +
        "0014000b" + "6578616d706c652e6f726700" +
        "00080014" + "f67024656dd64a3e02b8e0712e85c9a28ca89666");

    // A binding request Chrome sent on the wire, as published in SIPSorcery's STUN unit tests
    // (TestMessageIntegrityAttributeForBindingRequest), with the receiver's ICE password.
    // USERNAME "uO5si1ua7cY4t8MM:Lw8/0C1CrvhZC1gb", ICE-CONTROLLING, USE-CANDIDATE, PRIORITY.
    internal static readonly byte[] ChromeBindingRequest = Convert.FromHexString(
        "000100602112a4426964382b4c4544574d316430" +
        "00060021" + "754f3573693175613763593474384d4d3a4c77382f304331437276685a43316762" + "000000" +
        "802a0008" + "c03df51340f42246" +
        "00250000" +
        "00240004" + "6e7f1eff" +
        "00080014" + "558269de1755cc662923e67dec876c073ad67815" +
        "80280004" + "1cae892e");

    internal const string ChromeBindingRequestPassword = "r89XhWC9k2kW4Pns75vmwHIa";

    // Chrome's success response to a check (same source): XOR-MAPPED-ADDRESS 192.168.33.125:49608.
    private static readonly byte[] ChromeBindingResponse = Convert.FromHexString(
        "0101002c2112a4426a45382b4e5a4b5064317038" +
        "00200008" + "0001e0dae1ba853f" +
        "00080014" + "243724a0052d8897cea64e9069f639077db16e71" +
        "80280004" + "de6a05ac");

    [Test]
    public void Chrome_binding_request_captured_on_the_wire_verifies()
    {
        StunMessage.TryParse(ChromeBindingRequest, out var message).Should().BeTrue();

        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.ASCII.GetString(username).Should().Be("uO5si1ua7cY4t8MM:Lw8/0C1CrvhZC1gb");
        message.TryGetIceControlling(out var tieBreaker).Should().BeTrue();
        tieBreaker.Should().Be(0xc03df51340f42246);
        message.HasUseCandidate.Should().BeTrue();
        message.TryGetPriority(out var priority).Should().BeTrue();
        priority.Should().Be(0x6e7f1eff);
        message.VerifyFingerprint().Should().BeTrue();
        message.VerifyMessageIntegrity(Key(ChromeBindingRequestPassword)).Should().BeTrue();
    }

    [Test]
    public void Chrome_binding_response_yields_the_mapped_address_and_its_fingerprint_verifies()
    {
        StunMessage.TryParse(ChromeBindingResponse, out var message).Should().BeTrue();

        message.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(PacketAddress.FromEndPoint(IPEndPoint.Parse("192.168.33.125:49608")));
        message.VerifyFingerprint().Should().BeTrue();
    }

    private static byte[] Key(string password) => Encoding.UTF8.GetBytes(password);

    [Test]
    public void Rfc5769_request_parses_and_its_integrity_and_fingerprint_verify()
    {
        StunMessage.TryParse(Rfc5769Request, out var message).Should().BeTrue();

        message.Type.Should().Be(StunMessageType.BindingRequest);
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.UTF8.GetString(username).Should().Be("evtj:h6vY");
        message.TryGetPriority(out var priority).Should().BeTrue();
        priority.Should().Be(0x6e0001ff);
        message.TryGetIceControlled(out var tieBreaker).Should().BeTrue();
        tieBreaker.Should().Be(0x932ff9b151263b36);
        message.TryGetIceControlling(out _).Should().BeFalse();
        message.HasUseCandidate.Should().BeFalse();
        message.VerifyFingerprint().Should().BeTrue();
        message.VerifyMessageIntegrity(Key(Rfc5769Password)).Should().BeTrue();
    }

    [Test]
    public void Rfc5769_request_fails_integrity_with_the_wrong_password()
    {
        StunMessage.TryParse(Rfc5769Request, out var message).Should().BeTrue();

        message.VerifyMessageIntegrity(Key("VOkJxbRl1RmTxUk/WvJxBu")).Should().BeFalse();
    }

    [Test]
    public void Rfc5769_ipv4_response_yields_the_mapped_address()
    {
        StunMessage.TryParse(Rfc5769Ipv4Response, out var message).Should().BeTrue();

        message.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));
        message.VerifyFingerprint().Should().BeTrue();
        message.VerifyMessageIntegrity(Key(Rfc5769Password)).Should().BeTrue();
    }

    [Test]
    public void Rfc5769_ipv6_response_yields_the_mapped_address()
    {
        StunMessage.TryParse(Rfc5769Ipv6Response, out var message).Should().BeTrue();

        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(PacketAddress.FromEndPoint(
            new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853)));
        message.VerifyFingerprint().Should().BeTrue();
        message.VerifyMessageIntegrity(Key(Rfc5769Password)).Should().BeTrue();
    }

    [Test]
    public void Rfc5769_long_term_request_verifies_with_the_md5_key()
    {
        StunMessage.TryParse(Rfc5769LongTermRequest, out var message).Should().BeTrue();
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.UTF8.GetString(username).Should().Be("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
        message.TryGetAttribute(StunAttributeType.Realm, out var realm).Should().BeTrue();
        var key = new byte[StunLongTermCredential.KeySize];

        // "The<U+00AD>M<U+00AA>tr<U+2168>" is "TheMatrIX" after SASLprep (RFC 5769 §2.4).
        StunLongTermCredential.ComputeKey(username, realm, "TheMatrIX"u8, key);

        message.VerifyMessageIntegrity(key).Should().BeTrue();
        message.HasFingerprint.Should().BeFalse();
        message.VerifyFingerprint().Should().BeFalse();
    }

    [Test]
    public void A_flipped_bit_anywhere_in_the_request_breaks_fingerprint_or_integrity()
    {
        for (var i = 0; i < Rfc5769Request.Length * 8; i++)
        {
            var copy = (byte[])Rfc5769Request.Clone();
            copy[i / 8] ^= (byte)(1 << (i % 8));
            if (!StunMessage.TryParse(copy, out var message))
                continue;
            (message.VerifyFingerprint() && message.VerifyMessageIntegrity(Key(Rfc5769Password)))
                .Should().BeFalse($"bit {i} was flipped");
        }
    }

    [Test]
    public void Verifying_a_check_allocates_nothing()
    {
        var key = Key(Rfc5769Password);
        var verified = 0;
        for (var i = 0; i < 100; i++)
            verified += Verify(Rfc5769Request, key) ? 1 : 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            verified += Verify(Rfc5769Request, key) ? 1 : 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        verified.Should().Be(200);

        static bool Verify(byte[] packet, byte[] key) =>
            StunMessage.TryParse(packet, out var message) && message.VerifyFingerprint() && message.VerifyMessageIntegrity(key);
    }

    [Test]
    public void Truncated_message_at_every_length_is_rejected()
    {
        foreach (var vector in new[] { Rfc5769Request, Rfc5769Ipv4Response, Rfc5769Ipv6Response, Rfc5769LongTermRequest, ChromeBindingRequest, ChromeBindingResponse })
        {
            for (var length = 0; length < vector.Length; length++)
                StunMessage.TryParse(vector.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
        }
    }

    [Test]
    public void Attribute_after_fingerprint_is_rejected()
    {
        var bytes = Rfc5769Request.Concat(Convert.FromHexString("00250000")).ToArray();
        bytes[3] += 4;

        StunMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Test]
    public void Non_stun_first_bytes_are_not_classified_as_stun()
    {
        StunMessage.IsStun(Rfc5769Request).Should().BeTrue();
        var rtp = (byte[])Rfc5769Request.Clone();
        rtp[0] = 0x80;
        StunMessage.IsStun(rtp).Should().BeFalse();
        var dtls = (byte[])Rfc5769Request.Clone();
        dtls[0] = 22;
        StunMessage.IsStun(dtls).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        if (StunMessage.TryParse(bytes, out var message))
        {
            message.VerifyFingerprint();
            message.VerifyMessageIntegrity("key"u8);
            message.TryGetXorMappedAddress(out _);
            message.TryGetErrorCode(out _, out _);
            message.TryGetUsername(out _);
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));

    [Test]
    public void Random_bytes_behind_a_valid_header_never_throw() => Prop.ForAll<byte[]>(body =>
    {
        // Random bytes rarely pass the cookie check, so put a valid header in front of them.
        var padded = body.Take(body.Length & ~3).ToArray();
        var bytes = new byte[20 + padded.Length];
        Rfc5769Request.AsSpan(0, 20).CopyTo(bytes);
        bytes[2] = (byte)(padded.Length >> 8);
        bytes[3] = (byte)padded.Length;
        padded.CopyTo(bytes, 20);
        if (StunMessage.TryParse(bytes, out var message))
        {
            message.VerifyFingerprint();
            message.VerifyMessageIntegrity("key"u8);
            message.TryGetXorMappedAddress(out _);
            message.TryGetErrorCode(out _, out _);
            message.TryGetAttribute(StunAttributeType.Software, out _);
            Span<ushort> unknown = stackalloc ushort[4];
            message.CopyUnknownComprehensionRequired(unknown);
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
