using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpSessionTests
{
    [TestCase(SrtpProtectionProfile.AeadAes128Gcm)]
    [TestCase(SrtpProtectionProfile.AesCm128HmacSha1_80)]
    public void Dtls_client_and_server_sessions_from_one_export_talk_to_each_other(SrtpProtectionProfile profile)
    {
        var exported = Enumerable.Range(0, SrtpKeyingMaterial.GetDtlsExportLength(profile)).Select(i => (byte)(i * 3)).ToArray();
        using var client = SrtpSession.FromDtlsExport(profile, exported, isDtlsClient: true);
        using var server = SrtpSession.FromDtlsExport(profile, exported, isDtlsClient: false);

        Transfer(client, server, SrtpTestData.Rtp(1, 0xAAAA, 120));
        Transfer(server, client, SrtpTestData.Rtp(1, 0xBBBB, 120));
        TransferRtcp(client, server, SrtpTestData.Rtcp(0xAAAA));
        TransferRtcp(server, client, SrtpTestData.Rtcp(0xBBBB));
    }

    [Test]
    public void A_session_does_not_accept_its_own_packets()
    {
        var exported = new byte[SrtpKeyingMaterial.GetDtlsExportLength(SrtpProtectionProfile.AeadAes128Gcm)];
        Random.Shared.NextBytes(exported);
        using var session = SrtpSession.FromDtlsExport(SrtpProtectionProfile.AeadAes128Gcm, exported, isDtlsClient: true);
        var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtp(1, 1, 50));
        session.TryProtectRtp(buffer, 62, out int length, out _).Should().BeTrue();

        session.TryUnprotectRtp(buffer, length, out _, out var error).Should().BeFalse();

        error.Should().Be(SrtpError.AuthenticationFailed);
    }

    [Test]
    public void Directions_with_different_profiles_are_refused()
    {
        var act = () => new SrtpSession(
            SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm), SrtpTestData.Keys(SrtpProtectionProfile.AesCm128HmacSha1_80));

        act.Should().Throw<ArgumentException>();
    }

    private static void Transfer(SrtpSession from, SrtpSession to, byte[] rtp)
    {
        var buffer = SrtpTestData.WithRoom(rtp);
        from.TryProtectRtp(buffer, rtp.Length, out int length, out var error).Should().BeTrue(error.ToString());
        length.Should().Be(rtp.Length + from.RtpOverhead);
        to.TryUnprotectRtp(buffer, length, out int plain, out error).Should().BeTrue(error.ToString());
        buffer.AsSpan(0, plain).ToArray().Should().Equal(rtp);
    }

    private static void TransferRtcp(SrtpSession from, SrtpSession to, byte[] rtcp)
    {
        var buffer = SrtpTestData.WithRoom(rtcp);
        from.TryProtectRtcp(buffer, rtcp.Length, out int length, out var error).Should().BeTrue(error.ToString());
        length.Should().Be(rtcp.Length + from.RtcpOverhead);
        to.TryUnprotectRtcp(buffer, length, out int plain, out error).Should().BeTrue(error.ToString());
        buffer.AsSpan(0, plain).ToArray().Should().Equal(rtcp);
    }
}
