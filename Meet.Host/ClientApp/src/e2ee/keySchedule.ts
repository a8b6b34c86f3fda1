// The e2ee key schedule (docs/security.md "End-to-end encryption"), shared by the page and the
// frame worker. Meet.Tests/Fixtures/e2ee-vectors.json holds vectors that this code (through the
// browser) and the C# mirror in Meet.Tests both check.
//
//   secret      32 random bytes made by the page that creates the meeting; only ever in the join
//               link's fragment (#key=<base64url>), which browsers never send to a server
//   key(s, e)   HKDF-SHA256(ikm = secret, salt = "meet-e2ee-v1", info = "meet e2ee key <s> <e>"), 16 bytes
//   salt(s, e)  HKDF-SHA256(ikm = secret, salt = "meet-e2ee-v1", info = "meet e2ee salt <s> <e>"), 12 bytes
//
// s is the sender's participant id (lower-case UUID text) and e its epoch, a counter the sender
// moves on every membership change it sees, so each join or leave starts new per-sender keys.

export const secretLength = 32;
const hkdfSalt = new TextEncoder().encode('meet-e2ee-v1');

export interface SenderKey {
  key: CryptoKey;
  salt: Uint8Array;
}

export async function deriveSenderKeyBytes(secret: Uint8Array, senderId: string, epoch: number): Promise<{ key: Uint8Array; salt: Uint8Array }> {
  const ikm = await crypto.subtle.importKey('raw', secret as BufferSource, 'HKDF', false, ['deriveBits']);
  const expand = async (label: string, bits: number) => new Uint8Array(await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: hkdfSalt, info: new TextEncoder().encode(`meet e2ee ${label} ${senderId} ${epoch}`) }, ikm, bits));
  return { key: await expand('key', 128), salt: await expand('salt', 96) };
}

export async function deriveSenderKey(secret: Uint8Array, senderId: string, epoch: number): Promise<SenderKey> {
  const bytes = await deriveSenderKeyBytes(secret, senderId, epoch);
  const key = await crypto.subtle.importKey('raw', bytes.key as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { key, salt: bytes.salt };
}

export function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// null for anything that is not base64url of exactly secretLength bytes.
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  } catch {
    return null;
  }
  if (binary.length !== secretLength) return null;
  return Uint8Array.from(binary, c => c.charCodeAt(0));
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
}
