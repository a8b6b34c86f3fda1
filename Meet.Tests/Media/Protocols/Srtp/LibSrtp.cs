using System.Runtime.InteropServices;
using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

// libsrtp2 2.5 (Debian libsrtp2-1) as the independent implementation our SRTP must agree with.
// One instance is one srtp_t with a single any_inbound or any_outbound policy.
internal sealed unsafe partial class LibSrtp : IDisposable
{
    public const int ErrOk = 0;
    public const int ErrAuthFail = 7;
    public const int ErrReplayFail = 9;
    public const int ErrReplayOld = 10;

    private const string Library = "libsrtp2.so.1";
    private static readonly Lazy<int> Initialised = new(() => srtp_init());

    private nint _session;

    public LibSrtp(
        SrtpProtectionProfile profile, SrtpKeyingMaterial keys, bool outbound, uint windowSize = 1024, bool encryptRtcp = true)
    {
        if (Initialised.Value != ErrOk)
        {
            throw new InvalidOperationException($"srtp_init failed: {Initialised.Value}");
        }

        var policy = default(Policy);
        if (profile == SrtpProtectionProfile.AeadAes128Gcm)
        {
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.Rtp);
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.Rtcp);
        }
        else
        {
            srtp_crypto_policy_set_rtp_default(&policy.Rtp);
            srtp_crypto_policy_set_rtcp_default(&policy.Rtcp);
        }

        if (!encryptRtcp)
        {
            policy.Rtcp.SecurityServices = 2; // sec_serv_auth: SRTCP sent with E = 0
        }

        // libsrtp takes master key || master salt in one buffer and copies it during srtp_create.
        byte[] key = [.. keys.MasterKey, .. keys.MasterSalt];
        policy.SsrcType = outbound ? 3 : 2; // ssrc_any_outbound : ssrc_any_inbound
        policy.WindowSize = windowSize;
        fixed (byte* k = key)
        {
            policy.Key = (nint)k;
            nint session;
            int status = srtp_create(&session, &policy);
            if (status != ErrOk)
            {
                throw new InvalidOperationException($"srtp_create failed: {status}");
            }

            _session = session;
        }
    }

    // The 2.5 header's srtp_policy_t on x86-64: ssrc {type, value}, two crypto policies of six ints,
    // key, keys, num_master_keys, deprecated_ekt, window_size, allow_repeat_tx, enc_xtn_hdr,
    // enc_xtn_hdr_count, next — 128 bytes.
    public static int PolicySize => sizeof(Policy);

    public int Protect(byte[] buffer, ref int length) => Call(buffer, ref length, &srtp_protect);

    public int Unprotect(byte[] buffer, ref int length) => Call(buffer, ref length, &srtp_unprotect);

    public int ProtectRtcp(byte[] buffer, ref int length) => Call(buffer, ref length, &srtp_protect_rtcp);

    public int UnprotectRtcp(byte[] buffer, ref int length) => Call(buffer, ref length, &srtp_unprotect_rtcp);

    public void Dispose()
    {
        if (_session != 0)
        {
            srtp_dealloc(_session);
            _session = 0;
        }
    }

    private int Call(byte[] buffer, ref int length, delegate*<nint, byte*, int*, int> function)
    {
        ObjectDisposedException.ThrowIf(_session == 0, this);
        int len = length;
        int status;
        fixed (byte* b = buffer)
        {
            status = function(_session, b, &len);
        }

        length = len;
        return status;
    }

    [LibraryImport(Library)]
    private static partial int srtp_init();

    [LibraryImport(Library)]
    private static partial int srtp_create(nint* session, Policy* policy);

    [LibraryImport(Library)]
    private static partial int srtp_dealloc(nint session);

    [LibraryImport(Library)]
    private static partial int srtp_protect(nint session, byte* packet, int* length);

    [LibraryImport(Library)]
    private static partial int srtp_unprotect(nint session, byte* packet, int* length);

    [LibraryImport(Library)]
    private static partial int srtp_protect_rtcp(nint session, byte* packet, int* length);

    [LibraryImport(Library)]
    private static partial int srtp_unprotect_rtcp(nint session, byte* packet, int* length);

    [LibraryImport(Library)]
    private static partial void srtp_crypto_policy_set_aes_gcm_128_16_auth(CryptoPolicy* policy);

    [LibraryImport(Library)]
    private static partial void srtp_crypto_policy_set_rtp_default(CryptoPolicy* policy);

    [LibraryImport(Library)]
    private static partial void srtp_crypto_policy_set_rtcp_default(CryptoPolicy* policy);

    [StructLayout(LayoutKind.Sequential)]
    private struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public nint Key;
        public nint Keys;
        public nuint NumMasterKeys;
        public nint DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public nint EncryptedExtensionHeaders;
        public int EncryptedExtensionHeaderCount;
        public nint Next;
    }
}
