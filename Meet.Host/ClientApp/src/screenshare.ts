import { h } from './dom';
import type { MediaSession } from './media';

// Screen sharing (issue 10). Sending: getDisplayMedia as its own publisher track (the camera keeps
// going), contentHint "detail" so Chromium keeps the resolution and drops frames instead, at most a
// few frames a second; its m-section is marked a=content:slides (RFC 4796) in the offer we send, which
// is how the SFU knows it is a screen. The SFU allows one share per meeting by default and refuses
// another with 409 "screen_share_limit": the offer is rolled back and the page says so. The share
// stops from the button or when the browser's own "Stop sharing" ends the track.
// Receiving: the SFU marks screen sections the same way; ScreenStage shows them large above the grid.

const screenConstraints: DisplayMediaStreamOptions = {
  video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 5, max: 15 } },
  audio: false,
};

// Adds a=content:slides under each m-section whose mid is listed (the SDP we send, not the one we set).
export function markScreenSections(sdp: string, mids: ReadonlySet<string>): string {
  if (mids.size === 0) return sdp;
  const sections = sdp.split(/(?=^m=)/m);
  return sections.map(section => {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (!mid || !mids.has(mid) || /^a=content:/m.test(section)) return section;
    return section.replace(/(\r?\n)$/, '$1a=content:slides$1');
  }).join('');
}

// The mids the SFU marked as screen shares in its offer.
export function screenMids(sdp: string | undefined): Set<string> {
  const mids = new Set<string>();
  for (const section of (sdp ?? '').split(/(?=^m=)/m)) {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (mid && /^a=content:slides/m.test(section)) mids.add(mid);
  }
  return mids;
}

export class ScreenShare {
  private transceiver: RTCRtpTransceiver | null = null;
  private track: MediaStreamTrack | null = null;
  private stream: MediaStream | null = null;

  constructor(private readonly media: () => MediaSession | null, private readonly changed: (sharing: boolean, error?: string) => void) {}

  get sharing(): boolean {
    return this.track !== null;
  }

  toggle(): Promise<void> {
    return this.sharing ? this.stop() : this.start();
  }

  async start(): Promise<void> {
    const media = this.media();
    if (!media || this.sharing) return;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia(screenConstraints);
    } catch (error) {
      this.changed(false, `Screen sharing did not start (${error instanceof Error ? error.name : String(error)}).`);
      return;
    }
    const track = stream.getVideoTracks()[0];
    track.contentHint = 'detail';
    this.track = track;
    this.stream = stream;
    this.transceiver = media.publisher.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: [{ maxFramerate: 5 }] });
    media.screenTransceivers.add(this.transceiver);
    media.protectVideoSender(this.transceiver);
    track.addEventListener('ended', () => void this.stop());
    this.changed(true);
    try {
      await media.negotiatePublisher();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.stop(false);
      this.changed(false, message.includes('screen_share_limit') ? 'Someone else is already sharing a screen.' : `Screen sharing failed: ${message}`);
    }
  }

  // A media-node move (failover.ts): the running share goes on the new publisher, negotiated with the
  // camera by the caller's next offer.
  moveTo(media: MediaSession): void {
    if (!this.track) return;
    this.transceiver = media.publisher.addTransceiver(this.track, { direction: 'sendonly', streams: this.stream ? [this.stream] : [], sendEncodings: [{ maxFramerate: 5 }] });
    media.screenTransceivers.add(this.transceiver);
    media.protectVideoSender(this.transceiver);
  }

  async stop(renegotiate = true): Promise<void> {
    const media = this.media();
    const transceiver = this.transceiver;
    this.track?.stop();
    this.track = null;
    this.stream = null;
    this.transceiver = null;
    if (transceiver && media) {
      media.screenTransceivers.delete(transceiver);
      if (transceiver.currentDirection !== 'stopped') transceiver.stop();
      // The stopped section goes out with port 0: the SFU closes the share's producer.
      if (renegotiate) await media.negotiatePublisher().catch(e => console.error('stopping the share failed', e));
    }
    this.changed(false);
  }
}

// The received share, large, above the grid (one at a time: the SFU's default).
export class ScreenStage {
  readonly element = h('section', { id: 'screen-stage', class: 'screen-stage', hidden: '', 'aria-label': 'Shared screen' });
  private readonly video = h('video', { autoplay: '', playsinline: '', muted: '' });
  private readonly label = h('span', { class: 'name' });
  private current: MediaStreamTrack | null = null;

  constructor() {
    this.video.muted = true;
    this.element.append(this.video, this.label);
  }

  show(participantName: string, track: MediaStreamTrack): void {
    this.current = track;
    this.video.srcObject = new MediaStream([track]);
    this.label.textContent = `${participantName} is sharing`;
    this.element.hidden = false;
    this.video.play().catch(() => undefined);
  }

  hide(track: MediaStreamTrack): void {
    if (this.current !== track) return;
    this.current = null;
    this.video.srcObject = null;
    this.element.hidden = true;
  }
}
