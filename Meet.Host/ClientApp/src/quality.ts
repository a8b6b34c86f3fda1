// Issue 11: a small connection-quality dot on each remote tile, from the receiver's own statistics
// (getStats inbound-rtp): packet loss over the last window, frames decoded, and the resolution the SFU
// chose. Green: under 2 % loss and frames flowing; amber: under 10 %, or a lower layer than the tile
// asked for would show; red: heavier loss or a video that stopped decoding while it should play.

export type QualityLevel = 'good' | 'fair' | 'poor';

const intervalMs = 2000;

interface Watched {
  dot: HTMLElement;
  lost: number;
  received: number;
  frames: number;
  level: QualityLevel | null;
}

export class QualityIndicator {
  private readonly watched = new Map<HTMLVideoElement, Watched>();
  private readonly timer: number;

  // receiverOf: the subscriber receiver playing this track (null when none).
  constructor(private readonly receiverOf: (track: MediaStreamTrack) => RTCRtpReceiver | null) {
    this.timer = window.setInterval(() => void this.update(), intervalMs);
  }

  attach(tile: HTMLElement, video: HTMLVideoElement): void {
    if (this.watched.has(video)) return;
    const dot = document.createElement('span');
    dot.className = 'quality';
    dot.setAttribute('role', 'img');
    dot.setAttribute('aria-label', 'Connection quality unknown');
    tile.append(dot);
    this.watched.set(video, { dot, lost: 0, received: 0, frames: 0, level: null });
  }

  detach(video: HTMLVideoElement): void {
    this.watched.get(video)?.dot.remove();
    this.watched.delete(video);
  }

  close(): void {
    window.clearInterval(this.timer);
    for (const video of [...this.watched.keys()]) this.detach(video);
  }

  // Every watched tile's level, for tests.
  levels(): (QualityLevel | null)[] {
    return [...this.watched.values()].map(w => w.level);
  }

  private async update(): Promise<void> {
    for (const [video, watched] of this.watched) {
      const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
      const receiver = track ? this.receiverOf(track) : null;
      if (!receiver || track?.muted) continue;
      let lost = 0, received = 0, frames = 0, width = 0, height = 0;
      (await receiver.getStats()).forEach(s => {
        if (s.type !== 'inbound-rtp') return;
        lost += s.packetsLost ?? 0;
        received += s.packetsReceived ?? 0;
        frames += s.framesDecoded ?? 0;
        width = s.frameWidth ?? width;
        height = s.frameHeight ?? height;
      });
      const lostNow = lost - watched.lost, receivedNow = received - watched.received, framesNow = frames - watched.frames;
      watched.lost = lost; watched.received = received; watched.frames = frames;
      if (receivedNow + lostNow <= 0) continue;
      const loss = lostNow / (receivedNow + lostNow);
      const level: QualityLevel = loss >= 0.1 || framesNow === 0 ? 'poor' : loss >= 0.02 ? 'fair' : 'good';
      watched.level = level;
      watched.dot.dataset.level = level;
      const text = `Connection ${level}: ${(loss * 100).toFixed(1)} % loss, ${width}×${height}`;
      watched.dot.title = text;
      watched.dot.setAttribute('aria-label', text);
    }
  }
}
