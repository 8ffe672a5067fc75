import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Vitest's jsdom environment swaps the binary constructors for jsdom's own realm, so bytes made by
// Node (TextEncoder, `ws` frames, jose's key checks) fail `instanceof`. structuredClone builds its
// copy in Node's realm, which hands back Node's constructors; the DOM needs none of jsdom's.
const binaryConstructors = [
  'ArrayBuffer',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
] as const;
for (const name of binaryConstructors) {
  const sample: unknown = structuredClone(new globalThis[name](1));
  Object.defineProperty(globalThis, name, {
    configurable: true,
    writable: true,
    value: (sample as { constructor: unknown }).constructor,
  });
}

// Every wait in these tests is on a round trip through a real server (and often PostgreSQL): on a
// loaded CI machine one can take seconds, far past waitFor's default of 1 s.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => cleanup());
