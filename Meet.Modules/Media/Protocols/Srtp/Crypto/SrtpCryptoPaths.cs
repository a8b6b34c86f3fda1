namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

internal readonly record struct SrtpCryptoPaths(SrtpCipherPath Cipher, SrtpMacPath Mac)
{
    public static SrtpCryptoPaths Auto => new(SrtpCipherPath.Auto, SrtpMacPath.Auto);
}
