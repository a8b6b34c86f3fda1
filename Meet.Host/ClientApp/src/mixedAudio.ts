// A `mix` meeting (issue 17): the SFU sends one audio stream, the top 3 speakers mixed (without our own
// voice), in an m-section whose msid stream id is MIXED_STREAM_ID instead of a participant's id. It plays
// through one hidden audio element; who is speaking still comes from signaling (activeSpeaker), since a
// mix carries no per-speaker SSRC.

export const MIXED_STREAM_ID = 'meet-mix';

export class MixedAudioPlayer {
  private element: HTMLAudioElement | null = null;

  // The hook for media.ts' track handler: true when the track was the mix and is now playing.
  accepts(streamId: string, track: MediaStreamTrack, onBlocked: (resume: () => void) => void): boolean {
    if (streamId !== MIXED_STREAM_ID || track.kind !== 'audio') return false;
    if (!this.element) {
      this.element = document.createElement('audio');
      this.element.autoplay = true;
      this.element.id = 'mixed-audio';
      this.element.hidden = true;
      document.body.append(this.element);
    }
    const element = this.element;
    element.srcObject = new MediaStream([track]);
    element.play().catch(() => onBlocked(() => void element.play()));
    return true;
  }

  stop(): void {
    if (!this.element) return;
    this.element.srcObject = null;
    this.element.remove();
    this.element = null;
  }
}
