namespace Meet.Modules.Media.Protocols.Dtls;

// Values are the IANA "DTLS-SRTP Protection Profiles" code points (RFC 5764 §4.1.2, RFC 7714 §14.2).
public enum DtlsSrtpProfile
{
    Aes128CmHmacSha1_80 = 0x0001,
    AeadAes128Gcm = 0x0007,
}
