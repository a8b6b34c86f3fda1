import { decryptFrame, encryptFrame, readTrailer, SenderKeyCache, senderIdToBytes, vp8ClearBytes } from './frameFormat';
import type { E2eeCounters, TransformOptions, WorkerReply, WorkerRequest } from './messages';

// The frame worker behind every RTCRtpScriptTransform of the page (one worker for the page's
// lifetime, so the sender's counter never restarts under the same key). Senders encrypt each
// encoded frame; receivers decrypt and drop — never pass on — anything that does not authenticate.

interface RtcTransformEvent extends Event {
  transformer: { readable: ReadableStream<EncodedFrame>; writable: WritableStream<EncodedFrame>; options: TransformOptions };
}

interface EncodedFrame {
  data: ArrayBuffer;
  getMetadata(): { mimeType?: string };
}

// The project compiles against the DOM library; this is the part of the worker scope used here.
declare const self: {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  onrtctransform: ((event: RtcTransformEvent) => void) | null;
  postMessage(message: WorkerReply): void;
};

// Consecutive failures before a receiver is reported undecryptable: a lone bad frame is noise, a
// run of them means a wrong or missing key.
const failuresBeforeReport = 3;

let keys: SenderKeyCache | null = null;
let senderId = '';
let senderIdBytes: Uint8Array | null = null;
let epoch = 0;
let counter = 0;
const counters: E2eeCounters = {
  framesEncrypted: 0, framesDecrypted: 0, droppedUnauthenticated: 0, droppedUnencrypted: 0,
  droppedNoKey: 0, droppedUnsupportedCodec: 0, encryptMicroseconds: 0, decryptMicroseconds: 0, epoch: 0,
};

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  switch (message.type) {
    case 'configure':
      keys = message.secret ? new SenderKeyCache(message.secret) : null;
      senderId = message.senderId;
      senderIdBytes = senderIdToBytes(message.senderId);
      break;
    case 'membership':
      // A join or leave: later frames use the next epoch's key.
      counters.epoch = ++epoch;
      break;
    case 'counters':
      post({ type: 'counters', requestId: message.requestId, counters: { ...counters } });
      break;
  }
};

self.onrtctransform = event => {
  const { readable, writable, options } = event.transformer;
  const transform = options.role === 'sender' ? encryptor(options) : decryptor(options);
  readable.pipeThrough(new TransformStream({ transform })).pipeTo(writable).catch(() => undefined);
};

function post(reply: WorkerReply): void {
  self.postMessage(reply);
}

function encryptor(options: TransformOptions) {
  return async (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>) => {
    const plain = new Uint8Array(frame.data);
    if (plain.length === 0) {
      controller.enqueue(frame);
      return;
    }
    if (!keys || !senderIdBytes) {
      // Never send media in the clear in an encrypted meeting.
      counters.droppedNoKey++;
      return;
    }
    const mime = frame.getMetadata().mimeType?.toLowerCase();
    if (options.kind === 'video' && mime && mime !== 'video/vp8') {
      // Only VP8's header is left in the clear correctly (the page prefers VP8 in e2ee meetings).
      counters.droppedUnsupportedCodec++;
      return;
    }
    // Counter and epoch are taken before any await: audio and video streams interleave here.
    if (counter > 0xffffffff) {
      counter = 0;
      counters.epoch = ++epoch;
    }
    const frameCounter = counter++;
    const frameEpoch = epoch;
    const started = performance.now();
    const key = await keys.get(senderId, frameEpoch);
    const clearBytes = options.kind === 'video' ? vp8ClearBytes(plain) : 0;
    frame.data = (await encryptFrame(plain, clearBytes, key, senderIdBytes, frameEpoch, frameCounter)).buffer as ArrayBuffer;
    counters.encryptMicroseconds += (performance.now() - started) * 1000;
    counters.framesEncrypted++;
    controller.enqueue(frame);
  };
}

function decryptor(options: TransformOptions) {
  let failures = 0;
  let reported = false;
  let lastSender = '';
  const failed = () => {
    if (++failures >= failuresBeforeReport && !reported) {
      reported = true;
      post({ type: 'status', mid: options.mid ?? '', decryptable: false });
    }
  };
  return async (frame: EncodedFrame, controller: TransformStreamDefaultController<EncodedFrame>) => {
    const data = new Uint8Array(frame.data);
    if (data.length === 0) {
      controller.enqueue(frame);
      return;
    }
    const trailer = readTrailer(data);
    if (!trailer) {
      counters.droppedUnencrypted++;
      failed();
      return;
    }
    if (trailer.senderId !== lastSender) {
      // The SFU gave this receiver's slot to another participant: judge the new one afresh.
      lastSender = trailer.senderId;
      failures = 0;
      reported = false;
    }
    if (!keys) {
      counters.droppedNoKey++;
      failed();
      return;
    }
    const started = performance.now();
    try {
      const key = await keys.get(trailer.senderId, trailer.epoch);
      frame.data = (await decryptFrame(data, trailer, key)).buffer as ArrayBuffer;
    } catch {
      counters.droppedUnauthenticated++;
      failed();
      return;
    }
    counters.decryptMicroseconds += (performance.now() - started) * 1000;
    counters.framesDecrypted++;
    failures = 0;
    if (reported) {
      reported = false;
      post({ type: 'status', mid: options.mid ?? '', decryptable: true });
    }
    controller.enqueue(frame);
  };
}
