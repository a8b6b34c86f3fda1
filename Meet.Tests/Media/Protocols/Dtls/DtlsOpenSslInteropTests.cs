using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Protocols.Dtls;

// An independent implementation agrees: OpenSSL's s_server / s_client on loopback complete a DTLS-SRTP
// handshake with our endpoint, and the keying material OpenSSL exports equals ours byte for byte.
// The endpoint is bridged to a real UDP socket on 127.0.0.1, as the packet engine will do.
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DtlsOpenSslInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [TestCase("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, 60)]
    [TestCase("SRTP_AEAD_AES_128_GCM", DtlsSrtpProfile.AeadAes128Gcm, 56)]
    public async Task Our_client_and_openssl_s_server_export_the_same_keys(string opensslProfile, DtlsSrtpProfile profile, int length)
    {
        var dir = TempDirectory.Create("meet-dtls-");
        DtlsFingerprint opensslFingerprint = CreateOpenSslCertificate(dir);
        int port = FreeUdpPort();
        using var server = OpenSslProcess.Start(
            dir, "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-cert", "cert.pem", "-key", "key.pem",
            "-use_srtp", opensslProfile, "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", length.ToString(),
            "-verify", "1", "-naccept", "1");
        (await server.WaitForOutputAsync("ACCEPT", Deadline)).Should().BeTrue(server.Output);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        using var client = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Client,
                Certificate = DtlsTestPair.ClientCertificate,
                RemoteFingerprints = [opensslFingerprint],
                HandshakeTimeout = Deadline,
            },
            d => socket.Send(d));
        using var pump = new CancellationTokenSource();
        Task pumping = PumpAsync(socket, client, remote: null, pump.Token);

        DtlsHandshakeResult result = await client.Start().WaitAsync(Deadline);
        (await server.WaitForOutputAsync("Keying material:", Deadline)).Should().BeTrue(server.Output);
        pump.Cancel();
        await pumping;

        result.Succeeded.Should().BeTrue(result + "\n" + server.Output);
        result.Keys!.Profile.Should().Be(profile);
        server.ExportedKeyingMaterial().Should().Equal(result.Keys.ExportedBlock.ToArray());
        // OpenSSL printed our certificate's subject: it received and checked the client certificate.
        server.Output.Should().Contain("CN = meet");
    }

    [TestCase("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, 60)]
    [TestCase("SRTP_AEAD_AES_128_GCM", DtlsSrtpProfile.AeadAes128Gcm, 56)]
    public async Task Openssl_s_client_and_our_server_export_the_same_keys(string opensslProfile, DtlsSrtpProfile profile, int length)
    {
        var dir = TempDirectory.Create("meet-dtls-");
        DtlsFingerprint opensslFingerprint = CreateOpenSslCertificate(dir);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var remote = new RemoteHolder();
        using var server = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Server,
                Certificate = DtlsTestPair.ServerCertificate,
                RemoteFingerprints = [opensslFingerprint],
                HandshakeTimeout = Deadline,
            },
            d => socket.SendTo(d, SocketFlags.None, remote.EndPoint!));
        using var pump = new CancellationTokenSource();
        Task pumping = PumpAsync(socket, server, remote, pump.Token);
        Task<DtlsHandshakeResult> handshake = server.Start();

        using var client = OpenSslProcess.Start(
            dir, "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{port}", "-cert", "cert.pem", "-key", "key.pem",
            "-use_srtp", opensslProfile, "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", length.ToString());
        DtlsHandshakeResult result = await handshake.WaitAsync(Deadline);
        (await client.WaitForOutputAsync("Keying material:", Deadline)).Should().BeTrue(client.Output);
        pump.Cancel();
        await pumping;

        result.Succeeded.Should().BeTrue(result + "\n" + client.Output);
        result.Keys!.Profile.Should().Be(profile);
        result.PeerFingerprint.Should().Be(opensslFingerprint);
        client.ExportedKeyingMaterial().Should().Equal(result.Keys.ExportedBlock.ToArray());
    }

    [Test]
    public async Task Openssl_s_client_with_an_unsignalled_certificate_is_rejected()
    {
        var dir = TempDirectory.Create("meet-dtls-");
        CreateOpenSslCertificate(dir);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var remote = new RemoteHolder();
        using var server = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Server,
                Certificate = DtlsTestPair.ServerCertificate,
                RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint],
                HandshakeTimeout = Deadline,
            },
            d => socket.SendTo(d, SocketFlags.None, remote.EndPoint!));
        using var pump = new CancellationTokenSource();
        Task pumping = PumpAsync(socket, server, remote, pump.Token);
        Task<DtlsHandshakeResult> handshake = server.Start();

        using var client = OpenSslProcess.Start(
            dir, "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{port}", "-cert", "cert.pem", "-key", "key.pem",
            "-use_srtp", "SRTP_AES128_CM_SHA1_80");
        DtlsHandshakeResult result = await handshake.WaitAsync(Deadline);
        pump.Cancel();
        await pumping;

        result.FailureReason.Should().Be(DtlsFailureReason.FingerprintMismatch);
        (await client.WaitForOutputAsync("bad certificate", Deadline)).Should().BeTrue(client.Output);
    }

    private static DtlsFingerprint CreateOpenSslCertificate(string dir)
    {
        OpenSslProcess.Run(
            dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=openssl", "-days", "1");
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "cert.pem")));
        return DtlsFingerprint.Compute("sha-256", certificate.RawData);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static async Task PumpAsync(Socket socket, DtlsEndpoint endpoint, RemoteHolder? remote, CancellationToken cancellation)
    {
        byte[] buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                SocketReceiveFromResult received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellation);
                if (remote is not null)
                {
                    remote.EndPoint ??= received.RemoteEndPoint;
                }

                endpoint.Feed(buffer.AsSpan(0, received.ReceivedBytes));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable surfaces on the next receive of a connected UDP socket; retransmission copes.
            }
        }
    }

    private sealed class RemoteHolder
    {
        public EndPoint? EndPoint { get; set; }
    }
}
