import type { MediaSession } from './media';
import type { SignalingClient } from './signaling';

// Network handover (issue 15, the seed's failure scenario 3: Wi-Fi <-> cellular). When the device's
// network changes, the PeerConnections are kept and ICE is restarted over the existing signaling
// connection: the publisher with our own offer ({ iceRestart: true }), the subscriber by asking the
// SFU for an offer with new credentials (as answerer we cannot restart it ourselves, JSEP). The SFU
// keeps sending to the old path until the new one answers STUN, so a change that did not actually
// break the old path costs nothing; DTLS is kept, so there is no new handshake.

// A minimal view of the Network Information API (Chromium only; not in TypeScript's DOM types).
interface NetworkInformationLike extends EventTarget {
  readonly type?: string;
  readonly effectiveType?: string;
}

// ICE 'disconnected' often heals by itself (a burst of loss, a short stall): restart only when it
// lasts this long. Chromium reports it after ~5 s without consent responses, so this adds little.
export const disconnectedGraceMs = 2000;

// One network change fires several events ('online', connection 'change', ICE state): those this
// close together fold into one restart.
const foldMs = 1000;

export class NetworkHandover {
  private restarts = 0;
  private lastRestartAt = -Infinity;
  private readonly graceTimers = new Map<RTCPeerConnection, number>();
  private readonly connection = (navigator as Navigator & { connection?: NetworkInformationLike }).connection;
  private stopped = false;

  constructor(private readonly media: MediaSession, private readonly signaling: SignalingClient) {
    window.addEventListener('online', this.onNetworkChange);
    this.connection?.addEventListener('change', this.onNetworkChange);
    for (const pc of [media.publisher, media.subscriber]) {
      pc.addEventListener('iceconnectionstatechange', () => this.onIceState(pc));
    }
  }

  // ICE restarts this page started (read by the browser tests through window.meet).
  get count(): number {
    return this.restarts;
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onNetworkChange);
    this.connection?.removeEventListener('change', this.onNetworkChange);
    for (const timer of this.graceTimers.values()) window.clearTimeout(timer);
    this.graceTimers.clear();
  }

  // Restarts ICE on both PeerConnections (folded with any restart in the last second).
  restart(reason: string): void {
    if (this.stopped || !this.signaling.connected) return;
    const now = performance.now();
    if (now - this.lastRestartAt < foldMs) return;
    this.lastRestartAt = now;
    this.restartPublisher(reason);
    this.restartSubscriber(reason);
  }

  private readonly onNetworkChange = (): void => this.restart('network changed');

  private onIceState(pc: RTCPeerConnection): void {
    const state = pc.iceConnectionState;
    const pending = this.graceTimers.get(pc);
    if (state === 'disconnected' && pending === undefined) {
      this.graceTimers.set(pc, window.setTimeout(() => {
        this.graceTimers.delete(pc);
        if (pc.iceConnectionState === 'disconnected') this.restartOne(pc, 'ICE disconnected');
      }, disconnectedGraceMs));
    } else if (state !== 'disconnected' && pending !== undefined) {
      window.clearTimeout(pending);
      this.graceTimers.delete(pc);
    }
    // 'failed' needs a restart at once (RFC 8445 §9): no consent on any pair.
    if (state === 'failed') this.restartOne(pc, 'ICE failed');
  }

  private restartOne(pc: RTCPeerConnection, reason: string): void {
    if (this.stopped || !this.signaling.connected) return;
    if (pc === this.media.publisher) this.restartPublisher(reason);
    else this.restartSubscriber(reason);
  }

  private restartPublisher(reason: string): void {
    // Nothing published yet (camera denied): there is no publisher transport to restart.
    if (!this.media.publisher.localDescription) return;
    this.restarts++;
    console.info(`ICE restart (publisher): ${reason}`);
    this.media.negotiatePublisher(true).catch(error => console.error('publisher ICE restart failed', error));
  }

  private restartSubscriber(reason: string): void {
    if (!this.media.subscriber.remoteDescription) return;
    this.restarts++;
    console.info(`ICE restart (subscriber): ${reason}`);
    this.signaling.restartSubscriberIce().catch(error => console.error('subscriber ICE restart failed', error));
  }
}
