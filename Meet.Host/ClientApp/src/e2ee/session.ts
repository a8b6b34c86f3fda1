import { fromBase64Url, secretLength, toBase64Url } from './keySchedule';
import type { E2eeCounters, TransformOptions, WorkerReply, WorkerRequest } from './messages';

// The page's side of end-to-end encryption: the secret from the link's fragment, the frame worker,
// and the transforms on our senders and on every receiver. media.ts and meeting.ts call it through
// a few hooks; everything cryptographic happens in worker.ts.

declare class RTCRtpScriptTransform {
  constructor(worker: Worker, options?: TransformOptions);
}

type WithTransform = { transform: RTCRtpScriptTransform | null };

// RTCRtpScriptTransform (WebRTC Encoded Transform): Chromium and Firefox have it; a browser without
// it cannot take part in an encrypted meeting (the page says so instead of sending clear media).
export function e2eeSupported(): boolean {
  return typeof (globalThis as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform === 'function';
}

export type LinkKey = { state: 'present'; secret: Uint8Array } | { state: 'missing' } | { state: 'malformed' };

// The key lives only in the fragment (#key=…): browsers never send a fragment in a request, not
// even in Referer, so the server cannot see it.
export function keyFromLink(hash = location.hash): LinkKey {
  const text = new URLSearchParams(hash.replace(/^#/, '')).get('key');
  if (!text) return { state: 'missing' };
  const secret = fromBase64Url(text);
  return secret ? { state: 'present', secret } : { state: 'malformed' };
}

export function newMeetingSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(secretLength)));
}

// The link to share: the page's join URL plus the fragment that carries the key.
export function inviteLink(meetingId: string, hash = location.hash): string {
  return withLinkKey(`${location.origin}/j/${encodeURIComponent(meetingId)}`, hash);
}

// A join link (plain or a host's invitation) carrying this page's key, if it has one, in its fragment.
export function withLinkKey(link: string, hash = location.hash): string {
  const key = keyFromLink(hash);
  return key.state === 'present' ? `${link.split('#')[0]}#key=${toBase64Url(key.secret)}` : link;
}

export class E2eeSession {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'meet-e2ee' });
  private readonly transformed = new WeakSet<object>();
  private readonly pending = new Map<number, (counters: E2eeCounters) => void>();
  private nextRequest = 0;

  // status: a receiver (by subscriber mid) stopped or resumed authenticating frames.
  constructor(readonly secret: Uint8Array | null, status: (mid: string, decryptable: boolean) => void) {
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'status') {
        status(reply.mid, reply.decryptable);
        return;
      }
      this.pending.get(reply.requestId)?.(reply.counters);
      this.pending.delete(reply.requestId);
    };
  }

  get hasKey(): boolean {
    return this.secret !== null;
  }

  // Our participant id names our frames' keys; set before publishing (a rejoin may change it).
  configure(senderId: string): void {
    this.send({ type: 'configure', secret: this.secret, senderId });
  }

  // Someone joined or left: move our frames to the next epoch's key.
  membershipChanged(): void {
    this.send({ type: 'membership' });
  }

  // VP8 only: its payload header is the one left in the clear for the SFU (keyframes, layer
  // switches) and the receiver's depacketizer; other codecs' frames would be dropped.
  preferVp8(transceiver: RTCRtpTransceiver): void {
    const codecs = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
    const vp8 = codecs.filter(c => /^video\/(vp8|rtx)$/i.test(c.mimeType));
    if (vp8.some(c => /vp8/i.test(c.mimeType)) && 'setCodecPreferences' in transceiver) transceiver.setCodecPreferences(vp8);
  }

  // Opus without RED (RFC 2198, which the SFU prefers where offered): an encrypted frame is opaque, so
  // the SFU could not cut RED's primary block out for a subscriber that declined RED, and each audio
  // packet stays one sealed Opus frame.
  preferPlainOpus(transceiver: RTCRtpTransceiver): void {
    const codecs = RTCRtpSender.getCapabilities('audio')?.codecs ?? [];
    const plain = codecs.filter(c => !/^audio\/red$/i.test(c.mimeType));
    if (plain.length < codecs.length && 'setCodecPreferences' in transceiver) transceiver.setCodecPreferences(plain);
  }

    attachSender(sender: RTCRtpSender, kind: 'audio' | 'video'): void {
    this.attach(sender, { role: 'sender', kind });
  }

  attachReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video', mid: string | null): void {
    this.attach(receiver, { role: 'receiver', kind, mid: mid ?? '' });
  }

  counters(): Promise<E2eeCounters> {
    const requestId = this.nextRequest++;
    return new Promise(resolve => {
      this.pending.set(requestId, resolve);
      this.send({ type: 'counters', requestId });
    });
  }

  close(): void {
    this.worker.terminate();
  }

  // A reused subscriber m-section keeps its receiver (and its transform): attach once.
  private attach(target: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.transformed.has(target)) return;
    this.transformed.add(target);
    (target as unknown as WithTransform).transform = new RTCRtpScriptTransform(this.worker, options);
  }

  private send(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
}
