import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, stableId } from '../../src/core/util/sha256';
import { seededRandom } from '../fixtures/random';

const reference = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const ascii = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

describe('Sha256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update('abc').hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto around the block and padding boundaries', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      expect(new Sha256().update(ascii(n)).hex(), `${n} bytes`).toBe(reference(ascii(n)));
    }
  });

  it('hashes strings as UTF-8', () => {
    for (const text of ['é', 'diarrhée aiguë', 'إسهال حاد', '发烧', '🩺💊 dose', `${ascii(54)}é`, `${ascii(63)}€`]) {
      expect(new Sha256().update(text).hex(), text).toBe(reference(Buffer.from(text, 'utf8')));
    }
  });

  it('hashes bytes as given', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
    expect(new Sha256().update(bytes).hex()).toBe(reference(bytes));
  });

  it('gives the same digest when the input is fed in pieces of any size', () => {
    const random = seededRandom(256);
    const text = `${ascii(200)} fièvre — 🩺 ${ascii(333)}`;
    const expected = reference(Buffer.from(text, 'utf8'));
    for (let round = 0; round < 40; round++) {
      const hash = new Sha256();
      let at = 0;
      while (at < text.length) {
        const size = 1 + Math.floor(random() * 90);
        // Cut between code points only: a lone surrogate is not text.
        let end = Math.min(text.length, at + size);
        if (/[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
        hash.update(text.slice(at, end));
        at = end;
      }
      expect(hash.hex(), `round ${round}`).toBe(expected);
    }
  });

  it('gives the same digest for byte pieces, split anywhere, even inside a character', () => {
    const bytes = new TextEncoder().encode(`${ascii(70)}éèê${ascii(70)}`);
    const expected = reference(bytes);
    for (const size of [1, 3, 63, 64, 65]) {
      const hash = new Sha256();
      for (let i = 0; i < bytes.length; i += size) hash.update(bytes.subarray(i, i + size));
      expect(hash.hex(), `pieces of ${size}`).toBe(expected);
    }
  });
});

describe('stableId', () => {
  it('is deterministic and short', () => {
    const id = stableId('MedlinePlus|https://medlineplus.gov/anemia.html');
    expect(stableId('MedlinePlus|https://medlineplus.gov/anemia.html')).toBe(id);
    expect(id).toMatch(/^[0-9a-z]{1,11}$/);
  });

  it('differs for inputs that differ slightly', () => {
    const inputs = ['anemia', 'anemia ', 'Anemia', 'anaemia', 'symptoms', 'symptom', 'a|b', 'b|a', ''];
    const ids = new Set(inputs.map(stableId));
    expect(ids.size).toBe(inputs.length);
  });

  it('has no collisions over a few thousand similar keys', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) ids.add(stableId(`MedlinePlus|https://medlineplus.gov/ency/article/${String(i).padStart(6, '0')}.htm`));
    expect(ids.size).toBe(5000);
  });
});
