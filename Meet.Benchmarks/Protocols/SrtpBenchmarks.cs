using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Benchmarks.Protocols;

// Per-packet SRTP cost of each implementation path, with Debian's libsrtp2 in the same run.
// Packet = 12-byte RTP header + payload, Size bytes in all. Cases:
//   GCM-EVP        AEAD_AES_128_GCM through libcrypto EVP (default on Linux)
//   GCM-AESNI      AEAD_AES_128_GCM on AES-NI + PCLMULQDQ intrinsics
//   GCM-AesGcm     AEAD_AES_128_GCM through System.Security.Cryptography.AesGcm (portable fallback)
//   CM-AESNI+SHA1  AES-CM on AES-NI intrinsics + HMAC over libcrypto SHA-1 (default on x64 Linux)
//   CM-EVP+SHA1    AES-CM through libcrypto EVP + HMAC over libcrypto SHA-1
//   CM-AESNI+HMAC  AES-CM on AES-NI intrinsics + IncrementalHash HMAC-SHA1
//   CM-Portable    AES-CM from an ECB ICryptoTransform + IncrementalHash HMAC-SHA1 (portable fallback)
//   *-libsrtp2     Debian's libsrtp2 2.5 (NSS crypto backend), the yardstick
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*SrtpBenchmarks*' --job short
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    // Unprotect replays a ring of distinct packets; replay protection is reset when it wraps.
    private const int RingSize = 512;
    private const uint Ssrc = 0x12345678;

    private SrtpContext? _sender;
    private SrtpContext? _receiver;
    private SrtpLibSrtp? _libSender;
    private SrtpLibSrtp? _libReceiver;
    private SrtpKeyingMaterial _keys = null!;
    private SrtpProtectionProfile _profile;
    private byte[] _buffer = [];
    private byte[][] _ring = [];
    private int _protectedLength;
    private ushort _sequence;
    private int _next;

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [Params(200, 1200)]
    public int Size { get; set; }

    public static IEnumerable<string> Cases =>
    [
        "GCM-EVP",
        "GCM-AESNI",
        "GCM-AesGcm",
        "GCM-libsrtp2",
        "CM-AESNI+SHA1",
        "CM-EVP+SHA1",
        "CM-AESNI+HMAC",
        "CM-Portable",
        "CM-libsrtp2",
    ];

    [GlobalSetup]
    public void Setup()
    {
        _profile = Case.StartsWith("GCM", StringComparison.Ordinal)
            ? SrtpProtectionProfile.AeadAes128Gcm
            : SrtpProtectionProfile.AesCm128HmacSha1_80;
        var key = Enumerable.Range(0, 16).Select(i => (byte)(i * 11)).ToArray();
        var salt = Enumerable.Range(0, _profile == SrtpProtectionProfile.AeadAes128Gcm ? 12 : 14).Select(i => (byte)(i * 5)).ToArray();
        _keys = new SrtpKeyingMaterial(_profile, key, salt);

        if (Case.EndsWith("libsrtp2", StringComparison.Ordinal))
        {
            _libSender = new SrtpLibSrtp(_profile, _keys, outbound: true);
            _libReceiver = new SrtpLibSrtp(_profile, _keys, outbound: false);
        }
        else
        {
            var paths = Case switch
            {
                "GCM-EVP" => new SrtpCryptoPaths(SrtpCipherPath.OpenSsl, SrtpMacPath.Auto),
                "GCM-AESNI" => new SrtpCryptoPaths(SrtpCipherPath.AesNi, SrtpMacPath.Auto),
                "GCM-AesGcm" => new SrtpCryptoPaths(SrtpCipherPath.Portable, SrtpMacPath.Auto),
                "CM-AESNI+SHA1" => new SrtpCryptoPaths(SrtpCipherPath.AesNi, SrtpMacPath.OpenSsl),
                "CM-EVP+SHA1" => new SrtpCryptoPaths(SrtpCipherPath.OpenSsl, SrtpMacPath.OpenSsl),
                "CM-AESNI+HMAC" => new SrtpCryptoPaths(SrtpCipherPath.AesNi, SrtpMacPath.Portable),
                "CM-Portable" => new SrtpCryptoPaths(SrtpCipherPath.Portable, SrtpMacPath.Portable),
                _ => throw new ArgumentOutOfRangeException(nameof(Case), Case, null),
            };
            _sender = new SrtpContext(_keys, paths);
            _receiver = new SrtpContext(_keys, paths);
        }

        _buffer = new byte[Size + 64];
        Packet(0).CopyTo(_buffer, 0);

        // The ring is protected by a separate sender so the benchmark's own sender starts fresh.
        using var ringSender = new SrtpContext(_keys);
        _ring = new byte[RingSize][];
        for (int i = 0; i < RingSize; i++)
        {
            var packet = new byte[Size + 64];
            Packet((ushort)i).CopyTo(packet, 0);
            if (!ringSender.TryProtectRtp(packet, Size, out _protectedLength, out var error))
            {
                throw new InvalidOperationException(error.ToString());
            }

            _ring[i] = packet;
        }

        // Prove every unprotect path accepts the ring before timing it.
        for (int i = 0; i < RingSize; i++)
        {
            if (Unprotect() != Size)
            {
                throw new InvalidOperationException($"{Case}: ring packet {i} did not unprotect.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender?.Dispose();
        _receiver?.Dispose();
        _libSender?.Dispose();
        _libReceiver?.Dispose();
    }

    // Each call protects the next sequence number (re-protecting one index is refused by design),
    // in place, over whatever the previous call left in the payload.
    [Benchmark]
    public int Protect()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), ++_sequence);
        if (_libSender is not null)
        {
            int length = Size;
            _libSender.Protect(_buffer, ref length);
            return length;
        }

        _sender!.TryProtectRtp(_buffer, Size, out int protectedLength, out _);
        return protectedLength;
    }

    // Copies the next ring packet into the work buffer (same cost for every case) and unprotects it.
    [Benchmark]
    public int Unprotect()
    {
        if (_next == RingSize)
        {
            _next = 0;
            if (_libReceiver is not null)
            {
                // libsrtp has no way to forget replay state: start a fresh session (native memory
                // only; its cost is spread over RingSize packets).
                _libReceiver.Dispose();
                _libReceiver = new SrtpLibSrtp(_profile, _keys, outbound: false);
            }
            else
            {
                _receiver!.ResetInboundReplayState();
            }
        }

        _ring[_next++].AsSpan(0, _protectedLength).CopyTo(_buffer);
        if (_libReceiver is not null)
        {
            int length = _protectedLength;
            return _libReceiver.Unprotect(_buffer, ref length) == 0 ? length : -1;
        }

        return _receiver!.TryUnprotectRtp(_buffer, _protectedLength, out int plainLength, out _) ? plainLength : -1;
    }

    private byte[] Packet(ushort sequence)
    {
        var packet = new byte[Size];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        new Random(sequence).NextBytes(packet.AsSpan(12));
        return packet;
    }
}
