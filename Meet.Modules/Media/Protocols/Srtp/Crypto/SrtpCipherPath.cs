namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// Which implementation carries the AES part of a profile. Internal so tests and benchmarks can force
// each one; production takes Auto (the fastest available).
internal enum SrtpCipherPath
{
    Auto,
    // libcrypto EVP (GCM or CTR).
    OpenSsl,
    // AES-CTR on System.Runtime.Intrinsics.X86.Aes (AES-CM profile only).
    AesNi,
    // AesGcm / ECB ICryptoTransform: works everywhere .NET does.
    Portable,
}
