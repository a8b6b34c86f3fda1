using System.Collections.Concurrent;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class DtlsEndpointTests
{
    [TestCase(DtlsSrtpProfile.AeadAes128Gcm, 16, 12)]
    [TestCase(DtlsSrtpProfile.Aes128CmHmacSha1_80, 16, 14)]
    public async Task Client_and_server_derive_identical_srtp_keys(DtlsSrtpProfile profile, int keyLength, int saltLength)
    {
        using var pair = DtlsTestPair.Create(client: o => WithProfiles(o, profile));

        var (client, server) = await pair.HandshakeAsync();

        client.Succeeded.Should().BeTrue(client.ToString());
        server.Succeeded.Should().BeTrue(server.ToString());
        client.Keys!.Profile.Should().Be(profile);
        server.Keys!.Profile.Should().Be(profile);
        client.Keys.ExportedBlock.Length.Should().Be(2 * (keyLength + saltLength));
        client.Keys.ExportedBlock.ToArray().Should().Equal(server.Keys.ExportedBlock.ToArray());
        client.Keys.ClientMasterKey.Length.Should().Be(keyLength);
        client.Keys.ClientMasterSalt.Length.Should().Be(saltLength);
        // What the client protects with is what the server unprotects with, and the two directions differ.
        client.Keys.GetLocalMasterKey(DtlsRole.Client).ToArray().Should().Equal(server.Keys.GetRemoteMasterKey(DtlsRole.Server).ToArray());
        client.Keys.GetLocalMasterSalt(DtlsRole.Client).ToArray().Should().Equal(server.Keys.GetRemoteMasterSalt(DtlsRole.Server).ToArray());
        client.Keys.ClientMasterKey.ToArray().Should().NotEqual(client.Keys.ServerMasterKey.ToArray());
        pair.Client.State.Should().Be(DtlsState.Connected);
        pair.Server.State.Should().Be(DtlsState.Connected);
    }

    [Test]
    public async Task Gcm_is_chosen_when_both_sides_offer_both_profiles()
    {
        using var pair = DtlsTestPair.Create(
            client: o => WithProfiles(o, DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsSrtpProfile.AeadAes128Gcm));

        var (client, server) = await pair.HandshakeAsync();

        server.Keys!.Profile.Should().Be(DtlsSrtpProfile.AeadAes128Gcm);
        client.Keys!.Profile.Should().Be(DtlsSrtpProfile.AeadAes128Gcm);
    }

    [Test]
    public async Task Peer_fingerprints_are_reported_on_success()
    {
        using var pair = DtlsTestPair.Create();

        var (client, server) = await pair.HandshakeAsync();

        client.PeerFingerprint.Should().Be(DtlsTestPair.ServerCertificate.Fingerprint);
        server.PeerFingerprint.Should().Be(DtlsTestPair.ClientCertificate.Fingerprint);
    }

    [Test]
    public async Task Server_rejects_a_client_certificate_that_does_not_match_the_signalled_fingerprint()
    {
        DtlsFingerprint other = DtlsTestPair.NewCertificate().Fingerprint;
        using var pair = DtlsTestPair.Create(server: o => WithRemote(o, other));

        var (client, server) = await pair.HandshakeAsync();

        server.FailureReason.Should().Be(DtlsFailureReason.FingerprintMismatch);
        server.Detail.Should().Contain(other.ToString());
        server.Keys.Should().BeNull();
        client.Succeeded.Should().BeFalse();
        pair.Server.State.Should().Be(DtlsState.Failed);
    }

    [Test]
    public async Task Client_rejects_a_server_certificate_that_does_not_match_the_signalled_fingerprint()
    {
        DtlsFingerprint other = DtlsTestPair.NewCertificate().Fingerprint;
        using var pair = DtlsTestPair.Create(client: o => WithRemote(o, other));

        var (client, server) = await pair.HandshakeAsync();

        client.FailureReason.Should().Be(DtlsFailureReason.FingerprintMismatch);
        client.Keys.Should().BeNull();
        server.Succeeded.Should().BeFalse();
        server.FailureReason.Should().Be(DtlsFailureReason.PeerAlert);
        server.Detail.Should().Contain("bad_certificate");
    }

    [Test]
    public async Task Any_of_several_signalled_fingerprints_is_accepted()
    {
        DtlsFingerprint sha512 = DtlsFingerprint.Compute("sha-512", DtlsTestPair.ClientCertificate.DerEncoded.Span);
        using var pair = DtlsTestPair.Create(server: o => WithRemote(o, DtlsTestPair.NewCertificate().Fingerprint, sha512));

        var (_, server) = await pair.HandshakeAsync();

        server.Succeeded.Should().BeTrue(server.ToString());
        server.PeerFingerprint.Should().Be(sha512);
    }

    [Test]
    public async Task Handshake_without_a_common_srtp_profile_fails_with_that_reason()
    {
        using var pair = DtlsTestPair.Create(
            client: o => WithProfiles(o, DtlsSrtpProfile.Aes128CmHmacSha1_80),
            server: o => WithProfiles(o, DtlsSrtpProfile.AeadAes128Gcm));

        var (client, server) = await pair.HandshakeAsync();

        server.FailureReason.Should().Be(DtlsFailureReason.NoCommonSrtpProfile);
        client.Succeeded.Should().BeFalse();
    }

    [TestCase(DtlsRole.Client)]
    [TestCase(DtlsRole.Server)]
    public async Task Handshake_times_out_when_the_peer_is_silent(DtlsRole role)
    {
        int sent = 0;
        using var endpoint = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = role,
                Certificate = DtlsTestPair.ClientCertificate,
                RemoteFingerprints = [DtlsTestPair.ServerCertificate.Fingerprint],
                HandshakeTimeout = TimeSpan.FromMilliseconds(300),
            },
            _ => Interlocked.Increment(ref sent));

        DtlsHandshakeResult result = await endpoint.Start().WaitAsync(TimeSpan.FromSeconds(30));

        result.FailureReason.Should().Be(DtlsFailureReason.Timeout);
        endpoint.State.Should().Be(DtlsState.Failed);
        if (role == DtlsRole.Client)
        {
            sent.Should().BeGreaterThan(0, "the client sends its ClientHello before it waits");
        }
    }

    [Test]
    public async Task Lost_flights_are_retransmitted_until_the_handshake_completes()
    {
        // Drop the client's first ClientHello and the server's first flight: only BouncyCastle's
        // retransmission timer, driven by the queue's receive timeouts, can recover.
        using var pair = DtlsTestPair.Create(deliver: (sender, index) => index != 0);

        var (client, server) = await pair.HandshakeAsync();

        client.Succeeded.Should().BeTrue(client.ToString());
        server.Succeeded.Should().BeTrue(server.ToString());
        client.Keys!.ExportedBlock.ToArray().Should().Equal(server.Keys!.ExportedBlock.ToArray());
    }

    [Test]
    public async Task A_lost_final_flight_is_resent_when_the_peer_retransmits_its_own_through_the_post_handshake_filter()
    {
        // The server's first ChangeCipherSpec + Finished never arrive. It already holds keys, so from then
        // on the client's datagrams pass WebRtcTransport's post-handshake filter, as on the SFU; the
        // client's retransmitted final flight must get through it whole for the server to answer again.
        var serverDone = 0;
        var droppedFinalFlight = 0;
        DtlsEndpoint? server = null;
        var clientOptions = new DtlsEndpointOptions
        {
            Role = DtlsRole.Client,
            Certificate = DtlsTestPair.ClientCertificate,
            RemoteFingerprints = [DtlsTestPair.ServerCertificate.Fingerprint],
        };
        var serverOptions = new DtlsEndpointOptions
        {
            Role = DtlsRole.Server,
            Certificate = DtlsTestPair.ServerCertificate,
            RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint],
        };
        using var client = new DtlsEndpoint(clientOptions, d =>
        {
            var datagram = Volatile.Read(ref serverDone) == 1 ? DtlsFinalFlightFilter.KeepFinalFlight(d) : d.ToArray();
            if (datagram.Length > 0)
                server!.Feed(datagram);
        });
        server = new DtlsEndpoint(serverOptions, d =>
        {
            // Content type 20 (ChangeCipherSpec) or anything at epoch 1: the server's final flight.
            var finalFlight = d[0] == 20 || (d.Length > 4 && (d[3] != 0 || d[4] != 0));
            if (finalFlight && Volatile.Read(ref serverDone) == 0)
            {
                Interlocked.Increment(ref droppedFinalFlight);
                return;
            }
            client.Feed(d);
        });
        using var serverToDispose = server;
        var serverResult = server.Start();
        _ = serverResult.ContinueWith(_ => Volatile.Write(ref serverDone, 1), TaskScheduler.Default);
        var clientResult = client.Start();

        var results = await Task.WhenAll(clientResult, serverResult).WaitAsync(TimeSpan.FromSeconds(30));

        droppedFinalFlight.Should().BePositive("the server's first final flight was lost");
        results[1].Succeeded.Should().BeTrue(results[1].ToString());
        results[0].Succeeded.Should().BeTrue($"the server resends its final flight when the client's comes again: {results[0]}");
    }

    [Test]
    public void The_post_handshake_filter_keeps_handshake_records_and_strips_the_rest()
    {
        byte[] Record(byte type, ushort epoch, byte first) =>
            [type, 0xFE, 0xFD, (byte)(epoch >> 8), (byte)epoch, 0, 0, 0, 0, 0, 1, 0, 1, first];
        var certificate = Record(22, 0, 11);
        var finished = Record(22, 1, 20);
        var clientHello = Record(22, 0, 1);
        var changeCipherSpec = Record(20, 0, 1);
        var alert = Record(21, 1, 2);
        var applicationData = Record(23, 1, 9);

        DtlsFinalFlightFilter.KeepFinalFlight([.. certificate, .. changeCipherSpec, .. finished]).Should().Equal([.. certificate, .. finished]);
        DtlsFinalFlightFilter.KeepFinalFlight([.. clientHello, .. alert, .. applicationData]).Should().BeEmpty();
        DtlsFinalFlightFilter.KeepFinalFlight([.. finished, 22, 0xFE]).Should().Equal(finished, "a truncated trailing record is dropped");
    }

    [Test]
    public async Task Datagrams_fed_before_start_are_kept_for_the_handshake()
    {
        // The browser's ClientHello can arrive before the SFU has processed the answer and started DTLS.
        using var pair = DtlsTestPair.Create();
        Task<DtlsHandshakeResult> client = pair.Client.Start();
        SpinWait.SpinUntil(() => pair.Server.Counters.DatagramsFed > 0, TimeSpan.FromSeconds(10)).Should().BeTrue();

        Task<DtlsHandshakeResult> server = pair.Server.Start();

        (await server.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded.Should().BeTrue();
        (await client.WaitAsync(TimeSpan.FromSeconds(30))).Succeeded.Should().BeTrue();
    }

    [Test]
    public async Task Application_data_passes_both_ways_after_the_handshake()
    {
        var atServer = new BlockingCollection<byte[]>();
        var atClient = new BlockingCollection<byte[]>();
        using var pair = DtlsTestPair.Create(
            client: o => WithData(o, d => atClient.Add(d.ToArray())),
            server: o => WithData(o, d => atServer.Add(d.ToArray())));
        await pair.HandshakeAsync();

        pair.Client.TrySend("hello server"u8).Should().BeTrue();
        pair.Server.TrySend("hello client"u8).Should().BeTrue();

        atServer.TryTake(out byte[]? s, TimeSpan.FromSeconds(10)).Should().BeTrue();
        atClient.TryTake(out byte[]? c, TimeSpan.FromSeconds(10)).Should().BeTrue();
        s.Should().Equal("hello server"u8.ToArray());
        c.Should().Equal("hello client"u8.ToArray());
        pair.Server.Counters.ApplicationRecordsReceived.Should().Be(1);
        pair.Client.Counters.ApplicationRecordsSent.Should().Be(1);
    }

    [Test]
    public async Task A_foreign_client_hello_on_an_established_association_is_ignored_and_counted()
    {
        var atServer = new BlockingCollection<byte[]>();
        var strangerHellos = new ConcurrentQueue<byte[]>();
        using var pair = DtlsTestPair.Create(server: o => WithData(o, d => atServer.Add(d.ToArray())));
        await pair.HandshakeAsync();
        // A second client's first flight, captured from a real (never answered) handshake attempt.
        using var stranger = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Client,
                Certificate = DtlsTestPair.NewCertificate(),
                RemoteFingerprints = [DtlsTestPair.ServerCertificate.Fingerprint],
                HandshakeTimeout = TimeSpan.FromSeconds(5),
            },
            d => strangerHellos.Enqueue(d.ToArray()));
        _ = stranger.Start();
        byte[]? hello = null;
        SpinWait.SpinUntil(() => strangerHellos.TryDequeue(out hello), TimeSpan.FromSeconds(10)).Should().BeTrue();

        pair.Server.Feed(hello).Should().BeFalse();

        pair.Server.Counters.IgnoredClientHellos.Should().Be(1);
        pair.Server.State.Should().Be(DtlsState.Connected);
        pair.Client.TrySend("still here"u8).Should().BeTrue();
        atServer.TryTake(out byte[]? data, TimeSpan.FromSeconds(10)).Should().BeTrue();
        data.Should().Equal("still here"u8.ToArray());
    }

    [Test]
    public async Task A_throwing_application_data_callback_fails_only_this_association()
    {
        using var pair = DtlsTestPair.Create(server: o => WithData(o, _ => throw new InvalidOperationException("consumer bug")));
        await pair.HandshakeAsync();

        pair.Client.TrySend("boom"u8).Should().BeTrue();

        SpinWait.SpinUntil(() => pair.Server.State == DtlsState.Failed, TimeSpan.FromSeconds(10)).Should().BeTrue();
        pair.Server.TrySend("x"u8).Should().BeFalse();
    }

    [Test]
    public async Task Random_datagrams_during_the_handshake_end_it_with_a_typed_result()
    {
        var random = new Random(7);
        using var server = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Server,
                Certificate = DtlsTestPair.ServerCertificate,
                RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint],
                HandshakeTimeout = TimeSpan.FromMilliseconds(500),
            },
            _ => { });
        Task<DtlsHandshakeResult> completion = server.Start();

        for (int i = 0; i < 500 && !completion.IsCompleted; i++)
        {
            byte[] datagram = new byte[random.Next(1, 300)];
            random.NextBytes(datagram);
            // Mostly well-formed headers (handshake, DTLS 1.0/1.2, epoch 0) so the engine parses the garbage.
            datagram[0] = (byte)random.Next(20, 26);
            if (datagram.Length > 13)
            {
                datagram[1] = 0xfe;
                datagram[2] = random.Next(2) == 0 ? (byte)0xff : (byte)0xfd;
                datagram[3] = 0;
                datagram[4] = 0;
                datagram[11] = (byte)((datagram.Length - 13) >> 8);
                datagram[12] = (byte)(datagram.Length - 13);
            }

            server.Feed(datagram);
        }

        DtlsHandshakeResult result = await completion.WaitAsync(TimeSpan.FromSeconds(30));

        result.Succeeded.Should().BeFalse();
        result.FailureReason.Should().BeOneOf(DtlsFailureReason.Timeout, DtlsFailureReason.ProtocolError);
        server.State.Should().Be(DtlsState.Failed);
    }

    [Test]
    public void Non_dtls_datagrams_are_refused_and_counted()
    {
        using var endpoint = new DtlsEndpoint(
            new DtlsEndpointOptions { Role = DtlsRole.Server, Certificate = DtlsTestPair.ServerCertificate, RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint] },
            _ => { });

        // 0x00 0x01: a STUN binding request's first bytes (RFC 7983 demultiplexing range 0..3).
        endpoint.Feed([0x00, 0x01, 0x00, 0x00]).Should().BeFalse();
        endpoint.Feed([]).Should().BeFalse();

        endpoint.Counters.DroppedNotDtls.Should().Be(2);
    }

    [Test]
    public void Datagrams_beyond_the_queue_capacity_are_dropped_and_counted()
    {
        using var endpoint = new DtlsEndpoint(
            new DtlsEndpointOptions
            {
                Role = DtlsRole.Server,
                Certificate = DtlsTestPair.ServerCertificate,
                RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint],
                ReceiveQueueCapacity = 2,
            },
            _ => { });
        byte[] record = new byte[20];
        record[0] = 22;

        // Not started, so nothing drains the queue.
        endpoint.Feed(record).Should().BeTrue();
        endpoint.Feed(record).Should().BeTrue();
        endpoint.Feed(record).Should().BeFalse();

        endpoint.Counters.DroppedQueueFull.Should().Be(1);
    }

    [Test]
    public async Task Disposing_during_the_handshake_completes_it_as_closed()
    {
        var endpoint = new DtlsEndpoint(
            new DtlsEndpointOptions { Role = DtlsRole.Server, Certificate = DtlsTestPair.ServerCertificate, RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint] },
            _ => { });
        Task<DtlsHandshakeResult> completion = endpoint.Start();

        endpoint.Dispose();

        (await completion.WaitAsync(TimeSpan.FromSeconds(10))).FailureReason.Should().Be(DtlsFailureReason.Closed);
        endpoint.State.Should().Be(DtlsState.Closed);
        endpoint.TrySend("x"u8).Should().BeFalse();
    }

    [Test]
    public async Task Peer_close_notify_closes_the_association()
    {
        using var pair = DtlsTestPair.Create();
        await pair.HandshakeAsync();

        pair.Client.Dispose();

        SpinWait.SpinUntil(() => pair.Server.State == DtlsState.Closed, TimeSpan.FromSeconds(10)).Should().BeTrue();
    }

    [Test]
    public void Starting_twice_is_a_programming_error()
    {
        using var endpoint = new DtlsEndpoint(
            new DtlsEndpointOptions { Role = DtlsRole.Server, Certificate = DtlsTestPair.ServerCertificate, RemoteFingerprints = [DtlsTestPair.ClientCertificate.Fingerprint] },
            _ => { });
        endpoint.Start();

        FluentActions.Invoking(() => { endpoint.Start(); }).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void Options_without_remote_fingerprints_are_rejected()
    {
        var options = new DtlsEndpointOptions { Role = DtlsRole.Server, Certificate = DtlsTestPair.ServerCertificate, RemoteFingerprints = [] };

        FluentActions.Invoking(() => new DtlsEndpoint(options, _ => { })).Should().Throw<ArgumentException>();
    }

    private static DtlsEndpointOptions WithProfiles(DtlsEndpointOptions o, params DtlsSrtpProfile[] profiles) => Copy(o, profiles: profiles);

    private static DtlsEndpointOptions WithRemote(DtlsEndpointOptions o, params DtlsFingerprint[] remote) => Copy(o, remote: remote);

    private static DtlsEndpointOptions WithData(DtlsEndpointOptions o, DtlsApplicationDataCallback callback) => Copy(o, data: callback);

    private static DtlsEndpointOptions Copy(
        DtlsEndpointOptions o, DtlsSrtpProfile[]? profiles = null, DtlsFingerprint[]? remote = null, DtlsApplicationDataCallback? data = null) => new()
    {
        Role = o.Role,
        Certificate = o.Certificate,
        RemoteFingerprints = remote ?? o.RemoteFingerprints,
        SrtpProfiles = profiles ?? o.SrtpProfiles,
        HandshakeTimeout = o.HandshakeTimeout,
        ApplicationDataReceived = data ?? o.ApplicationDataReceived,
    };
}
