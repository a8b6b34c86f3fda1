using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Host;

// The web client's end-to-end encryption (ClientApp/src/e2ee, docs/security.md) mirrored in C#:
// the key schedule and frame layout checked against Fixtures/E2ee/vectors.json (made with Python's
// cryptography; E2eeCallTests checks the TypeScript against the same file in Chromium), and the SFU's
// keyframe detection on encrypted VP8, which only sees the clear header.
public sealed class E2eeFrameFormatTests
{
    private const int TrailerLength = 26;
    private const int TagLength = 16;
    private static readonly byte[] HkdfSalt = "meet-e2ee-v1"u8.ToArray();

    internal static JsonElement Vectors { get; } =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "E2ee", "vectors.json"))).RootElement;

    private static IEnumerable<TestCaseData> KeyVectors() =>
        Vectors.GetProperty("keys").EnumerateArray().Select(v => new TestCaseData(v.GetRawText()).SetArgDisplayNames($"{v.GetProperty("senderId")}@{v.GetProperty("epoch")}"));

    private static IEnumerable<TestCaseData> FrameVectors() =>
        Vectors.GetProperty("frames").EnumerateArray().Select(v => new TestCaseData(v.GetRawText()).SetArgDisplayNames(v.GetProperty("name").GetString()!));

    [TestCaseSource(nameof(KeyVectors))]
    public void Sender_key_and_salt_follow_the_documented_hkdf_schedule(string json)
    {
        var v = JsonDocument.Parse(json).RootElement;

        var (key, salt) = Derive(Secret(v), v.GetProperty("senderId").GetString()!, v.GetProperty("epoch").GetUInt32());

        Convert.ToHexStringLower(key).Should().Be(v.GetProperty("key").GetString());
        Convert.ToHexStringLower(salt).Should().Be(v.GetProperty("salt").GetString());
    }

    [TestCaseSource(nameof(FrameVectors))]
    public void Frame_is_sealed_as_documented_and_opens_only_with_the_meeting_secret(string json)
    {
        var v = JsonDocument.Parse(json).RootElement;
        var plain = Convert.FromHexString(v.GetProperty("plain").GetString()!);
        var senderId = v.GetProperty("senderId").GetString()!;

        var sealedFrame = Seal(Secret(v), senderId, v.GetProperty("epoch").GetUInt32(), v.GetProperty("counter").GetUInt32(), v.GetProperty("clearBytes").GetInt32(), plain);

        Convert.ToHexStringLower(sealedFrame).Should().Be(v.GetProperty("sealed").GetString());
        TryOpen(Secret(v), sealedFrame, out var opened).Should().BeTrue();
        opened.Should().Equal(plain);
        var wrongSecret = Secret(v);
        wrongSecret[0] ^= 1;
        TryOpen(wrongSecret, sealedFrame, out _).Should().BeFalse("another meeting's key does not authenticate the frame");
        var tampered = sealedFrame.ToArray();
        tampered[0] ^= 0x40; // the clear header is authenticated too
        TryOpen(Secret(v), tampered, out _).Should().BeFalse();
    }

    [Test]
    public void Sfu_detects_keyframes_in_encrypted_vp8_from_the_clear_header()
    {
        var frames = Vectors.GetProperty("frames").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => Convert.FromHexString(f.GetProperty("sealed").GetString()!));

        // RFC 7741 payload descriptor of a frame's first packet (S = 1, PID = 0), then the encrypted frame.
        Vp8PayloadDescriptor.TryParse([0x10, .. frames["vp8 key frame"]], out var key).Should().BeTrue();
        Vp8PayloadDescriptor.TryParse([0x10, .. frames["vp8 delta frame"]], out var delta).Should().BeTrue();

        key.IsKeyFrame.Should().BeTrue();
        delta.IsKeyFrame.Should().BeFalse();
        // The key frame's start code and dimensions (what a receiver's depacketizer reads) stay readable.
        frames["vp8 key frame"].AsSpan(3, 3).ToArray().Should().Equal(0x9d, 0x01, 0x2a);
    }

    [Test]
    public void Encrypted_payload_past_the_clear_header_differs_from_the_plain_frame()
    {
        var v = Vectors.GetProperty("frames")[0];
        var plain = Convert.FromHexString(v.GetProperty("plain").GetString()!);
        var sealedFrame = Convert.FromHexString(v.GetProperty("sealed").GetString()!);

        sealedFrame.AsSpan(10, plain.Length - 10).SequenceEqual(plain.AsSpan(10)).Should().BeFalse();
        sealedFrame.Length.Should().Be(plain.Length + TagLength + TrailerLength);
    }

    internal static byte[] Secret(JsonElement vector)
    {
        var text = vector.GetProperty("secret").GetString()!.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text + new string('=', (4 - text.Length % 4) % 4));
    }

    private static (byte[] Key, byte[] Salt) Derive(byte[] secret, string senderId, uint epoch) => (
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 16, HkdfSalt, Encoding.UTF8.GetBytes($"meet e2ee key {senderId} {epoch}")),
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 12, HkdfSalt, Encoding.UTF8.GetBytes($"meet e2ee salt {senderId} {epoch}")));

    private static byte[] Nonce(byte[] salt, uint counter)
    {
        var nonce = salt.ToArray();
        Span<byte> counterBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counterBytes, counter);
        for (var i = 0; i < 4; i++)
            nonce[8 + i] ^= counterBytes[i];
        return nonce;
    }

    private static byte[] Seal(byte[] secret, string senderId, uint epoch, uint counter, int clearBytes, byte[] plain)
    {
        var (key, salt) = Derive(secret, senderId, epoch);
        var trailer = new byte[TrailerLength];
        Convert.FromHexString(senderId.Replace("-", "", StringComparison.Ordinal)).CopyTo(trailer, 0);
        BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(16), epoch);
        BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(20), counter);
        trailer[24] = (byte)clearBytes;
        trailer[25] = 0x4d;
        var output = new byte[plain.Length + TagLength + TrailerLength];
        plain.AsSpan(0, clearBytes).CopyTo(output);
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(Nonce(salt, counter), plain.AsSpan(clearBytes), output.AsSpan(clearBytes, plain.Length - clearBytes),
            output.AsSpan(plain.Length, TagLength), [.. plain.AsSpan(0, clearBytes), .. trailer]);
        trailer.CopyTo(output, plain.Length + TagLength);
        return output;
    }

    // A frame sealed by a page (or the vectors) opened with the meeting secret: false when it does not authenticate.
    internal static bool TryOpen(byte[] secret, byte[] frame, out byte[] plain)
    {
        plain = [];
        if (frame.Length < TrailerLength + TagLength)
            return false;
        var trailer = frame.AsSpan(frame.Length - TrailerLength);
        var clearBytes = trailer[24];
        if (trailer[25] != 0x4d || clearBytes + TagLength + TrailerLength > frame.Length)
            return false;
        var senderId = new Guid(trailer[..16], bigEndian: true).ToString();
        var epoch = BinaryPrimitives.ReadUInt32BigEndian(trailer[16..]);
        var counter = BinaryPrimitives.ReadUInt32BigEndian(trailer[20..]);
        var (key, salt) = Derive(secret, senderId, epoch);
        var cipherLength = frame.Length - TrailerLength - TagLength - clearBytes;
        var output = new byte[clearBytes + cipherLength];
        frame.AsSpan(0, clearBytes).CopyTo(output);
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(Nonce(salt, counter), frame.AsSpan(clearBytes, cipherLength), frame.AsSpan(clearBytes + cipherLength, TagLength),
                output.AsSpan(clearBytes), [.. frame.AsSpan(0, clearBytes), .. trailer]);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        plain = output;
        return true;
    }
}
