// What the page and the frame worker (worker.ts) say to each other.

export interface TransformOptions {
  role: 'sender' | 'receiver';
  kind: 'audio' | 'video';
  // Receivers: the subscriber m-section, which the page maps to the participant's tile.
  mid?: string;
}

export interface E2eeCounters {
  framesEncrypted: number;
  framesDecrypted: number;
  // Frames dropped instead of shown: failed authentication (wrong key, tampering), no trailer (sent
  // unencrypted), no key in this page's link, or a codec whose header we cannot leave in the clear.
  droppedUnauthenticated: number;
  droppedUnencrypted: number;
  droppedNoKey: number;
  droppedUnsupportedCodec: number;
  encryptMicroseconds: number;
  decryptMicroseconds: number;
  epoch: number;
}

export type WorkerRequest =
  | { type: 'configure'; secret: Uint8Array | null; senderId: string }
  | { type: 'membership' }
  | { type: 'counters'; requestId: number };

export type WorkerReply =
  | { type: 'counters'; requestId: number; counters: E2eeCounters }
  | { type: 'status'; mid: string; decryptable: boolean };
