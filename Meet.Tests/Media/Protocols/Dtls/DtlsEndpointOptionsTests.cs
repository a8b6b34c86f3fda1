using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
public sealed class DtlsEndpointOptionsTests
{
    [Test]
    public void Defaults_prefer_gcm_and_bound_the_handshake()
    {
        var options = Valid();

        options.SrtpProfiles.Should().Equal(DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80);
        options.HandshakeTimeout.Should().BePositive();
        FluentActions.Invoking(options.Validate).Should().NotThrow();
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        DtlsEndpointOptions v = Valid();
        yield return new TestCaseData(Copy(v, remote: [])).SetName("No_remote_fingerprint_is_rejected");
        yield return new TestCaseData(Copy(v, profiles: [])).SetName("No_srtp_profile_is_rejected");
        yield return new TestCaseData(Copy(v, profiles: [(DtlsSrtpProfile)0x0002])).SetName("Unsupported_profile_is_rejected");
        yield return new TestCaseData(Copy(v, timeout: TimeSpan.Zero)).SetName("Zero_timeout_is_rejected");
        yield return new TestCaseData(Copy(v, timeout: TimeSpan.FromHours(1))).SetName("Unbounded_timeout_is_rejected");
        yield return new TestCaseData(Copy(v, mtu: 100)).SetName("Tiny_datagram_size_is_rejected");
        yield return new TestCaseData(Copy(v, capacity: 0)).SetName("Zero_queue_capacity_is_rejected");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void Invalid_options_are_a_programming_error(DtlsEndpointOptions options)
    {
        FluentActions.Invoking(options.Validate).Should().Throw<ArgumentException>();
    }

    private static DtlsEndpointOptions Valid() => new()
    {
        Role = DtlsRole.Server,
        Certificate = DtlsTestPair.ServerCertificate,
        RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint],
    };

    private static DtlsEndpointOptions Copy(
        DtlsEndpointOptions o, DtlsFingerprint[]? remote = null, DtlsSrtpProfile[]? profiles = null, TimeSpan? timeout = null, int? mtu = null, int? capacity = null) => new()
    {
        Role = o.Role,
        Certificate = o.Certificate,
        RemoteFingerprints = remote ?? o.RemoteFingerprints,
        SrtpProfiles = profiles ?? o.SrtpProfiles,
        HandshakeTimeout = timeout ?? o.HandshakeTimeout,
        MaxDatagramSize = mtu ?? o.MaxDatagramSize,
        ReceiveQueueCapacity = capacity ?? o.ReceiveQueueCapacity,
    };
}
