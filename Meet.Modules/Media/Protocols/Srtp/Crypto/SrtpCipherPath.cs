namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// Which implementation carries the AES part of a profile. Internal so tests and benchmarks can force
// each one; production takes Auto (the fastest available).
internal enum SrtpCipherPath
{
    Auto,
    // libcrypto EVP (GCM or CTR).
    OpenSsl,
    // System.Runtime.Intrinsics.X86: AES-NI for CTR; AES-NI + PCLMULQDQ for GCM.
    AesNi,
    // GCM with GHASH on 512-bit VPCLMULQDQ (AVX-512), sixteen blocks per reduction, CTR on AES-NI.
    // CTR profiles take AES-NI. Falls back to the AesNi path where the CPU lacks AVX-512.
    Vaes,
    // AesGcm / ECB ICryptoTransform: works everywhere .NET does.
    Portable,
}
