import type { MediaSession } from './media';

// Media-node failover (issue 15, SPEC "Media node crash"): the signaling node moved our media to
// another media node and said so with MEDIA_RECONNECT { newNode: true }. The old node is gone (or
// draining), so an ICE restart cannot help: the page builds new PeerConnections against the new node,
// publishes the same local tracks again (the same MediaStreamTrack objects, so a muted microphone or
// a camera turned off stays so) plus a running screen share, and answers the new node's subscriber
// offer. Signaling is untouched: the session, the roster and the tiles stay; only the tiles' tracks
// are replaced as the new node's slots arrive.

// The page's side of a move (meeting.ts).
export interface FailoverPage {
  // Closes the current MediaSession and makes a new one current, wired like the one a join builds.
  // Called synchronously from the MEDIA_RECONNECT handler: the server sends the new node's subscriber
  // offer right after it, and that offer must find the new session.
  replaceMedia(): MediaSession;
  // False once something else (a signaling rejoin, a later move) has replaced this session.
  isCurrent(media: MediaSession): boolean;
  // Resolves once the camera/microphone prompt of the join has settled; null = nothing to publish.
  localMedia(): Promise<MediaStream | null>;
  // Puts tracks published outside the camera/microphone (the screen share) on the new publisher,
  // before its first offer, so one negotiation carries everything.
  addExtraTracks(media: MediaSession): void;
  publish(media: MediaSession, local: MediaStream | null): Promise<void>;
  // The short "reconnecting media" state: true when a move starts, false when media is back (or gave up).
  moving(active: boolean, problem?: string): void;
}

// How long a move may take before the page stops saying "reconnecting" and says it failed; the
// connection-state handlers keep reporting afterwards.
const moveTimeoutMs = 15_000;

export class MediaFailover {
  private moves = 0;
  private generation = 0;
  private inProgress = false;
  private lastStartedAt: number | null = null;
  private lastCompletedAt: number | null = null;
  // When each new PeerConnection of the last move reached 'connected' (the failover timeline).
  private publisherConnectedAt: number | null = null;
  private subscriberConnectedAt: number | null = null;

  constructor(private readonly page: FailoverPage) {}

  // For the browser tests (window.meet.mediaMoves()).
  state(): {
    count: number; moving: boolean; startedAt: number | null; completedAt: number | null;
    publisherConnectedAt: number | null; subscriberConnectedAt: number | null;
  } {
    return {
      count: this.moves, moving: this.inProgress, startedAt: this.lastStartedAt, completedAt: this.lastCompletedAt,
      publisherConnectedAt: this.publisherConnectedAt, subscriberConnectedAt: this.subscriberConnectedAt,
    };
  }

  // A second move before the first finished (the new node died too) supersedes it: the first's
  // session is closed by replaceMedia and its republish stops at the generation check.
  move(reason: string): void {
    const generation = ++this.generation;
    this.moves++;
    this.inProgress = true;
    this.lastStartedAt = performance.now();
    console.info(`media moved to another node: ${reason}`);
    this.page.moving(true);
    this.publisherConnectedAt = null;
    this.subscriberConnectedAt = null;
    const media = this.page.replaceMedia();
    whenConnected(media.publisher, () => { if (generation === this.generation) this.publisherConnectedAt = performance.now(); });
    whenConnected(media.subscriber, () => { if (generation === this.generation) this.subscriberConnectedAt = performance.now(); });
    void this.republish(media, generation);
  }

  private async republish(media: MediaSession, generation: number): Promise<void> {
    let problem: string | undefined;
    try {
      const local = await this.page.localMedia();
      if (generation !== this.generation) return;
      this.page.addExtraTracks(media);
      await this.page.publish(media, local);
      if (generation !== this.generation) return;
      const used = [media.subscriber];
      if (media.publisher.localDescription) used.push(media.publisher);
      if (!await connected(used, moveTimeoutMs)) problem = 'The media connection did not come back. Trying again…';
    } catch (error) {
      problem = `Could not reconnect media: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (generation !== this.generation) return;
    // A signaling rejoin rebuilt the media meanwhile: its own join flow reports on it.
    if (!this.page.isCurrent(media)) problem = undefined;
    this.inProgress = false;
    this.lastCompletedAt = performance.now();
    this.page.moving(false, problem);
  }
}

function whenConnected(pc: RTCPeerConnection, then: () => void): void {
  const check = (): void => {
    if (pc.connectionState !== 'connected') return;
    pc.removeEventListener('connectionstatechange', check);
    then();
  };
  pc.addEventListener('connectionstatechange', check);
}

// Resolves true once every PeerConnection is 'connected', false after timeoutMs or when one fails.
function connected(pcs: RTCPeerConnection[], timeoutMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const check = (): void => {
      if (pcs.some(pc => pc.connectionState === 'failed' || pc.connectionState === 'closed')) finish(false);
      else if (pcs.every(pc => pc.connectionState === 'connected')) finish(true);
    };
    const timer = window.setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean): void => {
      window.clearTimeout(timer);
      pcs.forEach(pc => pc.removeEventListener('connectionstatechange', check));
      resolve(ok);
    };
    pcs.forEach(pc => pc.addEventListener('connectionstatechange', check));
    check();
  });
}
