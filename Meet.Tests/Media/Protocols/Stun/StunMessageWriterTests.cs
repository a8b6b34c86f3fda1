using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Stun;

public class StunMessageWriterTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(StunMessageTests.Rfc5769Password);

    [Test]
    public void Rebuilt_rfc5769_ipv4_response_matches_the_vector_byte_for_byte()
    {
        // The vector pads SOFTWARE with a space (0x20); we pad with zeros (RFC 8489 §14 allows
        // any value), so rebuild it with a 12-byte SOFTWARE value ending in the space instead.
        StunMessage.TryParse(StunMessageTests.Rfc5769Ipv4Response, out var vector).Should().BeTrue();
        vector.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        var buffer = new byte[256];

        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, vector.TransactionId);
        writer.AddSoftware("test vector "u8);
        writer.AddXorMappedAddress(mapped);
        writer.AddMessageIntegrity(Password);
        writer.AddFingerprint();
        writer.TryComplete(out var written).Should().BeTrue();

        var expected = (byte[])StunMessageTests.Rfc5769Ipv4Response.Clone();
        expected[23] = 12; // SOFTWARE length 11 -> 12: only the declared length differs, so the MAC must too
        buffer.AsSpan(0, 24).ToArray().Should().Equal(expected.AsSpan(0, 24).ToArray());
        buffer.AsSpan(24, 12 + 12).ToArray().Should().Equal(expected.AsSpan(24, 24).ToArray());
        written.Should().Be(expected.Length);
    }

    [Test]
    public void Response_with_integrity_and_fingerprint_verifies_for_ipv4_and_ipv6()
    {
        foreach (var endPoint in new[] { "192.0.2.1:32853", "[2001:db8:1234:5678:11:2233:4455:6677]:32853" })
        {
            var address = PacketAddress.FromEndPoint(IPEndPoint.Parse(endPoint));
            var buffer = new byte[256];
            var transaction = StunTransactionId.NewRandom();
            var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccessResponse, transaction);
            writer.AddXorMappedAddress(address);
            writer.AddMessageIntegrity(Password);
            writer.AddFingerprint();
            writer.TryComplete(out var written).Should().BeTrue();

            StunMessage.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
            parsed.TransactionId.Should().Be(transaction);
            parsed.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
            mapped.Should().Be(address);
            parsed.VerifyMessageIntegrity(Password).Should().BeTrue();
            parsed.VerifyFingerprint().Should().BeTrue();
        }
    }

    [Test]
    public void Error_response_carries_code_and_reason()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, StunTransactionId.NewRandom());
        writer.AddErrorCode(487, "Role Conflict"u8);
        writer.AddFingerprint();
        writer.TryComplete(out var written).Should().BeTrue();

        StunMessage.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.Type.Should().Be(StunMessageType.BindingErrorResponse);
        parsed.TryGetErrorCode(out var code, out var reason).Should().BeTrue();
        code.Should().Be(487);
        Encoding.UTF8.GetString(reason).Should().Be("Role Conflict");
        parsed.VerifyFingerprint().Should().BeTrue();
    }

    [Test]
    public void Too_small_buffer_fails_at_every_size_without_throwing()
    {
        var full = new byte[256];
        var size = Build(full);
        for (var length = 0; length < size; length++)
            Build(new byte[length]).Should().Be(-1, $"buffer of {length}");

        static int Build(Span<byte> buffer)
        {
            var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, default);
            writer.AddUsername("abcd:efgh"u8);
            writer.AddPriority(1);
            writer.AddIceControlling(7);
            writer.AddUseCandidate();
            writer.AddMessageIntegrity("pwd"u8);
            writer.AddFingerprint();
            return writer.TryComplete(out var written) ? written : -1;
        }
    }

    [Test]
    public void Request_round_trips() => Prop.ForAll<byte[], uint, ulong>((username, priority, tieBreaker) =>
    {
        var useCandidate = (priority & 1) != 0;
        var controlling = (tieBreaker & 1) != 0;
        username = username.Length > 500 ? username[..500] : username;
        var buffer = new byte[1024];
        var transaction = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transaction);
        writer.AddUsername(username);
        writer.AddPriority(priority);
        if (controlling) writer.AddIceControlling(tieBreaker); else writer.AddIceControlled(tieBreaker);
        if (useCandidate) writer.AddUseCandidate();
        writer.AddMessageIntegrity(Password);
        writer.AddFingerprint();
        writer.TryComplete(out var written).Should().BeTrue();

        StunMessage.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.TransactionId.Should().Be(transaction);
        parsed.TryGetUsername(out var parsedUsername).Should().BeTrue();
        parsedUsername.ToArray().Should().Equal(username);
        parsed.TryGetPriority(out var parsedPriority).Should().BeTrue();
        parsedPriority.Should().Be(priority);
        (controlling ? parsed.TryGetIceControlling(out var tb) : parsed.TryGetIceControlled(out tb)).Should().BeTrue();
        tb.Should().Be(tieBreaker);
        parsed.HasUseCandidate.Should().Be(useCandidate);
        parsed.VerifyMessageIntegrity(Password).Should().BeTrue();
        parsed.VerifyFingerprint().Should().BeTrue();
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
