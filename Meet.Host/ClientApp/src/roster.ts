import type { ParticipantInfo, ParticipantUpdateMessage, RosterPageMessage } from './signaling';

// The page's copy of the meeting roster, applied in roster-version order (docs/signaling.md "Roster"),
// the same rules as the .NET client's RosterTracker: updates that arrive before the snapshot they
// follow are buffered, updates ahead of the next version wait for the missing ones, and a gap that does
// not close is the owner's cue to fetch a snapshot. The server's roster is authoritative.
export class Roster {
  readonly participants = new Map<string, ParticipantInfo>();
  private readonly buffered = new Map<number, ParticipantUpdateMessage>();
  private self: string | null = null;
  private awaitingSnapshot = true;
  version = -1;

  get hasGap(): boolean {
    return !this.awaitingSnapshot && this.buffered.size > 0;
  }

  get bufferedCount(): number {
    return this.buffered.size;
  }

  // A new connection's welcome is on its way: hold updates until it is applied.
  beginSnapshot(): void {
    this.awaitingSnapshot = true;
  }

  // Replaces the roster and applies the buffered updates that follow it; returns those updates.
  applySnapshot(version: number, others: ParticipantInfo[], self: string): ParticipantUpdateMessage[] {
    this.self = self;
    this.participants.clear();
    for (const p of others) if (p.participantId !== self) this.participants.set(p.participantId, { ...p });
    this.version = version;
    this.awaitingSnapshot = false;
    for (const v of [...this.buffered.keys()]) if (v <= version) this.buffered.delete(v);
    return this.drain();
  }

  // A page of a large roster (issue 13): whole states as of a version at or above ours, so they may
  // overwrite; later updates apply over them in order. False for an older page.
  applyPage(page: RosterPageMessage): boolean {
    if (page.version < this.version) return false;
    for (const p of page.participants) if (p.participantId !== this.self) this.participants.set(p.participantId, { ...p });
    return true;
  }

  // Applies the update if it is next (and whatever it unblocks), buffers it if ahead, drops duplicates.
  apply(update: ParticipantUpdateMessage): ParticipantUpdateMessage[] {
    const version = update.version ?? 0;
    if (version === 0 && !this.awaitingSnapshot) {
      this.applyOne(update);
      return [update];
    }
    if (!this.awaitingSnapshot && version <= this.version) return [];
    this.buffered.set(version, update);
    return this.awaitingSnapshot ? [] : this.drain();
  }

  private drain(): ParticipantUpdateMessage[] {
    const applied: ParticipantUpdateMessage[] = [];
    for (let next = this.buffered.get(this.version + 1); next; next = this.buffered.get(this.version + 1)) {
      this.buffered.delete(this.version + 1);
      this.version += 1;
      this.applyOne(next);
      applied.push(next);
    }
    return applied;
  }

  // Changes about ourselves only advance the version: the roster lists everyone else.
  private applyOne(update: ParticipantUpdateMessage): void {
    if (update.participantId === this.self) return;
    // Updates that carry the whole state (issue 13) set it; older servers' updates patch it.
    if (update.participant && update.action !== 'LEFT') {
      this.participants.set(update.participantId, { ...update.participant });
      return;
    }
    switch (update.action) {
      case 'JOINED':
        this.participants.set(update.participantId, { participantId: update.participantId, displayName: update.displayName, audioMuted: false, videoMuted: false, handRaised: false });
        break;
      case 'LEFT':
        this.participants.delete(update.participantId);
        break;
      case 'MUTED':
      case 'UNMUTED': {
        const info = this.participants.get(update.participantId);
        if (!info) break;
        const muted = update.action === 'MUTED';
        if (update.kind === 'audio') info.audioMuted = muted;
        if (update.kind === 'video') info.videoMuted = muted;
      }
    }
  }
}
