import { h } from './dom';

// Issue 10: the speaker stage, one large tile above the grid for the meeting's active speaker.
// It plays the SFU's speaker slot when that slot carries someone — the SFU fills it only when the grid
// does not already show the speaker (pins filled the grid), so no stream arrives twice — and, in speaker
// view, the speaker's own grid track otherwise. Hidden when it has nothing to show, so the default grid
// layout (no pins) is unchanged.
// Only the speaker slot's video reports its tile size (tiles.ts): a large stage gets the SFU's higher
// layer for that slot. The stage never reports itself hidden (it stops reporting before it hides), or
// the SFU would keep the slot paused for whoever the slot shows next.

export interface StageSource {
  participantId: string;
  name: string;
  track: MediaStreamTrack;
  // True when the track is the speaker slot's (the stage's own stream), false for a grid tile's track.
  fromSlot: boolean;
}

export interface StageSizes {
  observe(video: HTMLVideoElement): void;
  unobserve(video: HTMLVideoElement): void;
}

export class SpeakerStage {
  readonly element = h('section', { id: 'speaker-stage', class: 'speaker-stage', hidden: '', 'aria-label': 'Active speaker' });
  private readonly video = h('video', { autoplay: '', playsinline: '' });
  private readonly label = h('span', { class: 'name' });
  private current: StageSource | null = null;

  constructor() {
    this.video.muted = true; // sound plays through the participant's tile
    this.element.append(this.video, this.label);
  }

  // Whom the stage shows now (null when hidden), for tests.
  get source(): StageSource | null {
    return this.current;
  }

  show(source: StageSource | null, sizes: StageSizes | null): void {
    const previous = this.current;
    if (previous?.track === source?.track && previous?.participantId === source?.participantId) return;
    if (previous?.fromSlot && !source?.fromSlot) sizes?.unobserve(this.video);
    this.current = source;
    if (!source) {
      this.video.srcObject = null;
      this.element.hidden = true;
      return;
    }
    if (previous?.track !== source.track) this.video.srcObject = new MediaStream([source.track]);
    this.label.textContent = source.name;
    this.element.hidden = false;
    if (source.fromSlot) sizes?.observe(this.video);
    this.video.play().catch(() => undefined);
  }
}
