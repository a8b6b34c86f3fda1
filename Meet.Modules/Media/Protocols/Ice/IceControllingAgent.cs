using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Stun;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Protocols.Ice;

// The client side for the .NET client library: a minimal full agent in the controlling role
// (RFC 8445) against an ICE-lite server. Host candidates only. Regular nomination (§8.1.1): pairs
// are checked in priority order, the first that succeeds is checked again with USE-CANDIDATE, and
// when that answers both sides have selected the same pair — the lite peer switches to whichever
// pair was nominated last, so nominating exactly one avoids the two sides disagreeing. Checks are
// retransmitted with exponential back-off; the selected pair is kept alive with RFC 7675 consent
// checks. Like the lite agent it owns no socket: the caller polls for packets to send.
public sealed class IceControllingAgent
{
    private const ushort MaxLocalPreference = 65535;

    private readonly TimeProvider _time;
    private readonly IceControllingAgentOptions _options;
    private readonly List<PacketAddress> _localCandidates = [];
    private readonly List<IceCandidate> _remoteCandidates = [];
    private readonly List<CandidatePair> _pairs = [];
    private IceCredentials _local;
    private IceCredentials _remote;
    private CandidatePair? _selected;
    private long _nextCheckTimestamp;
    private long _nextConsentTimestamp;
    private long _lastConsentTimestamp;
    private StunTransactionId _consentTransaction;
    private StunTransactionId _previousConsentTransaction;
    // When the oldest consent check still unanswered was sent; 0 when the last one was answered.
    private long _firstUnansweredConsentTimestamp;
    // When the next check is due once the one outstanding is answered (the regular interval).
    private long _answeredConsentNext;

    public IceControllingAgent(IceCredentials local, IceCredentials remote, TimeProvider time,
        IceControllingAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(time);
        _local = local;
        _remote = remote;
        _time = time;
        _options = options ?? new IceControllingAgentOptions();
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        TieBreaker = BitConverter.ToUInt64(random);
    }

    public IceConnectionState State { get; private set; } = IceConnectionState.New;

    public ulong TieBreaker { get; }

    public IceAgentCounters Counters { get; } = new();

    // The selected pair's consent checks have gone unanswered for DisconnectedTimeout (a browser's
    // 'disconnected'): the path may be broken. Cleared by the next answered check.
    public bool IsDisconnected
    {
        get
        {
            CheckConsent();
            return _selected is not null && State is IceConnectionState.Connected or IceConnectionState.Restarting
                && _firstUnansweredConsentTimestamp != 0
                && _time.GetElapsedTime(_firstUnansweredConsentTimestamp) > _options.DisconnectedTimeout;
        }
    }

    public IReadOnlyList<IceCandidate> LocalCandidates =>
        _localCandidates.Select((address, i) => IceCandidate.CreateHost(
            (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), address, IceTransportProtocol.Udp,
            (ushort)(MaxLocalPreference - i))).ToList();

    public void AddLocalCandidate(PacketAddress hostAddress)
    {
        if (_localCandidates.Contains(hostAddress))
            return;
        _localCandidates.Add(hostAddress);
        foreach (var remote in _remoteCandidates)
            AddPair(_localCandidates.Count - 1, remote);
    }

    // Only UDP candidates with IP literals are paired; TCP and unresolved mDNS names are skipped.
    public bool AddRemoteCandidate(IceCandidate remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.Protocol != IceTransportProtocol.Udp || remote.Component != 1 || remote.Address.IsEmpty)
            return false;
        _remoteCandidates.Add(remote);
        for (var i = 0; i < _localCandidates.Count; i++)
            AddPair(i, remote);
        return true;
    }

    public bool TryGetSelectedPair(out PacketAddress local, out PacketAddress remote)
    {
        CheckConsent();
        local = _selected?.Local ?? default;
        remote = _selected?.Remote ?? default;
        return _selected is not null && State is IceConnectionState.Connected or IceConnectionState.Restarting;
    }

    // RFC 8445 §9: fresh credentials and fresh checks; media stays on the selected pair until a pair
    // of the new generation succeeds.
    public void Restart(IceCredentials local, IceCredentials remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        _local = local;
        _remote = remote;
        foreach (var pair in _pairs)
        {
            pair.State = PairState.Waiting;
            pair.Transmissions = 0;
            pair.Nominating = false;
        }
        TransitionTo(State is IceConnectionState.Connected or IceConnectionState.Restarting
            ? IceConnectionState.Restarting
            : IceConnectionState.New);
    }

    public void Close()
    {
        _selected = null;
        TransitionTo(IceConnectionState.Closed);
    }

    // Produces at most one packet per call: a due retransmission first, then the next paced check,
    // then a consent check. Call it whenever a timer fires; returns false when nothing is due.
    public bool TryPollTransmit(Span<byte> buffer, out int written, out PacketAddress local, out PacketAddress remote)
    {
        written = 0;
        local = remote = default;
        CheckConsent();
        if (State is IceConnectionState.Closed or IceConnectionState.Failed)
            return false;
        var now = _time.GetTimestamp();

        foreach (var pair in _pairs)
        {
            if (pair.State != PairState.InProgress)
                continue;
            // Transmissions == 0: a nomination check queued by HandleResponse goes out at once.
            if (pair.Transmissions > 0 && _time.GetElapsedTime(pair.SentTimestamp, now) < pair.Rto)
                continue;
            if (pair.Transmissions >= _options.MaxTransmissions)
            {
                FailPair(pair);
                continue;
            }
            if (pair.Transmissions > 0)
            {
                pair.Rto = TimeSpan.FromTicks(Math.Min(pair.Rto.Ticks * 2, _options.MaxRetransmissionTimeout.Ticks));
                Counters.Retransmissions++;
            }
            return SendCheck(pair, pair.Transaction, pair.Nominating, buffer, now, out written, out local, out remote);
        }

        if (IsSearching && now >= _nextCheckTimestamp)
        {
            foreach (var pair in _pairs)
            {
                if (pair.State != PairState.Waiting)
                    continue;
                StartCheck(pair, nominate: false);
                _nextCheckTimestamp = now + ToTimestamp(_options.CheckPacing);
                if (State == IceConnectionState.New)
                    TransitionTo(IceConnectionState.Checking);
                return SendCheck(pair, pair.Transaction, nominate: false, buffer, now, out written, out local, out remote);
            }
        }

        if (_selected is not null && State is IceConnectionState.Connected or IceConnectionState.Restarting
            && now >= _nextConsentTimestamp)
        {
            _previousConsentTransaction = _consentTransaction;
            _consentTransaction = StunTransactionId.NewRandom();
            // ± 20 % jitter so many clients' consent checks do not synchronise (RFC 7675 §5.1). The next
            // check is due soon; the answer to this one pushes it back to the regular interval.
            if (_firstUnansweredConsentTimestamp == 0)
                _firstUnansweredConsentTimestamp = now;
            var jitter = 0.8 + 0.4 * Random.Shared.NextDouble();
            _nextConsentTimestamp = now + ToTimestamp(_options.UnansweredConsentInterval * jitter);
            _answeredConsentNext = now + ToTimestamp(_options.ConsentInterval * jitter);
            return SendCheck(_selected, _consentTransaction, nominate: false, buffer, now, out written, out local, out remote);
        }
        return false;
    }

    // A full peer (not ICE-lite) checks us too, and only uses a pair once its own check succeeds
    // (RFC 8445 §7.3). Answers authenticated checks; an unknown source becomes a peer-reflexive
    // remote candidate (§7.3.1.3) that the normal pacing then checks. A peer that also claims the
    // controlling role gets 487: this minimal agent never gives the role up (§7.3.1.1 would let the
    // larger tie-breaker win; the client library only ever talks to servers in the controlled role).
    // Returns true when `response` holds a reply for `source`.
    public bool HandleBindingRequest(ReadOnlySpan<byte> packet, PacketAddress local, PacketAddress source,
        Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (State == IceConnectionState.Closed || !StunMessage.TryParse(packet, out var request)
            || request.Type != StunMessageType.BindingRequest || !request.VerifyFingerprint()
            || !request.TryGetUsername(out var username)
            || !IceCredentials.TrySplitUsername(username, out var receiver, out var sender)
            || !receiver.SequenceEqual(_local.UfragBytes) || !sender.SequenceEqual(_remote.UfragBytes)
            || !request.VerifyMessageIntegrity(_local.Key))
            return false;

        var writer = new StunMessageWriter(response,
            request.TryGetIceControlling(out _) ? StunMessageType.BindingErrorResponse : StunMessageType.BindingSuccessResponse,
            request.TransactionId);
        if (request.TryGetIceControlling(out _))
        {
            writer.AddErrorCode(487, "Role Conflict"u8);
        }
        else
        {
            writer.AddXorMappedAddress(source);
            if (request.TryGetPriority(out var priority) && _localCandidates.Contains(local) && !HasPair(local, source))
                AddPeerReflexive(source, priority);
        }
        writer.AddMessageIntegrity(_local.Key);
        writer.AddFingerprint();
        return writer.TryComplete(out responseLength);
    }

    public IceResponseResult HandleResponse(ReadOnlySpan<byte> packet, PacketAddress local, PacketAddress source)
    {
        if (State == IceConnectionState.Closed || !StunMessage.TryParse(packet, out var response)
            || response.Type is not (StunMessageType.BindingSuccessResponse or StunMessageType.BindingErrorResponse)
            || !response.VerifyFingerprint())
            return IceResponseResult.Ignored;

        var transaction = response.TransactionId;
        var consent = _selected is not null && (transaction == _consentTransaction || transaction == _previousConsentTransaction);
        var pair = consent ? _selected : FindInProgress(transaction);
        // RFC 8445 §7.2.5.2.1: a response from another address than the check went to fails the check.
        if (pair is null || pair.Local != local || pair.Remote != source)
            return IceResponseResult.Ignored;
        var authentic = response.VerifyMessageIntegrity(_remote.Key);

        if (response.Type == StunMessageType.BindingErrorResponse)
        {
            // Unauthenticated 401s are believed too: a lite peer cannot sign a 401 (RFC 8489 §9.1.3).
            if (!authentic && !(response.TryGetErrorCode(out var code, out _) && code == 401))
                return IceResponseResult.Ignored;
            if (consent)
                return IceResponseResult.Ignored;
            FailPair(pair);
            return IceResponseResult.PairFailed;
        }
        if (!authentic)
            return IceResponseResult.Ignored;

        var now = _time.GetTimestamp();
        if (consent)
        {
            _lastConsentTimestamp = now;
            _firstUnansweredConsentTimestamp = 0;
            _nextConsentTimestamp = _answeredConsentNext;
            return IceResponseResult.Succeeded;
        }
        if (!pair.Nominating)
        {
            pair.State = PairState.Succeeded;
            if (IsSearching)
                StartCheck(pair, nominate: true);
            return IceResponseResult.Succeeded;
        }
        pair.State = PairState.Succeeded;
        pair.Nominating = false;
        _selected = pair;
        _lastConsentTimestamp = now;
        _firstUnansweredConsentTimestamp = 0;
        _nextConsentTimestamp = now + ToTimestamp(_options.ConsentInterval);
        TransitionTo(IceConnectionState.Connected);
        return IceResponseResult.Selected;
    }

    // Still looking for a pair of the current generation: nothing nominated or being nominated.
    private bool IsSearching =>
        State is IceConnectionState.New or IceConnectionState.Checking or IceConnectionState.Restarting
        && !_pairs.Exists(p => p.Nominating);

    private void StartCheck(CandidatePair pair, bool nominate)
    {
        pair.State = PairState.InProgress;
        pair.Nominating = nominate;
        pair.Transaction = StunTransactionId.NewRandom();
        pair.Transmissions = 0;
        pair.Rto = _options.InitialRetransmissionTimeout;
    }

    private void CheckConsent()
    {
        if (_selected is null || State is not (IceConnectionState.Connected or IceConnectionState.Restarting))
            return;
        if (_time.GetElapsedTime(_lastConsentTimestamp) <= _options.ConsentTimeout)
            return;
        Counters.ConsentExpirations++;
        _selected = null;
        TransitionTo(IceConnectionState.Failed);
    }

    private bool SendCheck(CandidatePair pair, StunTransactionId transaction, bool nominate, Span<byte> buffer, long now,
        out int written, out PacketAddress local, out PacketAddress remote)
    {
        local = pair.Local;
        remote = pair.Remote;
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transaction);
        // RFC 8445 §7.2.2: USERNAME "<remote ufrag>:<local ufrag>", keyed with the remote password.
        Span<byte> username = stackalloc byte[2 * IceCredentials.MaxLength + 1];
        _remote.UfragBytes.CopyTo(username);
        username[_remote.UfragBytes.Length] = (byte)':';
        _local.UfragBytes.CopyTo(username[(_remote.UfragBytes.Length + 1)..]);
        writer.AddUsername(username[..(_remote.UfragBytes.Length + 1 + _local.UfragBytes.Length)]);
        // §7.1.1: PRIORITY is what a peer-reflexive candidate learnt from this check would get.
        writer.AddPriority(IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, pair.LocalPreference, 1));
        writer.AddIceControlling(TieBreaker);
        if (nominate)
            writer.AddUseCandidate();
        writer.AddMessageIntegrity(_remote.Key);
        writer.AddFingerprint();
        if (!writer.TryComplete(out written))
            return false;
        pair.Transmissions++;
        pair.SentTimestamp = now;
        return true;
    }

    private bool HasPair(PacketAddress local, PacketAddress remote) =>
        _pairs.Exists(p => p.Local == local && p.Remote == remote);

    private void AddPeerReflexive(PacketAddress address, uint priority) =>
        AddRemoteCandidate(new IceCandidate
        {
            Foundation = "prflx",
            Host = address.ToEndPoint().Address.ToString(),
            Port = address.Port,
            Priority = priority,
            Type = IceCandidateType.PeerReflexive,
        });

    private CandidatePair? FindInProgress(StunTransactionId transaction)
    {
        foreach (var pair in _pairs)
        {
            if (pair.State == PairState.InProgress && pair.Transaction == transaction)
                return pair;
        }
        return null;
    }

    private void FailPair(CandidatePair pair)
    {
        pair.State = PairState.Failed;
        pair.Nominating = false;
        if (State is IceConnectionState.New or IceConnectionState.Checking && _pairs.TrueForAll(p => p.State == PairState.Failed))
            TransitionTo(IceConnectionState.Failed);
    }

    private void AddPair(int localIndex, IceCandidate remote)
    {
        var local = _localCandidates[localIndex];
        var remoteAddress = remote.Address;
        if (local.IsIPv4 != remoteAddress.IsIPv4)
            return;
        var localPreference = (ushort)(MaxLocalPreference - localIndex);
        var localPriority = IceCandidate.ComputePriority(IceCandidateType.Host, localPreference, 1);
        var pair = new CandidatePair(local, remoteAddress, localPreference,
            PairPriority(controlling: localPriority, controlled: remote.Priority));
        // Highest priority first (RFC 8445 §6.1.2.6); insertion keeps the list sorted.
        var index = _pairs.FindIndex(p => p.Priority < pair.Priority);
        _pairs.Insert(index < 0 ? _pairs.Count : index, pair);
    }

    // RFC 8445 §6.1.2.3: 2^32·MIN(G,D) + 2·MAX(G,D) + (G>D ? 1 : 0), G being the controlling side.
    internal static ulong PairPriority(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + 2UL * Math.Max(controlling, controlled)
        + (controlling > controlled ? 1UL : 0UL);

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private void TransitionTo(IceConnectionState next)
    {
        if (next == State)
            return;
        var allowed = (State, next) switch
        {
            (_, IceConnectionState.Closed) => true,
            (IceConnectionState.Closed, _) => false,
            (IceConnectionState.New, IceConnectionState.Checking) => true,
            (IceConnectionState.Checking, IceConnectionState.Connected or IceConnectionState.Failed or IceConnectionState.New) => true,
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
        throw new InvalidOperationException($"ICE controlling agent cannot move from {from} to {to}.");

    private enum PairState
    {
        Waiting,
        InProgress,
        Succeeded,
        Failed,
    }

    private sealed class CandidatePair(PacketAddress local, PacketAddress remote, ushort localPreference, ulong priority)
    {
        public PacketAddress Local { get; } = local;
        public PacketAddress Remote { get; } = remote;
        public ushort LocalPreference { get; } = localPreference;
        public ulong Priority { get; } = priority;
        public PairState State { get; set; }
        public StunTransactionId Transaction { get; set; }
        public int Transmissions { get; set; }
        public long SentTimestamp { get; set; }
        public TimeSpan Rto { get; set; }
        public bool Nominating { get; set; }
    }
}
