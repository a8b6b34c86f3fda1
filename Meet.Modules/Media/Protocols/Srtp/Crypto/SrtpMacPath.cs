namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// Which implementation computes HMAC-SHA1 for the AES-CM profile.
internal enum SrtpMacPath
{
    Auto,
    // libcrypto's SHA-1 (SHA-NI where the CPU has it) over precomputed pad states.
    OpenSsl,
    // IncrementalHash HMAC-SHA1.
    Portable,
}
