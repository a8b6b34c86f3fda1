using System.Diagnostics.CodeAnalysis;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Protocols.Ice;

// The server side of ICE: ICE-lite (RFC 8445 §2.5), always controlled. It never sends checks; it
// answers the browser's, nominates the path the browser marks with USE-CANDIDATE, and expires the
// path when consent checks stop (RFC 7675). It owns no socket: bytes in, bytes out.
internal sealed class IceLiteAgent
{
    public static readonly TimeSpan DefaultConsentTimeout = TimeSpan.FromSeconds(30);

    // Largest response we write: IPv6 XOR-MAPPED-ADDRESS or an error, each with integrity and fingerprint.
    public const int MaxResponseSize = 128;

    private static ReadOnlySpan<byte> Software => "meet"u8;

    private readonly TimeProvider _time;
    private readonly TimeSpan _consentTimeout;
    private IceCredentials _local;
    private IceCredentials? _remote;
    // During a restart the previous generation is still honoured for consent on the old path,
    // because the browser keeps refreshing the old pair with the old credentials until it switches.
    private IceCredentials? _previousLocal;
    private IceCredentials? _previousRemote;
    private PacketAddress _selectedPath;
    private long _lastConsentTimestamp;

    public IceLiteAgent(IceCredentials local, IceCredentials? remote, TimeProvider time, TimeSpan? consentTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(time);
        _local = local;
        _remote = remote;
        _time = time;
        _consentTimeout = consentTimeout ?? DefaultConsentTimeout;
    }

    public IceConnectionState State { get; private set; } = IceConnectionState.New;

    public IceAgentCounters Counters { get; } = new();

    public IceCredentials LocalCredentials => _local;

    // Called when the remote description arrives after the first checks (the server may offer first).
    public void SetRemoteCredentials(IceCredentials remote) => _remote = remote;

    // The path media is sent on. Checks consent lazily so the send path needs no timer.
    public bool TryGetSelectedPath(out PacketAddress path)
    {
        CheckConsent();
        path = _selectedPath;
        return State is IceConnectionState.Connected or IceConnectionState.Restarting;
    }

    // RFC 7675 §5.1: without consent for the timeout, stop sending. A lite agent sends no checks of
    // its own, so an authenticated check arriving from the selected path is what refreshes consent.
    public void CheckConsent()
    {
        if (State is not (IceConnectionState.Connected or IceConnectionState.Restarting))
            return;
        if (_time.GetElapsedTime(_lastConsentTimestamp) <= _consentTimeout)
            return;
        Counters.ConsentExpirations++;
        _selectedPath = default;
        TransitionTo(IceConnectionState.Failed);
    }

    // RFC 8445 §9: new credentials at once; the old selected path keeps carrying media until the
    // browser nominates a pair of the new generation.
    // remote is null when we are the offerer (the subscriber PeerConnection): the peer's new credentials
    // come with its answer (SetRemoteCredentials); until then any sender ufrag is accepted, and the
    // integrity check with our new password still proves the check comes from whoever got our offer.
    public void Restart(IceCredentials local, IceCredentials? remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        CheckConsent();
        _previousLocal = State == IceConnectionState.Connected ? _local : _previousLocal;
        _previousRemote = State == IceConnectionState.Connected ? _remote : _previousRemote;
        _local = local;
        _remote = remote;
        TransitionTo(State is IceConnectionState.Connected or IceConnectionState.Restarting
            ? IceConnectionState.Restarting
            : IceConnectionState.New);
    }

    public void Close()
    {
        _selectedPath = default;
        TransitionTo(IceConnectionState.Closed);
    }

    public IceCheckResult HandleBindingRequest(ReadOnlySpan<byte> packet, PacketAddress source, Span<byte> response,
        out int responseLength)
    {
        if (!StunMessage.TryParse(packet, out var request))
        {
            responseLength = 0;
            return Drop();
        }
        return HandleBindingRequest(request, source, response, out responseLength);
    }

    // For a demultiplexer that already parsed the message to find this agent by its ufrag
    // (IceCredentials.TrySplitUsername), so the packet is parsed once.
    public IceCheckResult HandleBindingRequest(StunMessage request, PacketAddress source, Span<byte> response,
        out int responseLength)
    {
        responseLength = 0;
        if (State == IceConnectionState.Closed || request.Type != StunMessageType.BindingRequest || !request.VerifyFingerprint())
            return Drop();
        CheckConsent();

        if (!request.TryGetUsername(out var username) || !request.HasMessageIntegrity || !request.TryGetPriority(out _))
        {
            Counters.BadRequests++;
            return Error(request, 400, "Bad Request"u8, null, response, ref responseLength, IceCheckResult.BadRequest);
        }

        var generation = Authenticate(request, username);
        if (generation is null)
        {
            Counters.Unauthorized++;
            return Error(request, 401, "Unauthorized"u8, null, response, ref responseLength, IceCheckResult.Unauthorized);
        }

        if (request.HasUnknownComprehensionRequired)
        {
            Counters.BadRequests++;
            Span<ushort> unknown = stackalloc ushort[8];
            var count = request.CopyUnknownComprehensionRequired(unknown);
            var writer = new StunMessageWriter(response, StunMessageType.BindingErrorResponse, request.TransactionId);
            writer.AddErrorCode(420, "Unknown Attribute"u8);
            writer.AddUnknownAttributes(unknown[..count]);
            writer.AddMessageIntegrity(generation.Key);
            writer.AddFingerprint();
            return writer.TryComplete(out responseLength) ? IceCheckResult.UnknownAttribute : Drop();
        }

        if (request.TryGetIceControlled(out _))
        {
            Counters.RoleConflicts++;
            return Error(request, 487, "Role Conflict"u8, generation, response, ref responseLength, IceCheckResult.RoleConflict);
        }

        if (!TryWriteSuccess(request, source, generation, response, out responseLength))
            return Drop();
        Counters.ChecksAnswered++;

        var currentGeneration = ReferenceEquals(generation, _local);
        if (source == _selectedPath)
            _lastConsentTimestamp = _time.GetTimestamp();
        if (State == IceConnectionState.New)
            TransitionTo(IceConnectionState.Checking);

        // Only a check of the current generation may move media (RFC 8445 §9: restart switches
        // once the new generation is nominated).
        if (request.HasUseCandidate && currentGeneration && State != IceConnectionState.Failed)
        {
            var changed = source != _selectedPath || State != IceConnectionState.Connected;
            _selectedPath = source;
            _lastConsentTimestamp = _time.GetTimestamp();
            _previousLocal = null;
            _previousRemote = null;
            TransitionTo(IceConnectionState.Connected);
            if (changed)
            {
                Counters.Nominations++;
                return IceCheckResult.Nominated;
            }
        }
        return IceCheckResult.Answered;
    }

    // Returns the local credentials the check was signed with, or null when it matches neither the
    // current generation nor (during a restart) the previous one.
    private IceCredentials? Authenticate(StunMessage request, ReadOnlySpan<byte> username)
    {
        if (Matches(request, username, _local, _remote))
            return _local;
        if (_previousLocal is not null && Matches(request, username, _previousLocal, _previousRemote))
            return _previousLocal;
        return null;
    }

    private static bool Matches(StunMessage request, ReadOnlySpan<byte> username, IceCredentials local, IceCredentials? remote)
    {
        if (!IceCredentials.TrySplitUsername(username, out var receiver, out var sender)
            || !receiver.SequenceEqual(local.UfragBytes))
            return false;
        // Before the remote description arrives any sender ufrag is accepted; integrity still holds.
        if (remote is not null && !sender.SequenceEqual(remote.UfragBytes))
            return false;
        return request.VerifyMessageIntegrity(local.Key);
    }

    private IceCheckResult Drop()
    {
        Counters.Dropped++;
        return IceCheckResult.Dropped;
    }

    private static bool TryWriteSuccess(StunMessage request, PacketAddress source, IceCredentials local, Span<byte> response,
        out int written)
    {
        var writer = new StunMessageWriter(response, StunMessageType.BindingSuccessResponse, request.TransactionId);
        writer.AddXorMappedAddress(source);
        writer.AddMessageIntegrity(local.Key);
        writer.AddFingerprint();
        return writer.TryComplete(out written);
    }

    private IceCheckResult Error(StunMessage request, int code, ReadOnlySpan<byte> reason, IceCredentials? signWith,
        Span<byte> response, ref int written, IceCheckResult result)
    {
        var writer = new StunMessageWriter(response, StunMessageType.BindingErrorResponse, request.TransactionId);
        writer.AddErrorCode(code, reason);
        writer.AddSoftware(Software);
        if (signWith is not null)
            writer.AddMessageIntegrity(signWith.Key);
        writer.AddFingerprint();
        return writer.TryComplete(out written) ? result : Drop();
    }

    private void TransitionTo(IceConnectionState next)
    {
        if (next == State)
            return;
        var allowed = (State, next) switch
        {
            (_, IceConnectionState.Closed) => true,
            (IceConnectionState.Closed, _) => false,
            (IceConnectionState.New, IceConnectionState.Checking or IceConnectionState.Connected) => true,
            (IceConnectionState.Checking, IceConnectionState.Connected or IceConnectionState.New) => true,
            (IceConnectionState.Connected, IceConnectionState.Restarting or IceConnectionState.Failed) => true,
            (IceConnectionState.Restarting, IceConnectionState.Connected or IceConnectionState.Failed) => true,
            (IceConnectionState.Failed, IceConnectionState.New) => true,
            _ => false,
        };
        if (!allowed)
            ThrowInvalidTransition(State, next);
        State = next;
    }

    [DoesNotReturn]
    private static void ThrowInvalidTransition(IceConnectionState from, IceConnectionState to) =>
        throw new InvalidOperationException($"ICE-lite agent cannot move from {from} to {to}.");
}
