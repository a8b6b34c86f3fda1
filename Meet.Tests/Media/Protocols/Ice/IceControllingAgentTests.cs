using System.Net;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Ice;

// The client's controlling agent against the server's ICE-lite agent, in process: packets are
// handed across by a tiny in-memory "network" that can drop them.
public class IceControllingAgentTests
{
    private static readonly PacketAddress ServerV4 = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.1:3478"));
    private static readonly PacketAddress ServerV6 = PacketAddress.FromEndPoint(IPEndPoint.Parse("[::1]:3478"));
    private static readonly PacketAddress ClientV4 = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.1:50000"));
    private static readonly PacketAddress ClientV6 = PacketAddress.FromEndPoint(IPEndPoint.Parse("[::1]:50000"));

    private readonly ManualTimeProvider _time = new();
    private readonly IceCredentials _serverCredentials = IceCredentials.Generate();
    private readonly IceCredentials _clientCredentials = IceCredentials.Generate();
    private readonly byte[] _packet = new byte[512];
    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseSize];
    private IceLiteAgent _server = null!;
    private IceControllingAgent _client = null!;
    private int _checksDelivered;

    [SetUp]
    public void SetUp()
    {
        _server = new IceLiteAgent(_serverCredentials, _clientCredentials, _time);
        _client = new IceControllingAgent(_clientCredentials, _serverCredentials, _time);
        _client.AddLocalCandidate(ClientV4);
        _client.AddRemoteCandidate(IceCandidate.CreateHost("1", ServerV4, IceTransportProtocol.Udp));
    }

    // Runs the exchange for the given simulated time in 10 ms steps; the filter decides what is lost.
    private void Run(TimeSpan duration, Func<PacketAddress, bool>? deliverToServer = null, bool deliverResponses = true)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromMilliseconds(10))
        {
            while (_client.TryPollTransmit(_packet, out var length, out var local, out var remote))
            {
                if (deliverToServer is not null && !deliverToServer(remote))
                    continue;
                var serverAddress = remote;
                var result = _server.HandleBindingRequest(_packet.AsSpan(0, length), local, _response, out var responseLength);
                _checksDelivered++;
                if (result != IceCheckResult.Dropped && deliverResponses)
                    _client.HandleResponse(_response.AsSpan(0, responseLength), local, serverAddress);
            }
            _time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    [Test]
    public void Client_and_server_select_the_same_path()
    {
        Run(TimeSpan.FromSeconds(1));

        _client.State.Should().Be(IceConnectionState.Connected);
        _server.State.Should().Be(IceConnectionState.Connected);
        _client.TryGetSelectedPair(out var local, out var remote).Should().BeTrue();
        local.Should().Be(ClientV4);
        remote.Should().Be(ServerV4);
        _server.TryGetSelectedPath(out var path).Should().BeTrue();
        path.Should().Be(ClientV4);
    }

    [Test]
    public void Highest_priority_pair_of_several_is_nominated_by_both()
    {
        _client.AddLocalCandidate(ClientV6);
        _client.AddRemoteCandidate(IceCandidate.CreateHost("2", ServerV6, IceTransportProtocol.Udp, localPreference: 65534));

        Run(TimeSpan.FromSeconds(1));

        _client.TryGetSelectedPair(out var local, out var remote).Should().BeTrue();
        (local, remote).Should().Be((ClientV4, ServerV4));
        _server.TryGetSelectedPath(out var path).Should().BeTrue();
        path.Should().Be(ClientV4);
        _server.Counters.Nominations.Should().Be(1);
    }

    [Test]
    public void Lost_checks_are_retransmitted_until_one_gets_through()
    {
        var sent = 0;
        Run(TimeSpan.FromSeconds(3), _ => ++sent > 2);

        _client.Counters.Retransmissions.Should().BeGreaterThanOrEqualTo(2);
        _client.State.Should().Be(IceConnectionState.Connected);
    }

    [Test]
    public void Pair_fails_after_the_last_retransmission_goes_unanswered()
    {
        Run(TimeSpan.FromSeconds(60), _ => false);

        _client.State.Should().Be(IceConnectionState.Failed);
        _client.Counters.Retransmissions.Should().Be(new IceControllingAgentOptions().MaxTransmissions - 1);
    }

    [Test]
    public void Wrong_remote_password_fails_the_pair_on_the_401()
    {
        var wrong = new IceCredentials(_serverCredentials.Ufrag, "wrongpasswordwrongpasswd");
        _client = new IceControllingAgent(_clientCredentials, wrong, _time);
        _client.AddLocalCandidate(ClientV4);
        _client.AddRemoteCandidate(IceCandidate.CreateHost("1", ServerV4, IceTransportProtocol.Udp));

        Run(TimeSpan.FromSeconds(1));

        _client.State.Should().Be(IceConnectionState.Failed);
        _server.Counters.Unauthorized.Should().BeGreaterThan(0);
        _server.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [Test]
    public void Consent_checks_keep_both_sides_connected_for_minutes()
    {
        Run(TimeSpan.FromSeconds(120));

        _client.State.Should().Be(IceConnectionState.Connected);
        _server.State.Should().Be(IceConnectionState.Connected);
        // One check, one nomination, then roughly one consent check per 5 s.
        _checksDelivered.Should().BeInRange(2 + 120 / 6, 2 + 120 / 4 + 1);
    }

    [Test]
    public void Both_sides_fail_when_the_path_goes_silent_for_30_seconds()
    {
        Run(TimeSpan.FromSeconds(1));
        _client.State.Should().Be(IceConnectionState.Connected);

        Run(TimeSpan.FromSeconds(29), _ => false);
        _client.TryGetSelectedPair(out _, out _).Should().BeTrue();
        Run(TimeSpan.FromSeconds(2), _ => false);

        _client.State.Should().Be(IceConnectionState.Failed);
        _server.TryGetSelectedPath(out _).Should().BeFalse();
        _server.State.Should().Be(IceConnectionState.Failed);
    }

    [Test]
    public void Unanswered_consent_checks_mark_the_pair_disconnected_come_faster_and_clear_on_the_next_answer()
    {
        Run(TimeSpan.FromSeconds(1));
        Run(TimeSpan.FromSeconds(12));
        _client.IsDisconnected.Should().BeFalse("every consent check was answered");

        // Silent from now on: the next scheduled check (within 6 s) goes unanswered, then the disconnected
        // threshold (2.5 s) passes; meanwhile checks go every 0.5 s ± 20 % instead of every 5 s.
        var checks = 0;
        Run(TimeSpan.FromSeconds(6), _ => { checks++; return false; });
        var firstUnanswered = checks;
        Run(TimeSpan.FromSeconds(2), _ => { checks++; return false; });
        checks.Should().BeGreaterThanOrEqualTo(firstUnanswered + 3, "unanswered checks are repeated every 0.4–0.6 s");
        Run(TimeSpan.FromSeconds(1), _ => false);
        _client.IsDisconnected.Should().BeTrue("a consent check has been unanswered for more than 2.5 s");
        _client.State.Should().Be(IceConnectionState.Connected, "consent is not lost before 30 s");

        Run(TimeSpan.FromSeconds(1));
        _client.IsDisconnected.Should().BeFalse("the next answered check clears it");
    }

    [Test]
    public void Ice_restart_moves_both_sides_to_the_new_generation_without_a_gap()
    {
        Run(TimeSpan.FromSeconds(1));
        var newServer = IceCredentials.Generate();
        var newClient = IceCredentials.Generate();

        _server.Restart(newServer, newClient);
        _client.Restart(newClient, newServer);
        _server.TryGetSelectedPath(out var during).Should().BeTrue();
        _client.TryGetSelectedPair(out _, out _).Should().BeTrue();

        Run(TimeSpan.FromSeconds(1));

        _client.State.Should().Be(IceConnectionState.Connected);
        _server.State.Should().Be(IceConnectionState.Connected);
        _server.TryGetSelectedPath(out var after).Should().BeTrue();
        after.Should().Be(during);
        _server.Counters.Nominations.Should().Be(2);
    }

    [Test]
    public void Responses_from_a_different_address_than_the_check_went_to_are_ignored()
    {
        Run(TimeSpan.FromMilliseconds(5), _ => false);
        _client.TryPollTransmit(_packet, out _, out _, out _);
        _time.Advance(TimeSpan.FromSeconds(1));
        _client.TryPollTransmit(_packet, out var length, out var local, out _).Should().BeTrue();
        _server.HandleBindingRequest(_packet.AsSpan(0, length), local, _response, out var responseLength);

        _client.HandleResponse(_response.AsSpan(0, responseLength), local, ServerV6).Should().Be(IceResponseResult.Ignored);
        _client.HandleResponse(_response.AsSpan(0, responseLength), local, ServerV4).Should().Be(IceResponseResult.Succeeded);
    }

    [Test]
    public void Check_from_a_full_peer_is_answered_and_its_source_becomes_a_peer_reflexive_pair()
    {
        var peer = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.9:40000"));
        var check = IceTestPeer.Check($"{_clientCredentials.Ufrag}:{_serverCredentials.Ufrag}", _clientCredentials.Password,
            controlled: true);

        _client.HandleBindingRequest(check, ClientV4, peer, _response, out var length).Should().BeTrue();

        StunMessage.TryParse(_response.AsSpan(0, length), out var response).Should().BeTrue();
        response.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        response.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(peer);
        response.VerifyMessageIntegrity(System.Text.Encoding.ASCII.GetBytes(_clientCredentials.Password)).Should().BeTrue();
        var destinations = new List<PacketAddress>();
        for (var i = 0; i < 20; i++)
        {
            while (_client.TryPollTransmit(_packet, out _, out _, out var remote))
                destinations.Add(remote);
            _time.Advance(TimeSpan.FromMilliseconds(50));
        }
        destinations.Should().Contain(peer);
    }

    [Test]
    public void Check_from_a_peer_claiming_control_gets_487_and_wrong_credentials_get_nothing()
    {
        var peer = PacketAddress.FromEndPoint(IPEndPoint.Parse("127.0.0.9:40000"));
        var username = $"{_clientCredentials.Ufrag}:{_serverCredentials.Ufrag}";

        _client.HandleBindingRequest(IceTestPeer.Check(username, _clientCredentials.Password), ClientV4, peer, _response,
            out var length).Should().BeTrue();
        StunMessage.TryParse(_response.AsSpan(0, length), out var response).Should().BeTrue();
        response.Type.Should().Be(StunMessageType.BindingErrorResponse);
        response.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(487);

        _client.HandleBindingRequest(IceTestPeer.Check(username, "wrongpasswordwrongpasswd"), ClientV4, peer, _response, out _)
            .Should().BeFalse();
        _client.HandleBindingRequest(IceTestPeer.Check("nope:" + _serverCredentials.Ufrag, _clientCredentials.Password),
            ClientV4, peer, _response, out _).Should().BeFalse();
    }

    [Test]
    public void Candidate_of_another_family_or_tcp_is_not_paired()
    {
        _client.AddRemoteCandidate(IceCandidate.CreateHost("3", ServerV4.WithPort(443), IceTransportProtocol.Tcp))
            .Should().BeFalse();
        _client.AddRemoteCandidate(IceCandidate.CreateHost("4", ServerV6, IceTransportProtocol.Udp)).Should().BeTrue();

        var families = new List<bool>();
        Run(TimeSpan.FromSeconds(1), remote => { families.Add(remote.IsIPv4); return true; });

        _client.State.Should().Be(IceConnectionState.Connected);
        families.Should().OnlyContain(isIPv4 => isIPv4);
    }
}
