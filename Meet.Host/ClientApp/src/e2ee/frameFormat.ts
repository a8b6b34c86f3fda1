import { deriveSenderKey, type SenderKey } from './keySchedule';

// One encrypted frame (SFrame-style, RFC 9605 in spirit; the layout is ours):
//
//   | clear header (n bytes) | AES-128-GCM ciphertext of the rest | tag (16) | trailer (26) |
//   trailer = sender id (16, the participant UUID) | epoch (u32 BE) | counter (u32 BE) | n (u8) | 0x4d
//
// The clear header is what the SFU and the receiver's depacketizer read: VP8's payload header
// (10 bytes on a key frame: frame tag + start code + dimensions, 3 otherwise, as Jitsi does), none
// for Opus. IV = salt(s, e) XOR counter (right-aligned); AAD = clear header + trailer, so neither
// can be changed without the frame failing to authenticate. The trailer is in the clear: a
// receiver finds the sender's key from it without trusting which slot the frame arrived on.

export const trailerLength = 26;
export const tagLength = 16;
export const trailerMagic = 0x4d;
const senderIdLength = 16;

export function senderIdToBytes(participantId: string): Uint8Array | null {
  const hex = participantId.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  return Uint8Array.from({ length: senderIdLength }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

export function senderIdFromBytes(bytes: Uint8Array): string {
  const hex = [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// VP8 payload header (RFC 6386 §9.1): P bit (bit 0 of the first byte) clear on a key frame.
export function vp8ClearBytes(frame: Uint8Array): number {
  if (frame.length === 0) return 0;
  return Math.min(frame.length, (frame[0] & 0x01) === 0 ? 10 : 3);
}

function iv(salt: Uint8Array, counter: number): Uint8Array {
  const result = salt.slice();
  result[8] ^= (counter >>> 24) & 0xff;
  result[9] ^= (counter >>> 16) & 0xff;
  result[10] ^= (counter >>> 8) & 0xff;
  result[11] ^= counter & 0xff;
  return result;
}

export async function encryptFrame(plain: Uint8Array, clearBytes: number, key: SenderKey, senderId: Uint8Array, epoch: number, counter: number): Promise<Uint8Array> {
  const trailer = new Uint8Array(trailerLength);
  trailer.set(senderId, 0);
  const view = new DataView(trailer.buffer);
  view.setUint32(16, epoch);
  view.setUint32(20, counter);
  trailer[24] = clearBytes;
  trailer[25] = trailerMagic;
  const header = plain.subarray(0, clearBytes);
  const sealed = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv(key.salt, counter) as BufferSource, additionalData: concat(header, trailer) as BufferSource, tagLength: tagLength * 8 },
    key.key, plain.subarray(clearBytes) as BufferSource));
  const out = new Uint8Array(clearBytes + sealed.length + trailerLength);
  out.set(header, 0);
  out.set(sealed, clearBytes);
  out.set(trailer, clearBytes + sealed.length);
  return out;
}

export interface FrameTrailer {
  senderId: string;
  epoch: number;
  counter: number;
  clearBytes: number;
}

// null when the frame does not end with a well-formed trailer (not encrypted by a Meet page).
export function readTrailer(frame: Uint8Array): FrameTrailer | null {
  if (frame.length < trailerLength + tagLength || frame[frame.length - 1] !== trailerMagic) return null;
  const trailer = frame.subarray(frame.length - trailerLength);
  const clearBytes = trailer[24];
  if (clearBytes + tagLength + trailerLength > frame.length) return null;
  const view = new DataView(trailer.buffer, trailer.byteOffset, trailerLength);
  return { senderId: senderIdFromBytes(trailer.subarray(0, senderIdLength)), epoch: view.getUint32(16), counter: view.getUint32(20), clearBytes };
}

// Throws (OperationError) when the frame does not authenticate under key.
export async function decryptFrame(frame: Uint8Array, trailer: FrameTrailer, key: SenderKey): Promise<Uint8Array> {
  const header = frame.subarray(0, trailer.clearBytes);
  const trailerBytes = frame.subarray(frame.length - trailerLength);
  const opened = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: iv(key.salt, trailer.counter) as BufferSource, additionalData: concat(header, trailerBytes) as BufferSource, tagLength: tagLength * 8 },
    key.key, frame.subarray(trailer.clearBytes, frame.length - trailerLength) as BufferSource));
  return concat(header, opened);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// Per-(sender, epoch) keys, derived on first use. Bounded: frames naming many senders or epochs (a
// hostile server can forge trailers) evict the oldest instead of growing without limit.
export class SenderKeyCache {
  private readonly keys = new Map<string, Promise<SenderKey>>();

  constructor(private readonly secret: Uint8Array, private readonly capacity = 256) {}

  get(senderId: string, epoch: number): Promise<SenderKey> {
    const id = `${senderId}/${epoch}`;
    let key = this.keys.get(id);
    if (!key) {
      key = deriveSenderKey(this.secret, senderId, epoch);
      this.keys.set(id, key);
      if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
    }
    return key;
  }
}
