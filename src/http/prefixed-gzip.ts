/**
 * A gzip body for `prefix + suffix` that compresses the prefix once. The fixed metric families are 80 % of a
 * /metrics body and never change, so gzipping the whole body at every fresh rendering spent most of its time on
 * bytes already compressed before.
 *
 * The result is one ordinary gzip member (RFC 1952), so every client reads it, not only those that accept
 * concatenated members: the prefix is deflated ending in a sync flush (a non-final block that ends on a byte
 * boundary, RFC 1951 §3.2.3–3.2.4), and the suffix's deflate stream simply continues it. The suffix is deflated
 * with the prefix's last 32 KiB as its preset dictionary: that is exactly the window the decoder holds at that
 * point, so its back-references into the prefix are valid and the body is as small as one-pass gzip.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** The largest distance a deflate back-reference can reach (RFC 1951 §2). */
const WINDOW_BYTES = 32 * 1024;
/** ID1 ID2, CM = 8 (deflate), no flags, MTIME 0 (none), XFL 0, OS 3 (Unix, as Node's own gzip writes). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);

export class PrefixedGzip {
  private readonly deflatedPrefix: Buffer;
  private readonly prefixCrc: number;
  private readonly prefixBytes: number;
  private readonly window: Buffer;

  constructor(prefix: string) {
    const bytes = Buffer.from(prefix, 'utf8');
    this.deflatedPrefix = deflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    this.prefixCrc = crc32(bytes);
    this.prefixBytes = bytes.length;
    this.window = bytes.subarray(Math.max(0, bytes.length - WINDOW_BYTES));
  }

  /** The gzip member of `prefix + suffix`. */
  gzip(suffix: string): Buffer {
    const bytes = Buffer.from(suffix, 'utf8');
    const deflatedSuffix = deflateRawSync(bytes, this.window.length > 0 ? { dictionary: this.window } : {});
    const trailer = Buffer.alloc(8);
    // Node 22's crc32 answers 0 for an empty buffer that zlib has just read: nothing to add is the prefix's own CRC.
    trailer.writeUInt32LE(bytes.length === 0 ? this.prefixCrc : crc32(bytes, this.prefixCrc), 0);
    // ISIZE: the uncompressed length modulo 2^32.
    trailer.writeUInt32LE((this.prefixBytes + bytes.length) % 2 ** 32, 4);
    return Buffer.concat([GZIP_HEADER, this.deflatedPrefix, deflatedSuffix, trailer]);
  }
}
