import type { ParticipantInfo, ParticipantUpdateMessage, RosterPageMessage } from './signaling';

// The page's copy of the meeting roster, applied in roster-version order (docs/signaling.md "Roster"),
// the same rules as the .NET client's RosterTracker: updates that arrive before the snapshot they
// follow are buffered, updates ahead of the next version wait for the missing ones, and a gap that does
// not close is the owner's cue to fetch a snapshot. The server's roster is authoritative.
export class Roster {
  readonly participants = new Map<string, ParticipantInfo>();
  private readonly buffered = new Map<number, ParticipantUpdateMessage>();
  // The version of the last update applied per participant, so an older roster page does not undo it.
  private readonly changedAt = new Map<string, number>();
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
    this.changedAt.clear();
    for (const v of [...this.buffered.keys()]) if (v <= version) this.buffered.delete(v);
    return this.drain();
  }

  // A page of a large roster (issue 13): whole states as of page.version. An entry is taken unless an
  // update newer than the page already changed that participant; later updates apply over it in order.
  applyPage(page: RosterPageMessage): void {
    for (const p of page.participants) {
      if (p.participantId === this.self || (this.changedAt.get(p.participantId) ?? -1) > page.version) continue;
      this.participants.set(p.participantId, { ...p });
    }
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
    this.changedAt.set(update.participantId, update.version ?? 0);
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
