using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;
using Meet.Tests.Media.Protocols.Srtp;

namespace Meet.Benchmarks.Protocols;

// `srtp-gcm [--rounds N] [--packets N]`: ns per packet of AES-128-GCM, measured in one run with every case interleaved
// round by round and the fastest round kept, so a shared machine's noise hits them alike
// (BenchmarkDotNet's SrtpBenchmarks measure single cases more carefully where the machine is quiet).
// 1. The primitive (AeadCipher.Encrypt, 12-byte AAD) on every path, payloads of 100, 200 and 1,200 B.
// 2. SRTP protect of a fan-out (issue 14): an RTP packet (12-byte header + payload) protected for 16
//    subscribers, each its own key and sequence numbers, per packet on each path, through the
//    multi-buffer batch (AesNiGcmBatch) flushed every 1, 4, 8 or 16 packets, and by libsrtp2.
// 3. The SFU's whole forwarding path in process (ForwardingBenchmarks, 50 subscribers) with the
//    subscribers' SRTP per packet or through the batch (Media:BatchSrtp), per forwarded packet.
// Bytes allocated per packet are counted on the timed thread for every case.
internal static class GcmPathComparison
{
    private const int Subscribers = 16;
    private const int SlotSize = 2048;
    private static readonly int[] Payloads = [100, 200, 1200];
    private static readonly int[] BatchSizes = [1, 4, 8, 16];

    public static int Run(string[] args)
    {
        var rounds = Option(args, "--rounds", 15);
        // Short timed runs: on a shared machine the fastest of many short runs finds the quiet moments.
        var packetsPerCase = Option(args, "--packets", 4_000);
        var cases = new List<Case>();
        cases.AddRange(PrimitiveCases());
        cases.AddRange(SrtpCases());
        cases.Add(new ForwardingCase(batchSrtp: false));
        cases.Add(new ForwardingCase(batchSrtp: true));
        var best = new double[cases.Count, Payloads.Length];
        var allocated = new long[cases.Count];
        for (var c = 0; c < cases.Count; c++)
            for (var s = 0; s < Payloads.Length; s++)
                best[c, s] = double.MaxValue;

        // Warm every case (JIT tiers, libsrtp's tables) before the first timed round.
        foreach (var @case in cases)
            foreach (var payload in Payloads)
                @case.Run(payload, packetsPerCase / 4);

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        for (var round = 0; round < rounds; round++)
        {
            for (var c = 0; c < cases.Count; c++)
            {
                for (var s = 0; s < Payloads.Length; s++)
                {
                    var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                    var start = Stopwatch.GetTimestamp();
                    cases[c].Run(Payloads[s], packetsPerCase);
                    var ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / packetsPerCase;
                    allocated[c] = Math.Max(allocated[c], GC.GetAllocatedBytesForCurrentThread() - bytesBefore);
                    best[c, s] = Math.Min(best[c, s], ns);
                }
            }
        }

        var loadAfter = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine(FormattableString.Invariant(
            $"AES-128-GCM, ns per packet, fastest of {rounds} rounds x {packetsPerCase:N0} packets per case (load {load} -> {loadAfter}); wide GHASH available: {AesNiGcm.IsWideSupported}, batch: {AesNiGcmBatch.IsSupported}"));
        PrintTable(packetsPerCase, "primitive (AeadCipher.Encrypt, 12-byte AAD)", cases, best, allocated, isSrtp: false, baseline: "openssl-evp");
        PrintTable(packetsPerCase, $"SRTP protect, fan-out to {Subscribers} subscribers (12-byte RTP header + payload)", cases, best, allocated, isSrtp: true, baseline: "per packet, wide (default)");
        PrintTable(packetsPerCase, $"SFU forwarding in process (ForwardingBenchmarks), 1 publisher to {ForwardingCase.Subscribers} subscribers, per forwarded packet", cases, best, allocated, isSrtp: null, baseline: "forwarding, per-packet SRTP");
        foreach (var @case in cases)
            @case.Dispose();
        return 0;
    }

    private static void PrintTable(int packetsPerCase, string title, List<Case> cases, double[,] best, long[] allocated, bool? isSrtp, string baseline)
    {
        var baseIndex = cases.FindIndex(c => c.IsSrtp == isSrtp && c.Name == baseline);
        Console.WriteLine();
        Console.WriteLine(title + ":");
        Console.WriteLine(FormattableString.Invariant(
            $"  {"case",-34} {string.Join(" ", Payloads.Select(p => $"{p + " B",9}"))}   {string.Join(" ", Payloads.Select(p => $"{"x " + p,8}"))}   allocated"));
        for (var c = 0; c < cases.Count; c++)
        {
            if (cases[c].IsSrtp != isSrtp)
                continue;
            var times = string.Join(" ", Enumerable.Range(0, Payloads.Length).Select(s => FormattableString.Invariant($"{best[c, s],9:F0}")));
            var ratios = string.Join(" ", Enumerable.Range(0, Payloads.Length).Select(s => FormattableString.Invariant($"{best[c, s] / best[baseIndex, s],8:F2}")));
            Console.WriteLine(FormattableString.Invariant($"  {cases[c].Name,-34} {times}   {ratios}   {allocated[c] / packetsPerCase} B"));
        }
        Console.WriteLine(FormattableString.Invariant($"  (ratios to \"{baseline}\")"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }

    private static IEnumerable<Case> PrimitiveCases()
    {
        yield return new PrimitiveCase("openssl-evp", SrtpCipherPath.OpenSsl);
        yield return new PrimitiveCase("aes-ni + pclmulqdq", SrtpCipherPath.AesNi);
        yield return new PrimitiveCase("aes-ni + vpclmulqdq-512 (wide)", SrtpCipherPath.Vaes);
        yield return new PrimitiveCase("AesGcm (portable)", SrtpCipherPath.Portable);
    }

    private static IEnumerable<Case> SrtpCases()
    {
        yield return new LibSrtpCase();
        yield return new PerPacketCase("per packet, openssl-evp", SrtpCipherPath.OpenSsl);
        yield return new PerPacketCase("per packet, aes-ni + pclmulqdq", SrtpCipherPath.AesNi);
        yield return new PerPacketCase("per packet, wide (default)", SrtpCipherPath.Vaes);
        foreach (var size in BatchSizes)
            yield return new BatchCase(size);
    }

    private static SrtpKeyingMaterial Keys(int subscriber) => new(
        SrtpProtectionProfile.AeadAes128Gcm,
        Enumerable.Range(0, 16).Select(i => (byte)(subscriber * 13 + i * 7)).ToArray(),
        Enumerable.Range(0, 12).Select(i => (byte)(subscriber + 100 + i * 3)).ToArray());

    // An RTP packet of 12 + payload bytes at the start of a slot (the payload's bytes do not matter).
    private static void WriteRtp(Span<byte> slot, ushort sequence)
    {
        slot[0] = 0x80;
        slot[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(slot.Slice(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(slot.Slice(4), 90_000u * sequence);
        BinaryPrimitives.WriteUInt32BigEndian(slot.Slice(8), 0x5EED5EED);
    }

    private abstract class Case : IDisposable
    {
        public abstract string Name { get; }

        // True: an SRTP protect case; false: the bare cipher; null: the whole forwarding path.
        public abstract bool? IsSrtp { get; }

        public abstract void Run(int payload, int packets);

        public virtual void Dispose()
        {
        }
    }

    private sealed class PrimitiveCase(string name, SrtpCipherPath path) : Case
    {
        private readonly AeadCipher _cipher = AeadCipher.Create(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), path);
        private readonly byte[] _data = new byte[1200];
        private readonly byte[] _nonce = new byte[12];
        private readonly byte[] _aad = new byte[12];
        private readonly byte[] _tag = new byte[16];

        public override string Name => name;

        public override bool? IsSrtp => false;

        public override void Run(int payload, int packets)
        {
            var data = _data.AsSpan(0, payload);
            for (var i = 0; i < packets; i++)
                _cipher.Encrypt(_nonce, _aad, default, data, _tag);
        }

        public override void Dispose() => _cipher.Dispose();
    }

    // Each subscriber's packet protected on its own, in its own buffer, round robin over the subscribers.
    private abstract class PerSubscriberCase : Case
    {
        private readonly byte[][] _buffers = Enumerable.Range(0, Subscribers).Select(_ => new byte[SlotSize]).ToArray();
        private readonly ushort[] _sequences = new ushort[Subscribers];

        public override bool? IsSrtp => true;

        public override void Run(int payload, int packets)
        {
            for (var i = 0; i < packets; i++)
            {
                var s = i % Subscribers;
                var buffer = _buffers[s];
                WriteRtp(buffer, _sequences[s]++);
                Protect(s, buffer, 12 + payload);
            }
        }

        protected abstract void Protect(int subscriber, byte[] buffer, int length);
    }

    private sealed class PerPacketCase(string name, SrtpCipherPath path) : PerSubscriberCase
    {
        private readonly SrtpContext[] _contexts = Enumerable.Range(0, Subscribers)
            .Select(s => new SrtpContext(Keys(s), new SrtpCryptoPaths(path, SrtpMacPath.Auto))).ToArray();

        public override string Name => name;

        protected override void Protect(int subscriber, byte[] buffer, int length)
        {
            if (!_contexts[subscriber].TryProtectRtp(buffer, length, out _, out var error))
                throw new InvalidOperationException(error.ToString());
        }

        public override void Dispose()
        {
            foreach (var context in _contexts)
                context.Dispose();
        }
    }

    // The send path's shape: packets written into the slots of one pinned buffer, protect left to the
    // batch, the batch run every `size` packets (a flush).
    private sealed class BatchCase : Case
    {
        private readonly int _size;
        private readonly SrtpContext[] _contexts = new SrtpContext[Subscribers];
        private readonly ushort[] _sequences = new ushort[Subscribers];
        private readonly byte[] _slots = GC.AllocateArray<byte>(SlotSize * 16, pinned: true);
        private readonly AesNiGcmBatch _batch = new();

        public BatchCase(int size)
        {
            _size = size;
            for (var s = 0; s < Subscribers; s++)
                _contexts[s] = new SrtpContext(Keys(s), new SrtpCryptoPaths(SrtpCipherPath.Vaes, SrtpMacPath.Auto));
        }

        public override string Name => $"batch of {_size}";

        public override bool? IsSrtp => true;

        public override void Run(int payload, int packets)
        {
            for (var i = 0; i < packets; i++)
            {
                var s = i % Subscribers;
                var slot = _slots.AsMemory((i % _size) * SlotSize, SlotSize);
                WriteRtp(slot.Span, _sequences[s]++);
                if (!_contexts[s].TryProtectRtp(slot, 12 + payload, _batch, out _, out var error))
                    throw new InvalidOperationException(error.ToString());
                if (_batch.Count == _size)
                    _batch.EncryptAll();
            }
            _batch.EncryptAll();
        }

        public override void Dispose()
        {
            foreach (var context in _contexts)
                context.Dispose();
        }
    }

    // Debian's libsrtp2 (NSS's AES-GCM), the yardstick the SRTP tables have always used.
    private sealed class LibSrtpCase : PerSubscriberCase
    {
        private readonly LibSrtp[] _sessions = Enumerable.Range(0, Subscribers)
            .Select(s => new LibSrtp(SrtpProtectionProfile.AeadAes128Gcm, Keys(s), outbound: true)).ToArray();

        public override string Name => "libsrtp2";

        protected override void Protect(int subscriber, byte[] buffer, int length)
        {
            if (_sessions[subscriber].Protect(buffer, ref length) != LibSrtp.ErrOk)
                throw new InvalidOperationException("libsrtp2 protect failed");
        }

        public override void Dispose()
        {
            foreach (var session in _sessions)
                session.Dispose();
        }
    }

    // The forwarding benchmark's path (receive, unprotect once, route, rewrite, protect per subscriber,
    // the send batch to a discarding channel) with Media:BatchSrtp off or on; one set-up per payload.
    private sealed class ForwardingCase(bool batchSrtp) : Case
    {
        public const int Subscribers = 50;
        private readonly Dictionary<int, Meet.Benchmarks.Media.ForwardingBenchmarks> _byPayload = [];

        public override string Name => batchSrtp ? "forwarding, batch SRTP (default)" : "forwarding, per-packet SRTP";

        public override bool? IsSrtp => null;

        public override void Run(int payload, int packets)
        {
            if (!_byPayload.TryGetValue(payload, out var forwarding))
            {
                forwarding = new Meet.Benchmarks.Media.ForwardingBenchmarks { Subscribers = Subscribers, PayloadSize = payload, BatchSrtp = batchSrtp };
                forwarding.Setup();
                _byPayload[payload] = forwarding;
            }
            for (var i = 0; i < packets; i += Subscribers)
                forwarding.ForwardToSubscribers();
        }

        public override void Dispose()
        {
            foreach (var forwarding in _byPayload.Values)
                forwarding.Cleanup();
        }
    }
}
