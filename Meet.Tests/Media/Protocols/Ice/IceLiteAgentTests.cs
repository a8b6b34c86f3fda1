using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;
using Meet.Tests.Media.Protocols.Stun;

namespace Meet.Tests.Media.Protocols.Ice;

public class IceLiteAgentTests
{
    private readonly IceCredentials _server = new("srvUfrag", "serverpasswordserverpass");
    private readonly IceCredentials _client = new("cli1", "clientpasswordclientpass");
    private readonly ManualTimeProvider _time = new();
    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseSize];

    private IceLiteAgent NewAgent() => new(_server, _client, _time);

    private string Username => $"{_server.Ufrag}:{_client.Ufrag}";

    private IceCheckResult Send(IceLiteAgent agent, byte[] request, PacketAddress from, out StunMessageSnapshot response)
    {
        var result = agent.HandleBindingRequest(request, from, _response, out var length);
        response = new StunMessageSnapshot(_response[..length]);
        return result;
    }

    [Test]
    public void Valid_check_is_answered_with_the_source_as_mapped_address_signed_with_the_local_password()
    {
        var agent = NewAgent();
        var request = IceTestPeer.Check(Username, _server.Password);

        Send(agent, request, IceTestPeer.Client, out var response).Should().Be(IceCheckResult.Answered);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.Type.Should().Be(StunMessageType.BindingSuccessResponse);
        StunMessage.TryParse(request, out var parsedRequest).Should().BeTrue();
        parsed.TransactionId.Should().Be(parsedRequest.TransactionId);
        parsed.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(IceTestPeer.Client);
        parsed.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(_server.Password)).Should().BeTrue();
        parsed.VerifyFingerprint().Should().BeTrue();
        agent.State.Should().Be(IceConnectionState.Checking);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [Test]
    public void Check_captured_from_chrome_is_answered_and_nominates()
    {
        var agent = new IceLiteAgent(new IceCredentials("uO5si1ua7cY4t8MM", StunMessageTests.ChromeBindingRequestPassword),
            new IceCredentials("Lw8/0C1CrvhZC1gb", "unknownremotepasswordxx"), _time);

        Send(agent, StunMessageTests.ChromeBindingRequest, IceTestPeer.Client, out var response)
            .Should().Be(IceCheckResult.Nominated);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(StunMessageTests.ChromeBindingRequestPassword))
            .Should().BeTrue();
        agent.State.Should().Be(IceConnectionState.Connected);
    }

    [Test]
    public void Use_candidate_nominates_the_source_as_selected_path()
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.Nominated);

        agent.State.Should().Be(IceConnectionState.Connected);
        agent.TryGetSelectedPath(out var path).Should().BeTrue();
        path.Should().Be(IceTestPeer.Client);
        agent.Counters.Nominations.Should().Be(1);
    }

    [Test]
    public void Demultiplexer_can_parse_once_find_the_agent_by_ufrag_and_hand_over_the_message()
    {
        var agents = new Dictionary<string, IceLiteAgent> { [_server.Ufrag] = NewAgent() };
        var packet = IceTestPeer.Check(Username, _server.Password, useCandidate: true);

        StunMessage.TryParse(packet, out var message).Should().BeTrue();
        message.TryGetUsername(out var username).Should().BeTrue();
        IceCredentials.TrySplitUsername(username, out var receiver, out _).Should().BeTrue();
        var agent = agents[Encoding.ASCII.GetString(receiver)];

        agent.HandleBindingRequest(message, IceTestPeer.Client, _response, out var length).Should().Be(IceCheckResult.Nominated);
        length.Should().BeGreaterThan(0);
    }

    [Test]
    public void Wrong_password_gets_401_without_integrity_and_is_counted()
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(Username, "wrongpasswordwrongpasswd", useCandidate: true), IceTestPeer.Client,
            out var response).Should().Be(IceCheckResult.Unauthorized);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.Type.Should().Be(StunMessageType.BindingErrorResponse);
        parsed.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(401);
        parsed.HasMessageIntegrity.Should().BeFalse();
        parsed.VerifyFingerprint().Should().BeTrue();
        agent.Counters.Unauthorized.Should().Be(1);
        agent.State.Should().Be(IceConnectionState.New);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [TestCase("srvUfrag:other")]
    [TestCase("other123:cli1")]
    [TestCase("srvUfragcli1")]
    [TestCase("cli1:srvUfrag")]
    public void Username_other_than_local_colon_remote_is_unauthorized(string username)
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(username, _server.Password), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.Unauthorized);
        agent.Counters.Unauthorized.Should().Be(1);
    }

    [Test]
    public void Any_remote_ufrag_is_accepted_before_the_remote_description_arrives()
    {
        var agent = new IceLiteAgent(_server, remote: null, _time);

        Send(agent, IceTestPeer.Check($"{_server.Ufrag}:anything", _server.Password), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.Answered);
    }

    [Test]
    public void Missing_priority_or_integrity_gets_400()
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(Username, _server.Password, priority: false), IceTestPeer.Client, out var response)
            .Should().Be(IceCheckResult.BadRequest);
        Send(agent, IceTestPeer.Check(Username, _server.Password, integrity: false), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.BadRequest);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(400);
        agent.Counters.BadRequests.Should().Be(2);
    }

    [Test]
    public void Check_without_fingerprint_is_dropped_silently()
    {
        var agent = NewAgent();

        agent.HandleBindingRequest(IceTestPeer.Check(Username, _server.Password, fingerprint: false), IceTestPeer.Client,
            _response, out var length).Should().Be(IceCheckResult.Dropped);

        length.Should().Be(0);
        agent.Counters.Dropped.Should().Be(1);
    }

    [Test]
    public void Unknown_comprehension_required_attribute_gets_420_listing_it()
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true, extraAttribute: 0x0030),
            IceTestPeer.Client, out var response).Should().Be(IceCheckResult.UnknownAttribute);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(420);
        parsed.TryGetAttribute(StunAttributeType.UnknownAttributes, out var unknown).Should().BeTrue();
        unknown.ToArray().Should().Equal(0x00, 0x30);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [Test]
    public void Unknown_comprehension_optional_attribute_is_ignored()
    {
        var agent = NewAgent();

        // 0xC057 is Chrome's GOOG-NETWORK-INFO.
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true, extraAttribute: 0xC057),
            IceTestPeer.Client, out _).Should().Be(IceCheckResult.Nominated);
    }

    [Test]
    public void Peer_claiming_the_controlled_role_gets_487_signed()
    {
        var agent = NewAgent();

        Send(agent, IceTestPeer.Check(Username, _server.Password, controlled: true), IceTestPeer.Client, out var response)
            .Should().Be(IceCheckResult.RoleConflict);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(487);
        parsed.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(_server.Password)).Should().BeTrue();
    }

    [Test]
    public void Path_expires_30_seconds_after_the_last_check_and_not_before()
    {
        var agent = NewAgent();
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _);

        // Consent checks every 20 s keep the path alive for a minute.
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(20));
            Send(agent, IceTestPeer.Check(Username, _server.Password), IceTestPeer.Client, out _)
                .Should().Be(IceCheckResult.Answered);
            agent.TryGetSelectedPath(out _).Should().BeTrue();
        }

        _time.Advance(TimeSpan.FromSeconds(29));
        agent.TryGetSelectedPath(out _).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(2));
        agent.TryGetSelectedPath(out _).Should().BeFalse();
        agent.State.Should().Be(IceConnectionState.Failed);
        agent.Counters.ConsentExpirations.Should().Be(1);
    }

    [Test]
    public void Checks_from_another_address_do_not_refresh_consent_of_the_selected_path()
    {
        var agent = NewAgent();
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _);

        _time.Advance(TimeSpan.FromSeconds(20));
        Send(agent, IceTestPeer.Check(Username, _server.Password), IceTestPeer.OtherClientPath, out _);
        _time.Advance(TimeSpan.FromSeconds(11));

        agent.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [Test]
    public void Restart_keeps_the_old_path_until_a_check_of_the_new_generation_nominates()
    {
        var agent = NewAgent();
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _);
        var newServer = new IceCredentials("srvNew01", "newserverpasswordnewserv");
        var newClient = new IceCredentials("cli2", "newclientpasswordnewclie");

        agent.Restart(newServer, newClient);

        agent.State.Should().Be(IceConnectionState.Restarting);
        agent.TryGetSelectedPath(out var during).Should().BeTrue();
        during.Should().Be(IceTestPeer.Client);

        // The browser still refreshes the old pair with the old generation: answered, but it cannot move media.
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.OtherClientPath, out _)
            .Should().Be(IceCheckResult.Answered);
        agent.TryGetSelectedPath(out during).Should().BeTrue();
        during.Should().Be(IceTestPeer.Client);

        // A plain check of the new generation from the new path does not switch either.
        var newUsername = $"{newServer.Ufrag}:{newClient.Ufrag}";
        Send(agent, IceTestPeer.Check(newUsername, newServer.Password), IceTestPeer.OtherClientPath, out _)
            .Should().Be(IceCheckResult.Answered);
        agent.TryGetSelectedPath(out during).Should().BeTrue();
        during.Should().Be(IceTestPeer.Client);

        Send(agent, IceTestPeer.Check(newUsername, newServer.Password, useCandidate: true), IceTestPeer.OtherClientPath,
            out var response).Should().Be(IceCheckResult.Nominated);

        StunMessage.TryParse(response.Bytes, out var parsed).Should().BeTrue();
        parsed.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(newServer.Password)).Should().BeTrue();
        agent.State.Should().Be(IceConnectionState.Connected);
        agent.TryGetSelectedPath(out var after).Should().BeTrue();
        after.Should().Be(IceTestPeer.OtherClientPath);
        // Once switched, the old generation is gone.
        Send(agent, IceTestPeer.Check(Username, _server.Password), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.Unauthorized);
    }

    [Test]
    public void Restart_we_offer_keeps_the_old_path_until_the_answerers_new_generation_nominates()
    {
        // The subscriber PC: we offer new credentials before we know the client's new ones (issue 15).
        var agent = NewAgent();
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _);
        var newServer = new IceCredentials("srvNew02", "newserverpasswordnewserv");
        var newClient = new IceCredentials("cli3", "newclientpasswordnewclie");

        agent.Restart(newServer, remote: null);

        agent.State.Should().Be(IceConnectionState.Restarting);
        // The old generation still refreshes consent on the old path, which still carries media.
        Send(agent, IceTestPeer.Check(Username, _server.Password), IceTestPeer.Client, out _).Should().Be(IceCheckResult.Answered);
        agent.TryGetSelectedPath(out var during).Should().BeTrue();
        during.Should().Be(IceTestPeer.Client);
        // A check signed with a wrong password for the new generation moves nothing.
        Send(agent, IceTestPeer.Check($"{newServer.Ufrag}:{newClient.Ufrag}", "wrongpasswordwrongpasswo", useCandidate: true),
            IceTestPeer.OtherClientPath, out _).Should().Be(IceCheckResult.Unauthorized);
        agent.TryGetSelectedPath(out during).Should().BeTrue();
        during.Should().Be(IceTestPeer.Client);

        // The client's checks may beat its answer (signaling is slower than loopback UDP): our new password decides.
        Send(agent, IceTestPeer.Check($"{newServer.Ufrag}:{newClient.Ufrag}", newServer.Password, useCandidate: true),
            IceTestPeer.OtherClientPath, out _).Should().Be(IceCheckResult.Nominated);
        agent.SetRemoteCredentials(newClient);

        agent.TryGetSelectedPath(out var after).Should().BeTrue();
        after.Should().Be(IceTestPeer.OtherClientPath);
        Send(agent, IceTestPeer.Check($"{newServer.Ufrag}:cliX", newServer.Password), IceTestPeer.OtherClientPath, out _)
            .Should().Be(IceCheckResult.Unauthorized, "once the answer arrived, only the client's new ufrag is accepted");
    }

    [Test]
    public void Restart_after_consent_failure_allows_a_new_nomination()
    {
        var agent = NewAgent();
        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _);
        _time.Advance(TimeSpan.FromSeconds(31));
        agent.TryGetSelectedPath(out _).Should().BeFalse();
        var newServer = new IceCredentials("srvNew01", "newserverpasswordnewserv");

        agent.Restart(newServer, _client);

        agent.State.Should().Be(IceConnectionState.New);
        Send(agent, IceTestPeer.Check($"{newServer.Ufrag}:{_client.Ufrag}", newServer.Password, useCandidate: true),
            IceTestPeer.Client, out _).Should().Be(IceCheckResult.Nominated);
        agent.State.Should().Be(IceConnectionState.Connected);
    }

    [Test]
    public void Closed_agent_drops_everything()
    {
        var agent = NewAgent();
        agent.Close();

        Send(agent, IceTestPeer.Check(Username, _server.Password, useCandidate: true), IceTestPeer.Client, out _)
            .Should().Be(IceCheckResult.Dropped);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
    }

    [Test]
    public void Truncated_check_at_every_length_is_dropped_without_a_response()
    {
        var agent = NewAgent();
        var request = IceTestPeer.Check(Username, _server.Password, useCandidate: true);

        for (var length = 0; length < request.Length; length++)
        {
            agent.HandleBindingRequest(request.AsSpan(0, length), IceTestPeer.Client, _response, out var written)
                .Should().Be(IceCheckResult.Dropped);
            written.Should().Be(0);
        }
        agent.State.Should().Be(IceConnectionState.New);
    }

    [Test]
    public void Answering_a_check_allocates_nothing()
    {
        var agent = NewAgent();
        var request = IceTestPeer.Check(Username, _server.Password, useCandidate: true);
        for (var i = 0; i < 100; i++)
            agent.HandleBindingRequest(request, IceTestPeer.Client, _response, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            agent.HandleBindingRequest(request, IceTestPeer.Client, _response, out _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        var agent = NewAgent();
        agent.HandleBindingRequest(bytes, IceTestPeer.Client, _response, out _);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));

    // A ref struct cannot escape the helper, so responses travel as bytes.
    private readonly record struct StunMessageSnapshot(byte[] Bytes);
}
