// Issue 11: tell the SFU how large each remote video is shown and whether it is shown at all, so it
// forwards the smallest simulcast layer that fills the tile (a 320x180 tile gets 180p however fast the
// network) and nothing for a tile that is off screen, hidden or in a background tab. Sizes are in device
// pixels (CSS pixels x devicePixelRatio: a sharp 2x screen needs the bigger layer), keyed by the
// subscriber m-section (mid) that carries the video. Only changes are sent, at most one message per
// throttle window, so resizing a window does not flood signaling.

export interface TileSizeReport {
  mid: string;
  width: number;
  height: number;
  hidden: boolean;
}

// At most one message per this window; a change inside it goes out when the window ends.
const throttleMs = 500;
// Tracks change under a video element without resizing it (a slot remap, a renegotiation): rechecked
// this often, sending only what changed.
const recheckMs = 2000;
// Sizes are rounded to this many device pixels: a one-pixel jitter in layout is not a new size.
const quantumPx = 8;

export class TileSizeReporter {
  private readonly visible = new Map<HTMLVideoElement, boolean>();
  private readonly sent = new Map<string, string>();
  private readonly resize = new ResizeObserver(() => this.schedule());
  private readonly intersection = new IntersectionObserver(entries => {
    for (const entry of entries) this.visible.set(entry.target as HTMLVideoElement, entry.isIntersecting);
    this.schedule();
  });
  private readonly onVisibility = () => this.schedule();
  private timer: number | undefined;
  private lastSent = 0;
  private readonly recheck: number;

  // midOf: the subscriber m-section whose receiver plays this track (null when none does).
  constructor(private readonly send: (tiles: TileSizeReport[]) => Promise<unknown>,
    private readonly midOf: (track: MediaStreamTrack) => string | null) {
    document.addEventListener('visibilitychange', this.onVisibility);
    this.recheck = window.setInterval(() => this.flush(), recheckMs);
  }

  observe(video: HTMLVideoElement): void {
    if (this.visible.has(video)) return;
    this.visible.set(video, true);
    this.resize.observe(video);
    this.intersection.observe(video);
    this.schedule();
  }

  unobserve(video: HTMLVideoElement): void {
    if (!this.visible.delete(video)) return;
    this.resize.unobserve(video);
    this.intersection.unobserve(video);
  }

  // A renegotiation may hand a mid to a new track: forget what was sent so it is reported afresh.
  reset(): void {
    this.sent.clear();
    this.schedule();
  }

  close(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.clearInterval(this.recheck);
    window.clearTimeout(this.timer);
    this.resize.disconnect();
    this.intersection.disconnect();
    this.visible.clear();
  }

  // What would be sent now, for tests: every observed tile's current report.
  current(): TileSizeReport[] {
    const reports: TileSizeReport[] = [];
    for (const [video, intersecting] of this.visible) {
      const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
      const mid = track ? this.midOf(track) : null;
      if (!mid) continue;
      const scale = window.devicePixelRatio || 1;
      const width = Math.round(video.clientWidth * scale / quantumPx) * quantumPx;
      const height = Math.round(video.clientHeight * scale / quantumPx) * quantumPx;
      const hidden = document.visibilityState === 'hidden' || !intersecting || width === 0 || height === 0
        || getComputedStyle(video).visibility === 'hidden';
      reports.push({ mid, width, height, hidden });
    }
    return reports;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + throttleMs - performance.now());
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const changed = this.current().filter(r => this.sent.get(r.mid) !== key(r));
    if (changed.length === 0) return;
    for (const report of changed) this.sent.set(report.mid, key(report));
    this.lastSent = performance.now();
    // A refused message (e.g. rate limited) is forgotten so the next check sends it again.
    this.send(changed).catch(() => { for (const report of changed) this.sent.delete(report.mid); });
  }
}

function key(report: TileSizeReport): string {
  return `${report.width}x${report.height}${report.hidden ? ' hidden' : ''}`;
}
