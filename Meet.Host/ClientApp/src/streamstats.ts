// Issue 10's browser test reads what the subscriber PeerConnection really receives, per m-section,
// straight from getStats: with bounded slots a subscriber must get exactly N + speaker videos and 3
// audios whatever the meeting's size, and bytes that flow are the proof (an idle slot receives none).

export interface InboundStream {
  mid: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  packetsReceived: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

export async function inboundStreams(subscriber: RTCPeerConnection): Promise<InboundStream[]> {
  const streams: InboundStream[] = [];
  for (const transceiver of subscriber.getTransceivers()) {
    if (!transceiver.mid) continue;
    const report = await transceiver.receiver.getStats();
    report.forEach(s => {
      if (s.type !== 'inbound-rtp') return;
      streams.push({
        mid: transceiver.mid!,
        kind: s.kind === 'video' ? 'video' : 'audio',
        bytesReceived: s.bytesReceived ?? 0,
        packetsReceived: s.packetsReceived ?? 0,
        framesDecoded: s.framesDecoded ?? 0,
        frameWidth: s.frameWidth ?? 0,
        frameHeight: s.frameHeight ?? 0,
      });
    });
  }
  return streams;
}
