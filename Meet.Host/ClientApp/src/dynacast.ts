// Issue 11, dynacast: the SFU says which simulcast encodings of a published track some subscriber
// wants; the others are switched off here (RTCRtpEncodingParameters.active = false) so the browser
// stops encoding and sending them, and on again when wanted. Chromium starts a re-enabled encoding with
// a key frame, and the SFU keeps subscribers on the layer they have until it arrives: no freeze.
//
// The page may also limit its own encodings (an application's send limit; the tests' setVideoLayers).
// An encoding is active only when both allow it: dynacast never turns on what the page switched off,
// and the page's limit never turns on what dynacast paused.

export interface PublisherLayersMessage {
  mid: string;
  layers: { rid: string; active: boolean }[];
}

export class Dynacast {
  // setParameters calls on one sender must not overlap (InvalidModificationError on a stale transaction).
  private queue: Promise<void> = Promise.resolve();
  // rid -> active as the SFU last asked, per mid: what tests and the quality indicator read.
  readonly states = new Map<string, Record<string, boolean>>();
  // rid -> allowed by the page itself, per sender.
  private readonly limits = new WeakMap<RTCRtpSender, Record<string, boolean>>();

  constructor(private readonly publisher: () => RTCPeerConnection | null) {}

  apply(message: PublisherLayersMessage): Promise<void> {
    return this.enqueue(async () => {
      const transceiver = this.publisher()?.getTransceivers().find(t => t.mid === message.mid);
      if (!transceiver) return;
      this.states.set(message.mid, Object.fromEntries(message.layers.map(l => [l.rid, l.active])));
      await this.update(transceiver.sender, message.mid);
    });
  }

  // The page's own limit for one sender's encodings, by index (true = may be sent).
  limit(sender: RTCRtpSender, allowed: boolean[]): Promise<void> {
    return this.enqueue(async () => {
      const rids = sender.getParameters().encodings.map((e, i) => [e.rid ?? String(i), allowed[i] ?? true] as const);
      this.limits.set(sender, Object.fromEntries(rids));
      const mid = this.publisher()?.getTransceivers().find(t => t.sender === sender)?.mid ?? null;
      await this.update(sender, mid);
    });
  }

  private async update(sender: RTCRtpSender, mid: string | null): Promise<void> {
    const parameters = sender.getParameters();
    const wanted = mid === null ? undefined : this.states.get(mid);
    const limit = this.limits.get(sender);
    let changed = false;
    parameters.encodings.forEach((encoding, i) => {
      const rid = encoding.rid ?? String(i);
      const active = (wanted?.[rid] ?? true) && (limit?.[rid] ?? true);
      if (encoding.active !== active) {
        encoding.active = active;
        changed = true;
      }
    });
    if (changed) await sender.setParameters(parameters);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch(error => console.error('dynacast: setParameters failed', error));
    return this.queue;
  }
}
