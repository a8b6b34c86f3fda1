namespace Meet.Modules.Media.Protocols.Srtp;

// Both directions of one DTLS-SRTP association: protect with our keys, unprotect with the peer's.
public sealed class SrtpSession : IDisposable
{
    private readonly SrtpContext _outbound;
    private readonly SrtpContext _inbound;

    public SrtpSession(SrtpKeyingMaterial local, SrtpKeyingMaterial remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        if (local.Profile != remote.Profile)
        {
            throw new ArgumentException("Both directions must use the same protection profile.", nameof(remote));
        }

        _outbound = new SrtpContext(local);
        try
        {
            _inbound = new SrtpContext(remote);
        }
        catch
        {
            _outbound.Dispose();
            throw;
        }
    }

    public SrtpProtectionProfile Profile => _outbound.Profile;

    public int RtpOverhead => _outbound.RtpOverhead;

    public int RtcpOverhead => _outbound.RtcpOverhead;

    // exported: RFC 5764 §4.2 keying material from the DTLS exporter (label
    // SrtpKeyingMaterial.DtlsExporterLabel, SrtpKeyingMaterial.GetDtlsExportLength(profile) bytes).
    public static SrtpSession FromDtlsExport(SrtpProtectionProfile profile, ReadOnlySpan<byte> exported, bool isDtlsClient)
    {
        var (local, remote) = SrtpKeyingMaterial.FromDtlsExport(profile, exported, isDtlsClient);
        return new SrtpSession(local, remote);
    }

    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, out SrtpError error) =>
        _outbound.TryProtectRtp(buffer, length, out protectedLength, out error);

    // Protect whose encryption may be left to a multi-buffer batch (SrtpContext.TryProtectRtp).
    internal bool TryProtectRtp(Memory<byte> buffer, int length, Crypto.AesNiGcmBatch batch, out int protectedLength, out SrtpError error) =>
        _outbound.TryProtectRtp(buffer, length, batch, out protectedLength, out error);

    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int unprotectedLength, out SrtpError error) =>
        _inbound.TryUnprotectRtp(buffer, length, out unprotectedLength, out error);

    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength, out SrtpError error) =>
        _outbound.TryProtectRtcp(buffer, length, out protectedLength, out error);

    public bool TryUnprotectRtcp(Span<byte> buffer, int length, out int unprotectedLength, out SrtpError error) =>
        _inbound.TryUnprotectRtcp(buffer, length, out unprotectedLength, out error);

    public bool RemoveStream(uint ssrc)
    {
        bool outbound = _outbound.RemoveStream(ssrc);
        bool inbound = _inbound.RemoveStream(ssrc);
        return outbound || inbound;
    }

    public void Dispose()
    {
        _outbound.Dispose();
        _inbound.Dispose();
    }
}
