namespace Meet.Modules.Media.Protocols.Sdp;

// The H.264 fmtp "profile-level-id" (RFC 6184 §8.1): three bytes in hex, profile_idc, profile-iop
// (constraint_set0..5 flags) and level_idc. Two H.264 payload formats describe the same codec
// configuration when their profiles match and their packetization-mode is equal (§8.2.2); the level
// may differ (level-asymmetry-allowed). The profile names follow libwebrtc's table, which is what
// browsers offer: Constrained Baseline 42e0xx/4240xx, Baseline 4200xx, Main 4d00xx, Constrained High
// 640cxx, High 6400xx.
public readonly record struct H264ProfileLevelId(H264Profile Profile, byte ProfileIdc, byte ProfileIop, byte Level)
{
    // RFC 6184 §8.1: without the parameter the stream is Baseline, level 1.0 (42000A).
    public static readonly H264ProfileLevelId Default = new(H264Profile.Baseline, 0x42, 0x00, 0x0A);

    public static bool TryParse(ReadOnlySpan<char> text, out H264ProfileLevelId value)
    {
        value = default;
        if (text.Length != 6 || !TryHexByte(text[..2], out var idc) || !TryHexByte(text[2..4], out var iop) || !TryHexByte(text[4..], out var level))
            return false;
        var profile = Classify(idc, iop);
        if (profile is null || level == 0)
            return false;
        value = new H264ProfileLevelId(profile.Value, idc, iop, level);
        return true;
    }

    // The fmtp of one H.264 payload type: its profile (default when absent) and packetization-mode
    // (0 when absent, §8.1). False when profile-level-id is present but not a known profile.
    public static bool TryRead(SdpFmtp? fmtp, out H264ProfileLevelId profile, out int packetizationMode)
    {
        profile = Default;
        packetizationMode = 0;
        if (fmtp is null)
            return true;
        var parameters = fmtp.GetParameters();
        if (parameters.TryGetValue("packetization-mode", out var mode) && !(mode is "0" or "1" or "2" && int.TryParse(mode, out packetizationMode)))
            return false;
        return !parameters.TryGetValue("profile-level-id", out var id) || TryParse(id, out profile);
    }

    // RFC 6184 §8.2.2: same profile and same packetization-mode; levels may differ.
    public static bool SameConfiguration(SdpFmtp? a, SdpFmtp? b) =>
        TryRead(a, out var pa, out var ma) && TryRead(b, out var pb, out var mb) && pa.Profile == pb.Profile && ma == mb;

    public override string ToString() => $"{ProfileIdc:x2}{ProfileIop:x2}{Level:x2}";

    // constraint_set flags: bit 7 = set0, 6 = set1, 5 = set2, 4 = set3 (ITU-T H.264 §7.4.2.1.1).
    private static H264Profile? Classify(byte idc, byte iop) => idc switch
    {
        // constraint_set1 on a Baseline (or Extended with set0+set1) stream = Constrained Baseline.
        0x42 when (iop & 0x40) != 0 => H264Profile.ConstrainedBaseline,
        0x4D when (iop & 0x80) != 0 => H264Profile.ConstrainedBaseline,
        0x58 when (iop & 0xC0) == 0xC0 => H264Profile.ConstrainedBaseline,
        0x42 => H264Profile.Baseline,
        0x58 when (iop & 0x80) != 0 => H264Profile.Baseline,
        0x4D => H264Profile.Main,
        // constraint_set4 + set5 on High = Constrained High (no B slices).
        0x64 when (iop & 0x0C) == 0x0C => H264Profile.ConstrainedHigh,
        0x64 => H264Profile.High,
        0xF4 => H264Profile.PredictiveHigh444,
        _ => null,
    };

    private static bool TryHexByte(ReadOnlySpan<char> hex, out byte value) =>
        byte.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
}
