using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Modules.Client.Media;

// The RTCP a browser's receiver sends back, for one subscriber PeerConnection of the client library
// (the load generator's synthetic subscribers, issue 14): receiver reports (RFC 3550
// §6.4.2) for every incoming stream, generic NACKs (RFC 4585 §6.2.1) for sequence gaps, and
// transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01, written with the public
// RtcpTransportFeedbackBuilder: the server's own generator is the Media module's internal) when the SFU's offer
// negotiated the extension, so the SFU's per-subscriber estimator and NACK/RTX path run as they do with
// real clients. RTX answers (RFC 4588: payload type from the offer's a=rtpmap rtx, original sequence
// number first in the payload) fill the gaps they were asked for.
//
// OnRtp runs on the receive callback; WriteReport on whatever timer paces reports (the load generator
// has one for all its subscribers). Not on any server path: it allocates freely.
internal sealed class ClientReceiverFeedback(uint senderSsrc, TimeProvider? time = null)
{
    // Receiver reports go about once a second (Chrome's video RTCP interval) unless NACKs are due: a
    // fixed 100 ms report from a thousand subscribers would be ten thousand RTCP packets a second
    // for the server to decrypt, far more than browsers send.

    // A gap is asked for at most this often and this many times, then given up as lost (Chrome: about
    // one RTT apart, ten tries, never past a second).
    private const int MaxNackTries = 3;
    private const int MaxMissingPerStream = 256;
    private const int MaxReportBlocks = 31;

    private readonly Lock _lock = new();
    private readonly Dictionary<uint, StreamState> _streams = [];
    // Indexed by RTP payload type (7 bits): a table, not a set, since every received packet asks.
    private readonly bool[] _rtxPayloadTypes = new bool[128];
    // The latest sender report per SSRC: its compact NTP time and when it arrived (LSR and DLSR).
    private readonly Dictionary<uint, (uint CompactNtp, long ArrivedTicks)> _senderReports = [];
    // Transport-wide arrivals not reported yet, by unwrapped sequence number (a packet holds at most
    // MaxTransportPackets; the rest waits for the next call).
    private const int MaxTransportPackets = 400;
    private readonly PendingArrivals _arrivals = new(4 * MaxTransportPackets);
    private readonly RtcpTransportFeedbackBuilder _builder = new(MaxTransportPackets);
    private long _highestTransport = -1;
    private uint _transportMediaSsrc;
    private byte _transportFeedbackCount;
    private long _transportFeedbackSent;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // One second in the time provider's timestamp units: the report interval and the NACK give-up age.
    private long Second => _time.TimestampFrequency;
    private long _lastReportTicks;
    private int _transportCcExtensionId;
    private long _nacksSent;
    private long _retransmissionsReceived;
    private long _recovered;
    private long _givenUp;
    private long _reportsSent;

    public long NacksSent => Interlocked.Read(ref _nacksSent);

    public long RetransmissionsReceived => Interlocked.Read(ref _retransmissionsReceived);

    // Gaps an RTX answer filled, and gaps given up on after MaxNackTries or a second.
    public long Recovered => Interlocked.Read(ref _recovered);

    public long GivenUp => Interlocked.Read(ref _givenUp);

    public long ReportsSent => Interlocked.Read(ref _reportsSent);

    public long TransportFeedbackSent => Interlocked.Read(ref _transportFeedbackSent);

    // Each subscriber offer says which extension id carries transport-wide sequence numbers and which
    // payload types are RTX.
    public void OnOffer(string sdp)
    {
        if (!SessionDescription.TryParse(sdp, out var offer, out _))
            return;
        lock (_lock)
        {
            foreach (var section in offer.MediaDescriptions)
            {
                foreach (var extmap in section.Extmaps)
                {
                    if (extmap.Uri == SdpAnswerOptions.TransportWideCcUri)
                        _transportCcExtensionId = extmap.Id;
                }
                foreach (var map in section.RtpMaps)
                {
                    // RTP payload types are 7 bits; anything else in an offer is no payload type of ours.
                    if (map.EncodingName.Equals("rtx", StringComparison.OrdinalIgnoreCase) && (uint)map.PayloadType < 128)
                        _rtxPayloadTypes[map.PayloadType] = true;
                }
            }
        }
    }

    // RTCP the SFU sends this PeerConnection: sender reports, so that receiver reports carry LSR and
    // DLSR (RFC 3550 §6.4.1) and the SFU can measure this subscriber's round-trip time from them.
    public void OnRtcp(ReadOnlySpan<byte> compound)
    {
        var now = Now();
        var reader = new RtcpCompoundReader(compound);
        while (reader.MoveNext())
        {
            if (reader.Current.PacketType != RtcpPacketType.SenderReport || !RtcpSenderReport.TryParse(reader.CurrentPacket, out var report))
                continue;
            lock (_lock)
            {
                if (_senderReports.Count < MaxReportBlocks * 4 || _senderReports.ContainsKey(report.Ssrc))
                    _senderReports[report.Ssrc] = (report.CompactNtp, now);
            }
        }
    }

    // Whether the subscriber offer made this payload type RTX (RFC 4588): its payload starts with the OSN.
    public bool IsRetransmission(byte payloadType)
    {
        lock (_lock)
            return _rtxPayloadTypes[payloadType & 0x7f];
    }

    // Returns false for a retransmission: the caller's statistics count original packets only.
    public bool OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
            return false;
        var now = Now();
        lock (_lock)
        {
            if (_transportCcExtensionId != 0 && header.TryGetExtension(packet, _transportCcExtensionId, out var value) && value.Length >= 2)
                OnTransportSequence(BinaryPrimitives.ReadUInt16BigEndian(value), header.Ssrc, (long)(now * 1e6 / Second));
            if (_rtxPayloadTypes[header.PayloadType & 0x7f])
            {
                Interlocked.Increment(ref _retransmissionsReceived);
                var payload = header.GetPayload(packet);
                // The RTX stream's SSRC differs from the media's; the gap it fills is found by sequence.
                if (payload.Length >= 2)
                    FillGap(BinaryPrimitives.ReadUInt16BigEndian(payload));
                return false;
            }
            if (!_streams.TryGetValue(header.Ssrc, out var stream))
                _streams[header.Ssrc] = stream = new StreamState(header.SequenceNumber);
            stream.OnPacket(header.SequenceNumber, now, ref _givenUp);
            return true;
        }
    }

    private void FillGap(ushort sequence)
    {
        foreach (var stream in _streams.Values)
        {
            if (stream.TryFill(sequence))
            {
                Interlocked.Increment(ref _recovered);
                return;
            }
        }
    }

    // One RTCP compound when NACKs are due or a report interval passed, else 0: RR with a block per
    // stream (at most 31), then a NACK per stream with gaps due. Transport-cc feedback goes in separate
    // datagrams (WriteTransportFeedback), as Chrome sends it.
    public int WriteReport(Span<byte> destination)
    {
        var now = Now();
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[MaxReportBlocks];
        Span<ushort> due = stackalloc ushort[RtcpNackItem.MaxSequenceNumbers * 4];
        Span<RtcpNackItem> items = stackalloc RtcpNackItem[due.Length];
        lock (_lock)
        {
            if (_streams.Count == 0 || (now - _lastReportTicks < Second && !AnyNackDue()))
                return 0;
            _lastReportTicks = now;
            var count = 0;
            foreach (var (ssrc, stream) in _streams)
            {
                if (count == blocks.Length)
                    break;
                var block = stream.TakeReportBlock(ssrc);
                if (_senderReports.TryGetValue(ssrc, out var sr))
                {
                    // DLSR in units of 1/65536 s since that sender report arrived.
                    var delay = (uint)Math.Min(uint.MaxValue, (now - sr.ArrivedTicks) * 65536 / Second);
                    block = block with { LastSenderReport = sr.CompactNtp, DelaySinceLastSenderReport = delay };
                }
                blocks[count++] = block;
            }
            if (!new RtcpReceiverReport(senderSsrc, blocks[..count]).TryWrite(destination, out var written))
                return 0;
            foreach (var (ssrc, stream) in _streams)
            {
                var lost = stream.TakeDueNacks(now, Second, due, ref _givenUp);
                if (lost == 0)
                    continue;
                var itemCount = RtcpNackItem.Build(due[..lost], items);
                var nack = new RtcpNack(senderSsrc, ssrc, items[..itemCount]);
                if (written + nack.GetSerializedSize() > destination.Length || !nack.TryWrite(destination[written..], out var nackLength))
                    break;
                written += nackLength;
                Interlocked.Add(ref _nacksSent, lost);
            }
            Interlocked.Increment(ref _reportsSent);
            return written;
        }
    }

    private bool AnyNackDue()
    {
        foreach (var stream in _streams.Values)
        {
            if (stream.HasGaps)
                return true;
        }
        return false;
    }

    private long Now() => _time.GetTimestamp();

    private void OnTransportSequence(ushort sequence, uint ssrc, long arrivalMicroseconds)
    {
        var unwrapped = _highestTransport < 0 ? sequence : _highestTransport + (short)(ushort)(sequence - (ushort)_highestTransport);
        if (unwrapped < 0 || _arrivals.Count >= 4 * MaxTransportPackets)
            return;
        _highestTransport = Math.Max(_highestTransport, unwrapped);
        _arrivals.TryAdd(unwrapped, arrivalMicroseconds);
        _transportMediaSsrc = ssrc;
    }

    // One transport-cc feedback packet for arrivals not reported yet, 0 when none: called until 0.
    public int WriteTransportFeedback(Span<byte> destination)
    {
        lock (_lock)
        {
            if (_arrivals.Count == 0)
                return 0;
            _builder.Reset(senderSsrc, _transportMediaSsrc, _transportFeedbackCount);
            var reported = 0;
            for (var i = 0; i < _arrivals.Count; i++)
            {
                var (sequence, arrival) = _arrivals[i];
                // Refused: the packet is full (or the first arrival's time cannot be expressed).
                if (!_builder.TryAddReceived((ushort)sequence, arrival) && _builder.PacketStatusCount > 0)
                    break;
                reported++;
            }
            _arrivals.RemoveFirst(reported);
            if (_builder.PacketStatusCount == 0 || !_builder.TryWrite(destination, out var written))
                return 0;
            _transportFeedbackCount++;
            Interlocked.Increment(ref _transportFeedbackSent);
            return written;
        }
    }

    private sealed class StreamState(ushort first)
    {
        private readonly long _base = first;
        private readonly List<Gap> _missing = [];
        private long _highest = first;
        private long _received;
        private long _expectedPrior;
        private long _receivedPrior;

        // Gaps still to ask for (or to give up on, which the next report does).
        public bool HasGaps => _missing.Count > 0;

        public void OnPacket(ushort sequence, long now, ref long givenUp)
        {
            _received++;
            var extended = _highest + (short)(ushort)(sequence - (ushort)_highest);
            if (extended > _highest)
            {
                for (var missing = _highest + 1; missing < extended; missing++)
                {
                    if (_missing.Count == MaxMissingPerStream)
                    {
                        _missing.RemoveAt(0);
                        givenUp++;
                    }
                    _missing.Add(new Gap(missing, now, 0));
                }
                _highest = extended;
                return;
            }
            // Late (reordered) arrival of a packet already counted missing.
            TryFill(sequence);
        }

        public bool TryFill(ushort sequence)
        {
            for (var i = 0; i < _missing.Count; i++)
            {
                if ((ushort)_missing[i].Sequence == sequence)
                {
                    _missing.RemoveAt(i);
                    return true;
                }
            }
            return false;
        }

        // Gaps to ask for at this report (one report interval apart), each at most MaxNackTries times.
        public int TakeDueNacks(long now, long giveUpAge, Span<ushort> due, ref long givenUp)
        {
            var count = 0;
            for (var i = 0; i < _missing.Count; i++)
            {
                var gap = _missing[i];
                if (gap.Tries >= MaxNackTries || now - gap.Detected > giveUpAge)
                {
                    _missing.RemoveAt(i--);
                    givenUp++;
                    continue;
                }
                if (count == due.Length)
                    continue;
                due[count++] = (ushort)gap.Sequence;
                _missing[i] = gap with { Tries = gap.Tries + 1 };
            }
            return count;
        }

        // RFC 3550 A.3: fraction lost over the interval since the last report, cumulative lost overall.
        public RtcpReportBlock TakeReportBlock(uint ssrc)
        {
            var expected = _highest - _base + 1;
            var expectedInterval = expected - _expectedPrior;
            var receivedInterval = _received - _receivedPrior;
            _expectedPrior = expected;
            _receivedPrior = _received;
            var lostInterval = expectedInterval - receivedInterval;
            var fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            var cumulative = (int)Math.Clamp(expected - _received, -0x80_0000, 0x7F_FFFF);
            return new RtcpReportBlock(ssrc, fraction, cumulative, (uint)_highest, 0, 0, 0);
        }
    }

    private readonly record struct Gap(long Sequence, long Detected, int Tries);
}
