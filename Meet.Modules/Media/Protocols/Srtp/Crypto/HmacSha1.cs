namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// HMAC-SHA1 (RFC 2104) over one contiguous span: the SRTP transforms lay the ROC / SRTCP index out
// after the authenticated bytes so a single pass covers everything (as libsrtp does).
internal abstract class HmacSha1 : IDisposable
{
    public const int DigestLength = 20;

    public static HmacSha1 Create(ReadOnlySpan<byte> key, SrtpMacPath path) => path switch
    {
        SrtpMacPath.Auto => Native.IsOpenSslAvailable ? new OpenSslHmacSha1(key) : new PortableHmacSha1(key),
        SrtpMacPath.OpenSsl => new OpenSslHmacSha1(key),
        SrtpMacPath.Portable => new PortableHmacSha1(key),
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "No such HMAC-SHA1 implementation."),
    };

    public abstract void Compute(ReadOnlySpan<byte> data, Span<byte> digest);

    public virtual void Dispose()
    {
    }
}
