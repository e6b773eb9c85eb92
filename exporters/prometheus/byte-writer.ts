// An append-only byte sink of large chunks. The container exposition repeats each cgroup's label
// text ~70 times; encoding it to UTF-8 once and copying bytes is what makes 1,000 containers render
// in tens of milliseconds, where building one big JavaScript string and encoding it at the end
// costs more than the rendering itself.

const CHUNK_BYTES = 1 << 20;
const SHORT_ASCII = 48;

export class ByteWriter {
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private offset = 0;
  private readonly done: Buffer[] = [];
  /** Where the current piece (see `mark`/`since`) started: chunk index and offset. */
  private markChunk = 0;
  private markOffset = 0;

  /** Makes room for `bytes` more without splitting them across chunks. */
  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.chunk.length) return;
    if (this.offset > 0) this.done.push(this.chunk.subarray(0, this.offset));
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.offset = 0;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.chunk.set(bytes, this.offset);
    this.offset += bytes.length;
  }

  /** For text known to be ASCII (numbers, metric and label names): one byte per character. */
  ascii(text: string): void {
    const length = text.length;
    this.reserve(length);
    // Most pieces are a few bytes (`} 42\n`); a loop beats the call into Buffer#write for those.
    if (length < SHORT_ASCII) {
      const chunk = this.chunk;
      let at = this.offset;
      for (let i = 0; i < length; i++) chunk[at++] = text.charCodeAt(i);
      this.offset = at;
    } else {
      this.offset += this.chunk.write(text, this.offset, 'latin1');
    }
  }

  /** Any text, UTF-8 encoded (a UTF-16 unit never takes more than 3 bytes). */
  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.offset += this.chunk.write(text, this.offset, 'utf8');
  }

  /** Starts a piece whose bytes `since()` returns. */
  mark(): void {
    this.markChunk = this.done.length;
    this.markOffset = this.offset;
  }

  /** The bytes written since `mark()`, as slices of the chunks (no copy). */
  since(): Buffer[] {
    const slices: Buffer[] = [];
    if (this.markChunk === this.done.length) {
      if (this.offset > this.markOffset) slices.push(this.chunk.subarray(this.markOffset, this.offset));
      return slices;
    }
    const first = this.done[this.markChunk]!;
    if (first.length > this.markOffset) slices.push(first.subarray(this.markOffset));
    for (let i = this.markChunk + 1; i < this.done.length; i++) slices.push(this.done[i]!);
    if (this.offset > 0) slices.push(this.chunk.subarray(0, this.offset));
    return slices;
  }
}
