using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

// The conformance rules issue 12 asks every SDP the server writes to meet, as a list of violations
// (empty = conformant), so a failing test names each broken rule:
// - RFC 8866 §5.7: a c= line in every m-section or at session level, rejected sections included;
// - RFC 8843 §7: BUNDLE groups name only existing, accepted mids, each mid once;
// - RFC 3264 §6 / RFC 8843 §7.3.3: a rejected section has port 0 and none of the attributes that
//   need a transport (ICE, DTLS, candidates, rtcp-mux, bundle-only, extmap, rid/simulcast);
// - RFC 8839 §5 / RFC 8122 §5: an accepted section has ICE credentials and a fingerprint;
// - RFC 3264 §6 / RFC 8829 §5.3.1 (answers): same m-section count, order, media and mids as the
//   offer; setup active or passive; no a=bundle-only in an answer (RFC 8843 §7.3.1).
internal static class SdpConformance
{
    public static IReadOnlyList<string> Check(SessionDescription sdp, SessionDescription? offer = null)
    {
        var problems = new List<string>();
        var mids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sdp.MediaDescriptions.Count; i++)
        {
            var m = sdp.MediaDescriptions[i];
            var name = $"m-section {i} (mid {m.Mid ?? "none"})";
            if (m.Connection is null && sdp.Connection is null)
                problems.Add($"{name}: no c= line and no session-level c= (RFC 8866 §5.7)");
            if (m.Mid is not null && !mids.Add(m.Mid))
                problems.Add($"{name}: duplicate mid");
            if (m.IsRejected)
            {
                if (m.Port != 0)
                    problems.Add($"{name}: rejected but port {m.Port}");
                if (m.Candidates.Count > 0 || m.IceUfrag is not null || m.IcePwd is not null || m.Fingerprints.Count > 0 || m.Setup is not null
                    || m.RtcpMux || m.BundleOnly || m.Extmaps.Count > 0 || m.Rids.Count > 0 || m.Simulcast is not null || m.EndOfCandidates)
                    problems.Add($"{name}: rejected but carries transport attributes");
                continue;
            }
            if ((m.IceUfrag ?? sdp.IceUfrag) is null || (m.IcePwd ?? sdp.IcePwd) is null)
                problems.Add($"{name}: accepted without ICE credentials");
            if (m.Fingerprints.Count == 0 && sdp.Fingerprints.Count == 0)
                problems.Add($"{name}: accepted without a=fingerprint");
            if (m.Formats.Count == 0)
                problems.Add($"{name}: no formats");
        }

        foreach (var group in sdp.Groups.Where(g => g.Semantics == "BUNDLE"))
        {
            if (group.Mids.Count == 0)
                problems.Add("BUNDLE group is empty");
            foreach (var mid in group.Mids)
            {
                var section = sdp.FindMedia(mid);
                if (section is null)
                    problems.Add($"BUNDLE names mid {mid}, which no m-section has");
                else if (section.IsRejected)
                    problems.Add($"BUNDLE names mid {mid}, which is rejected (RFC 8843 §7.3.3)");
            }
            if (group.Mids.Distinct(StringComparer.Ordinal).Count() != group.Mids.Count)
                problems.Add("BUNDLE names a mid twice");
        }

        if (offer is not null)
        {
            if (offer.MediaDescriptions.Count != sdp.MediaDescriptions.Count)
                problems.Add($"answer has {sdp.MediaDescriptions.Count} m-sections, the offer {offer.MediaDescriptions.Count}");
            for (var i = 0; i < Math.Min(offer.MediaDescriptions.Count, sdp.MediaDescriptions.Count); i++)
            {
                var (o, a) = (offer.MediaDescriptions[i], sdp.MediaDescriptions[i]);
                if (o.Media != a.Media || o.Mid != a.Mid)
                    problems.Add($"m-section {i}: answer {a.Media}/{a.Mid} for offered {o.Media}/{o.Mid}");
                if (o.IsRejected && !a.IsRejected)
                    problems.Add($"m-section {i}: accepts a section the offer rejected");
                if (a.BundleOnly)
                    problems.Add($"m-section {i}: a=bundle-only in an answer (RFC 8843 §7.3.1)");
                if (!a.IsRejected && (a.Setup ?? sdp.Setup) is not (SdpSetupRole.Active or SdpSetupRole.Passive))
                    problems.Add($"m-section {i}: answer without setup active/passive (RFC 5763 §5)");
            }
        }
        return problems;
    }
}
