using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Srtp;

// The keys one direction uses for either SRTP or SRTCP, after key derivation.
internal sealed class SrtpSessionKeys
{
    // RFC 3711 §4.3.2 labels; SRTCP uses the next three.
    private const byte EncryptionLabel = 0x00;
    private const byte AuthenticationLabel = 0x01;
    private const byte SaltLabel = 0x02;
    private const byte RtcpLabelOffset = 0x03;

    public SrtpSessionKeys(SrtpProtectionProfile profile, byte[] encryptionKey, byte[] salt, byte[] authKey)
    {
        Profile = profile;
        EncryptionKey = encryptionKey;
        Salt = salt;
        AuthKey = authKey;
    }

    public SrtpProtectionProfile Profile { get; }

    public byte[] EncryptionKey { get; }

    public byte[] Salt { get; }

    public byte[] AuthKey { get; }

    public void ClearSecrets()
    {
        CryptographicOperations.ZeroMemory(EncryptionKey);
        CryptographicOperations.ZeroMemory(AuthKey);
    }

    public static SrtpSessionKeys Derive(SrtpKeyingMaterial master, bool rtcp)
    {
        var parameters = SrtpProfileParameters.For(master.Profile);
        byte offset = rtcp ? RtcpLabelOffset : (byte)0;
        var key = new byte[parameters.MasterKeyLength];
        var salt = new byte[parameters.SessionSaltLength];
        var auth = new byte[parameters.AuthKeyLength];
        using var aes = Aes.Create();
        var masterKey = master.MasterKey.ToArray();
        aes.Key = masterKey;
        CryptographicOperations.ZeroMemory(masterKey);
        DeriveKey(aes, master.MasterSalt, (byte)(EncryptionLabel + offset), key);
        DeriveKey(aes, master.MasterSalt, (byte)(SaltLabel + offset), salt);
        DeriveKey(aes, master.MasterSalt, (byte)(AuthenticationLabel + offset), auth);
        return new SrtpSessionKeys(master.Profile, key, salt, auth);
    }

    // RFC 3711 §4.3.1 with key_derivation_rate 0 (r = 0, as DTLS-SRTP mandates): x = (label << 48) XOR
    // master_salt in a 112-bit field, then AES-CM keystream from IV = x * 2^16. RFC 7714 §11 keeps the
    // same PRF for GCM with its 96-bit master salt placed in the high bits of that field (zero-padded
    // on the right), which is also what libsrtp does.
    internal static void DeriveKey(Aes aes, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (output.IsEmpty)
        {
            return;
        }

        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        int blocks = (output.Length + 15) / 16;
        Span<byte> counters = stackalloc byte[blocks * 16];
        Span<byte> keystream = stackalloc byte[blocks * 16];
        for (int i = 0; i < blocks; i++)
        {
            iv.CopyTo(counters.Slice(i * 16, 16));
            counters[(i * 16) + 15] = (byte)i;
        }

        aes.EncryptEcb(counters, keystream, PaddingMode.None);
        keystream.Slice(0, output.Length).CopyTo(output);
    }
}
