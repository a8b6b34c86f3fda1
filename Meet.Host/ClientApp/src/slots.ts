// Bounded subscriber slots (issue 10, Media:BoundedSlots): the SFU's subscriber PeerConnection has a
// fixed set of receive slots (m-sections whose msid stream id is "slot-<mid>") and remaps which
// participant feeds each one without renegotiating; a SlotAssignments message says who each slot
// shows now. This module moves each slot's track to the tile of the participant it currently shows.

export interface SlotAssignmentMessage {
  mid: string;
  // 'speaker': the slot that always shows the active speaker (a copy of a grid video, for a large
  // speaker stage); tiles never take it, so a speaker change moves nothing in the grid.
  kind: 'audio' | 'video' | 'screen' | 'speaker';
  participantId: string | null;
  trackId: string | null;
}

export const slotStreamPrefix = 'slot-';

export class SlotRouter {
  // mid -> participant shown now (null = idle), as last announced.
  private readonly shown = new Map<string, string | null>();
  // mid -> the slot's receive track (it stays the same track across remaps).
  private readonly tracks = new Map<string, MediaStreamTrack>();
  private speaker: SlotAssignmentMessage | null = null;
  // Called when the speaker slot's owner or track changes (the speaker stage follows it).
  onSpeakerChange: (() => void) | null = null;

  constructor(
    private readonly show: (participantId: string, track: MediaStreamTrack, mid: string) => void,
    private readonly hide: (participantId: string, track: MediaStreamTrack, mid: string) => void) {}

  static isSlotStream(stream: MediaStream): boolean {
    return stream.id.startsWith(slotStreamPrefix);
  }

  // The slot's track arrived (the offer that created the slot); it may already have an owner.
  onTrack(mid: string, track: MediaStreamTrack): void {
    this.tracks.set(mid, track);
    if (this.speaker?.mid === mid) {
      this.onSpeakerChange?.();
      return;
    }
    const owner = this.shown.get(mid);
    if (owner) this.show(owner, track, mid);
  }

  // Announcements may come before the offer that creates their mids: they are kept until the track arrives.
  apply(slots: SlotAssignmentMessage[]): void {
    for (const slot of slots) {
      if (slot.kind === 'speaker') {
        const changed = this.speaker?.participantId !== slot.participantId || this.speaker?.mid !== slot.mid;
        this.speaker = slot;
        if (changed) this.onSpeakerChange?.();
        continue;
      }
      const previous = this.shown.get(slot.mid) ?? null;
      const next = slot.participantId ?? null;
      if (previous === next) continue;
      this.shown.set(slot.mid, next);
      const track = this.tracks.get(slot.mid);
      if (!track) continue;
      if (previous) this.hide(previous, track, slot.mid);
      if (next) this.show(next, track, slot.mid);
    }
  }

  // The speaker slot as last announced: whom it shows and its receive track (once the offer made it).
  speakerSlot(): { participantId: string | null; track: MediaStreamTrack | undefined } | null {
    return this.speaker ? { participantId: this.speaker.participantId, track: this.tracks.get(this.speaker.mid) } : null;
  }

  owner(mid: string): string | undefined {
    return this.shown.get(mid) ?? undefined;
  }

  // mid -> participant, for tests and stats.
  assignments(): Record<string, string | null> {
    return Object.fromEntries(this.shown);
  }
}
