namespace Meet.Modules.Media;

// Dynacast (issue 11): whether the SFU wants one simulcast encoding (rid) of a published track. The
// publisher's client turns an unwanted encoding off (RTCRtpSender.setParameters, active=false) so it
// stops spending uplink and CPU on it, and on again when the SFU wants it back.
public sealed record PublisherLayerState(string Rid, bool Active);
