// Issue 11, dynacast: the SFU says which simulcast encodings of a published track some subscriber
// wants; the others are switched off here (RTCRtpEncodingParameters.active = false) so the browser
// stops encoding and sending them, and on again when wanted. Chromium starts a re-enabled encoding with
// a key frame, and the SFU keeps subscribers on the layer they have until it arrives: no freeze.

export interface PublisherLayersMessage {
  mid: string;
  layers: { rid: string; active: boolean }[];
}

export class Dynacast {
  // setParameters calls on one sender must not overlap (InvalidModificationError on a stale transaction).
  private queue: Promise<void> = Promise.resolve();
  // rid -> active as last applied, per mid: what tests and the quality indicator read.
  readonly states = new Map<string, Record<string, boolean>>();

  constructor(private readonly publisher: () => RTCPeerConnection | null) {}

  apply(message: PublisherLayersMessage): Promise<void> {
    this.queue = this.queue.then(async () => {
      const transceiver = this.publisher()?.getTransceivers().find(t => t.mid === message.mid);
      if (!transceiver) return;
      const parameters = transceiver.sender.getParameters();
      let changed = false;
      for (const encoding of parameters.encodings) {
        const wanted = message.layers.find(l => l.rid === encoding.rid);
        if (wanted && encoding.active !== wanted.active) {
          encoding.active = wanted.active;
          changed = true;
        }
      }
      if (changed) await transceiver.sender.setParameters(parameters);
      this.states.set(message.mid, Object.fromEntries(message.layers.map(l => [l.rid, l.active])));
    }).catch(error => console.error('dynacast: setParameters failed', error));
    return this.queue;
  }
}
