namespace Meet.Modules.Media.Protocols.Srtp;

// Values are the DTLS-SRTP protection profile identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2),
// so the DTLS layer can cast the negotiated use_srtp profile straight to this enum.
public enum SrtpProtectionProfile : ushort
{
    AesCm128HmacSha1_80 = 0x0001,
    AeadAes128Gcm = 0x0007,
}
