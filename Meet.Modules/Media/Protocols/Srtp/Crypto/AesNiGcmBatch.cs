using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// Multi-buffer AES-128-GCM encryption (issue 14): the packets of one send flush, each under its own key
// and nonce (one subscriber each), are encrypted four at a time. One packet alone cannot keep the AES
// and carry-less-multiply units busy when it is short: an Opus packet is 7 blocks, so AesNiGcm runs them
// (and the tag-mask block) one after another through 10 dependent AESENCs each, and its GHASH is a chain
// of reductions each waiting for the one before. Here four packets go through together:
// - CTR: two blocks of each of the four packets in flight, eight AESENCs per round, each with its own
//   packet's round key (the tag-mask block E(J0) is counter 1 of the same stream, so it rides along).
// - GHASH: one 512-bit register holds block i of each of the four packets and their own H powers; four
//   blocks per reduction, one reduction for all four packets (Ghash512, lane by lane). Packets of
//   different lengths are aligned at their end: leading zero blocks leave GHASH unchanged.
// In a fan-out the four are usually one incoming packet to four subscribers, so the same length.
// The output is bit for bit that of AeadCipher.Encrypt (tests check it against the per-packet paths,
// the RFC 7714 vectors and libsrtp2). Nothing is allocated per packet: items are kept in an array made
// once; the packets stay in the caller's buffers (Memory<byte>, e.g. a PacketBatch slot) until
// EncryptAll.
internal sealed class AesNiGcmBatch
{
    public const int DefaultCapacity = 64;

    // 16 bytes of 0xFF then 16 of 0x00: loaded at 16 - n it keeps the first n bytes of a block.
    private static ReadOnlySpan<byte> PartialBlockMask =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private readonly Item[] _items;
    private int _count;

    public AesNiGcmBatch(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new Item[capacity];
    }

    // The interleaved code needs 512-bit VPCLMULQDQ; without it EncryptAll encrypts one by one.
    public static bool IsSupported => AesNiGcm.IsSupported && Ghash512.IsSupported;

    public int Count => _count;

    public int Capacity => _items.Length;

    // packet[0..aadLength) is authenticated, packet[aadLength..aadLength + dataLength) is encrypted in
    // place and the 16-byte tag written right after it, when the batch is full or at EncryptAll. The
    // caller must not touch the packet until then; the 16 bytes after the data may be overwritten early.
    public void Add(AesNiGcm cipher, ReadOnlySpan<byte> nonce, Memory<byte> packet, int aadLength, int dataLength)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        ArgumentOutOfRangeException.ThrowIfNotEqual(nonce.Length, AeadCipher.NonceLength, nameof(nonce));
        if (aadLength < 0 || dataLength < 0 || (long)aadLength + dataLength + AeadCipher.TagLength > packet.Length)
            ThrowOutsidePacket();
        if (_count == _items.Length)
            EncryptAll();
        ref var item = ref _items[_count++];
        item.Cipher = cipher;
        item.Packet = packet;
        item.AadLength = aadLength;
        item.DataLength = dataLength;
        Span<byte> j0 = stackalloc byte[16];
        nonce.CopyTo(j0);
        item.Counter = Vector128.Create((ReadOnlySpan<byte>)j0).AsUInt32();
    }

    public void EncryptAll()
    {
        var items = _items.AsSpan(0, _count);
        if (IsSupported)
        {
            // A packet left alone goes through its own cipher: a group of one would leave three of
            // four lanes idle (measured at 2.5 times the per-packet time for 1,200 bytes).
            for (var i = 0; i < items.Length; i += 4)
            {
                if (items.Length - i == 1)
                    EncryptOne(ref items[i]);
                else
                    EncryptGroup(items.Slice(i, Math.Min(4, items.Length - i)));
            }
        }
        else
        {
            foreach (ref var item in items)
                EncryptOne(ref item);
        }
        // Drop the references so a batch kept by a thread does not hold buffers or keys alive.
        items.Clear();
        _count = 0;
    }

    private static void EncryptOne(ref Item item)
    {
        var packet = item.Packet.Span;
        var nonce = MemoryMarshal.AsBytes(new Span<Vector128<uint>>(ref item.Counter)).Slice(0, AeadCipher.NonceLength);
        item.Cipher.Encrypt(
            nonce,
            packet.Slice(0, item.AadLength),
            default,
            packet.Slice(item.AadLength, item.DataLength),
            packet.Slice(item.AadLength + item.DataLength, AeadCipher.TagLength));
    }

    private static void EncryptGroup(Span<Item> group)
    {
        // A group of two or three leaves lanes idle: they run lane 0's keys over nothing and store
        // nothing, with zero blocks and zero H powers in GHASH.
        var l0 = new Lane(ref group[0]);
        var l1 = group.Length > 1 ? new Lane(ref group[1]) : Lane.Idle(ref l0);
        var l2 = group.Length > 2 ? new Lane(ref group[2]) : Lane.Idle(ref l0);
        var l3 = group.Length > 3 ? new Lane(ref group[3]) : Lane.Idle(ref l0);

        RunCtr(ref l0, ref l1, ref l2, ref l3);
        var x = RunGhash(group, ref l0, ref l1, ref l2, ref l3);

        var reflected = Ghash512.Reflect(x.AsByte()).AsByte();
        l0.StoreTag(reflected.GetLower().GetLower());
        l1.StoreTag(reflected.GetLower().GetUpper());
        l2.StoreTag(reflected.GetUpper().GetLower());
        l3.StoreTag(reflected.GetUpper().GetUpper());
    }

    // Counter block t + 2 for data block t (NIST SP 800-38D: J0 = IV || 1, the data from inc32(J0));
    // t = -1 is J0 itself, whose encryption masks the tag.
    private static void RunCtr(scoped ref Lane l0, scoped ref Lane l1, scoped ref Lane l2, scoped ref Lane l3)
    {
        ref var k0 = ref l0.Keys;
        ref var k1 = ref l1.Keys;
        ref var k2 = ref l2.Keys;
        ref var k3 = ref l3.Keys;
        var blocks = Math.Max(Math.Max(l0.DataBlocks, l1.DataBlocks), Math.Max(l2.DataBlocks, l3.DataBlocks));
        for (var t = -1; t < blocks; t += 2)
        {
            var a0 = Start(l0.Counter, t, k0);
            var a1 = Start(l0.Counter, t + 1, k0);
            var b0 = Start(l1.Counter, t, k1);
            var b1 = Start(l1.Counter, t + 1, k1);
            var c0 = Start(l2.Counter, t, k2);
            var c1 = Start(l2.Counter, t + 1, k2);
            var d0 = Start(l3.Counter, t, k3);
            var d1 = Start(l3.Counter, t + 1, k3);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 1);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 2);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 3);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 4);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 5);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 6);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 7);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 8);
            Round(ref a0, ref a1, ref b0, ref b1, ref c0, ref c1, ref d0, ref d1, ref k0, ref k1, ref k2, ref k3, 9);
            l0.Apply(t, X86Aes.EncryptLast(a0, Unsafe.Add(ref k0, 10)));
            l0.Apply(t + 1, X86Aes.EncryptLast(a1, Unsafe.Add(ref k0, 10)));
            l1.Apply(t, X86Aes.EncryptLast(b0, Unsafe.Add(ref k1, 10)));
            l1.Apply(t + 1, X86Aes.EncryptLast(b1, Unsafe.Add(ref k1, 10)));
            l2.Apply(t, X86Aes.EncryptLast(c0, Unsafe.Add(ref k2, 10)));
            l2.Apply(t + 1, X86Aes.EncryptLast(c1, Unsafe.Add(ref k2, 10)));
            l3.Apply(t, X86Aes.EncryptLast(d0, Unsafe.Add(ref k3, 10)));
            l3.Apply(t + 1, X86Aes.EncryptLast(d1, Unsafe.Add(ref k3, 10)));
        }
    }

    // GHASH of the four packets side by side, lane i of every register belonging to packet i:
    // X = ((X ^ B0)·H^4 + B1·H^3 + B2·H^2 + B3·H) per lane, summed unreduced, one reduction per step.
    private static Vector512<ulong> RunGhash(ReadOnlySpan<Item> group, scoped ref Lane l0, scoped ref Lane l1, scoped ref Lane l2, scoped ref Lane l3)
    {
        var c0 = group[0].Cipher;
        var c1 = group.Length > 1 ? group[1].Cipher : null;
        var c2 = group.Length > 2 ? group[2].Cipher : null;
        var c3 = group.Length > 3 ? group[3].Cipher : null;
        var h1 = Powers(c0.H1, c1?.H1, c2?.H1, c3?.H1);
        var h2 = Powers(c0.H2, c1?.H2, c2?.H2, c3?.H2);
        var h3 = Powers(c0.H3, c1?.H3, c2?.H3, c3?.H3);
        var h4 = Powers(c0.H4, c1?.H4, c2?.H4, c3?.H4);
        var blocks = Math.Max(Math.Max(l0.HashBlocks, l1.HashBlocks), Math.Max(l2.HashBlocks, l3.HashBlocks));
        var steps = (blocks + 3) & ~3;
        l0.HashStart = steps - l0.HashBlocks;
        l1.HashStart = steps - l1.HashBlocks;
        l2.HashStart = steps - l2.HashBlocks;
        l3.HashStart = steps - l3.HashBlocks;
        var x = Vector512<ulong>.Zero;
        for (var s = 0; s < steps; s += 4)
        {
            var b0 = Gather(ref l0, ref l1, ref l2, ref l3, s) ^ x;
            Ghash512.MultiplyUnreduced(b0, h4, out var lo, out var hi);
            Ghash512.MultiplyUnreduced(Gather(ref l0, ref l1, ref l2, ref l3, s + 1), h3, out var lo1, out var hi1);
            Ghash512.MultiplyUnreduced(Gather(ref l0, ref l1, ref l2, ref l3, s + 2), h2, out var lo2, out var hi2);
            Ghash512.MultiplyUnreduced(Gather(ref l0, ref l1, ref l2, ref l3, s + 3), h1, out var lo3, out var hi3);
            x = Ghash512.Reduce(lo ^ lo1 ^ lo2 ^ lo3, hi ^ hi1 ^ hi2 ^ hi3);
        }
        return x;
    }

    // One H power of each lane's key; an idle lane's is zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Powers(Vector128<ulong> p0, Vector128<ulong>? p1, Vector128<ulong>? p2, Vector128<ulong>? p3) =>
        Vector512.Create(
            Vector256.Create(p0, p1 ?? Vector128<ulong>.Zero),
            Vector256.Create(p2 ?? Vector128<ulong>.Zero, p3 ?? Vector128<ulong>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Gather(scoped ref Lane l0, scoped ref Lane l1, scoped ref Lane l2, scoped ref Lane l3, int step) =>
        Ghash512.Reflect(Vector512.Create(
            Vector256.Create(l0.HashBlock(step), l1.HashBlock(step)),
            Vector256.Create(l2.HashBlock(step), l3.HashBlock(step))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Start(Vector128<uint> counter, int block, Vector128<byte> firstKey) =>
        Sse2.Xor(counter.WithElement(3, BinaryPrimitives.ReverseEndianness((uint)(block + 2))).AsByte(), firstKey);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector128<byte> a0, ref Vector128<byte> a1, ref Vector128<byte> b0, ref Vector128<byte> b1,
        ref Vector128<byte> c0, ref Vector128<byte> c1, ref Vector128<byte> d0, ref Vector128<byte> d1,
        ref Vector128<byte> k0, ref Vector128<byte> k1, ref Vector128<byte> k2, ref Vector128<byte> k3, int round)
    {
        a0 = X86Aes.Encrypt(a0, Unsafe.Add(ref k0, round));
        a1 = X86Aes.Encrypt(a1, Unsafe.Add(ref k0, round));
        b0 = X86Aes.Encrypt(b0, Unsafe.Add(ref k1, round));
        b1 = X86Aes.Encrypt(b1, Unsafe.Add(ref k1, round));
        c0 = X86Aes.Encrypt(c0, Unsafe.Add(ref k2, round));
        c1 = X86Aes.Encrypt(c1, Unsafe.Add(ref k2, round));
        d0 = X86Aes.Encrypt(d0, Unsafe.Add(ref k3, round));
        d1 = X86Aes.Encrypt(d1, Unsafe.Add(ref k3, round));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowOutsidePacket() =>
        throw new ArgumentOutOfRangeException("packet", "The associated data, the data and a 16-byte tag must fit in the packet.");

    private struct Item
    {
        public AesNiGcm Cipher;
        public Memory<byte> Packet;
        public int AadLength;
        public int DataLength;
        // J0 = nonce || 00000001; the last word is rewritten per block.
        public Vector128<uint> Counter;
    }

    // One packet of a group while it is encrypted: refs into its buffer and its cipher's key schedule.
    private ref struct Lane
    {
        public ref byte Packet;
        public ref Vector128<byte> Keys;
        public Vector128<uint> Counter;
        public Vector128<byte> TagMask;
        public Vector128<byte> LengthBlock;
        public int AadLength;
        public int DataLength;
        public int AadBlocks;
        public int DataBlocks;
        public int HashBlocks;
        public int HashStart;
        public bool Active;

        public Lane(ref Item item)
        {
            Packet = ref MemoryMarshal.GetReference(item.Packet.Span);
            Keys = ref Unsafe.AsRef(in item.Cipher.Ctr.FirstRoundKey);
            Counter = item.Counter;
            AadLength = item.AadLength;
            DataLength = item.DataLength;
            AadBlocks = (AadLength + 15) >> 4;
            DataBlocks = (DataLength + 15) >> 4;
            HashBlocks = AadBlocks + DataBlocks + 1;
            // len(A) || len(C) in bits, 64-bit big-endian each.
            LengthBlock = Vector128.Create(
                BinaryPrimitives.ReverseEndianness((ulong)AadLength * 8),
                BinaryPrimitives.ReverseEndianness((ulong)DataLength * 8)).AsByte();
            Active = true;
        }

        public static Lane Idle(scoped ref Lane keysOf)
        {
            var lane = default(Lane);
            lane.Packet = ref keysOf.Packet;
            lane.Keys = ref keysOf.Keys;
            return lane;
        }

        // Keystream block t of this packet: t = -1 is E(J0), kept for the tag; the others are XORed into
        // the data, whole 16 bytes even for a short last block: what lands past the data falls in the tag's
        // place, written after GHASH has read the data (masked).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int t, Vector128<byte> keystream)
        {
            if (t < 0)
            {
                TagMask = keystream;
                return;
            }
            if (t >= DataBlocks)
                return;
            ref var at = ref Unsafe.Add(ref Packet, AadLength + (t << 4));
            (Vector128.LoadUnsafe(ref at) ^ keystream).StoreUnsafe(ref at);
        }

        // Block `step` of this lane's GHASH input (AAD, zero-padded; ciphertext, zero-padded; lengths),
        // shifted so that every lane ends on the same step; before its start, zero.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly Vector128<byte> HashBlock(int step)
        {
            var k = step - HashStart;
            if (k < 0)
                return Vector128<byte>.Zero;
            if (k < AadBlocks)
                return Load(k << 4, AadLength - (k << 4));
            k -= AadBlocks;
            if (k < DataBlocks)
                return Load(AadLength + (k << 4), DataLength - (k << 4));
            return LengthBlock;
        }

        public readonly void StoreTag(Vector128<byte> hash)
        {
            if (Active)
                (hash ^ TagMask).StoreUnsafe(ref Unsafe.Add(ref Packet, AadLength + DataLength));
        }

        // 16 bytes at offset, only the first `remaining` kept when fewer are left; reading past them is
        // safe (the tag's 16 bytes follow the data).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly Vector128<byte> Load(int offset, int remaining)
        {
            var block = Vector128.LoadUnsafe(ref Unsafe.Add(ref Packet, offset));
            return remaining >= 16
                ? block
                : block & Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(PartialBlockMask), (nuint)(16 - remaining));
        }
    }
}
