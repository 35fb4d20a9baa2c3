// Refuses a file that is not UTF-8 (a Latin-1 export from Excel, say) with the line of the first bad
// byte, instead of reading it into replacement characters. Fed chunk by chunk: a character may span two.
import { InputError } from '../../core/input-error.js';

export class Utf8Check {
  private line = 1;
  /** Continuation bytes still expected by the character in progress, and its first byte. */
  private pending = 0;
  private lead = 0;

  constructor(private readonly file: string) {}

  chunk(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.pending > 0) {
        if ((b & 0xc0) !== 0x80) this.fail(this.lead);
        this.pending--;
        continue;
      }
      if (b === 0x0a) this.line++;
      else if (b < 0x80) continue;
      else if (b >= 0xc2 && b <= 0xf4) {
        this.pending = b <= 0xdf ? 1 : b <= 0xef ? 2 : 3;
        this.lead = b;
      } else this.fail(b);
    }
  }

  private fail(byte: number): never {
    const hex = byte.toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(
      `${this.file} line ${this.line}: byte 0x${hex} is not UTF-8 (the file looks like Latin-1 or Windows-1252); save it as UTF-8 (Excel: "CSV UTF-8") and run again`,
    );
  }
}
