namespace Meet.Modules.Media.Protocols.Sdp;

// RFC 7587 §6.1: useinbandfec and usedtx are the receiver's wishes to the Opus encoder. The SFU, as the
// publisher's receiver, asks for both (issue 11): in-band FEC lets subscribers' decoders hide a lost
// packet from the next one, DTX sends almost nothing during silence. Other parameters are kept as they are.
public static class OpusFmtp
{
    public static string WithFecAndDtx(string? parameters)
    {
        var kept = (parameters ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => !p.StartsWith("useinbandfec=", StringComparison.OrdinalIgnoreCase)
                && !p.StartsWith("usedtx=", StringComparison.OrdinalIgnoreCase));
        return string.Join(';', kept.Append("useinbandfec=1").Append("usedtx=1"));
    }

    // Every Opus payload type of an answer's audio sections gets the two parameters.
    public static void RequestFecAndDtx(SdpMediaDescription section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var rtpMap in section.RtpMaps.Where(r => r.EncodingName.Equals("opus", StringComparison.OrdinalIgnoreCase)))
        {
            var existing = section.FindFmtp(rtpMap.PayloadType);
            var updated = new SdpFmtp(rtpMap.PayloadType, WithFecAndDtx(existing?.Parameters));
            if (existing is null)
                section.Fmtps.Add(updated);
            else
                section.Fmtps[section.Fmtps.IndexOf(existing)] = updated;
        }
    }
}
