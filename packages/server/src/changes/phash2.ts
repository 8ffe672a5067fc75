// A TypeScript rendering of Erlang's portable term hash, `erlang:phash2/1`, for the terms a
// JSON decoder (Jason) produces. The algorithm is `make_hash2` in the Erlang runtime
// (erts/emulator/beam/utils.c, later erl_term_hashing.c): every term is folded into a 32-bit
// running hash with Bob Jenkins' lookup2 mixing step, and phash2/1 keeps the low 27 bits.
//
// All arithmetic is modulo 2^32. Intermediate values are kept as JS int32/uint32 numbers; the
// bitwise operators reduce them modulo 2^32, and `>>> 0` turns them back into unsigned values.

/** The golden ratio constant of lookup2; the per-type salts are its small multiples. */
const GOLDEN = 0x9e3779b9;

/** `GOLDEN * n mod 2^32`, the salt make_hash2 uses for one kind of term. */
function salt(n: number): number {
  return Math.imul(GOLDEN, n) >>> 0;
}

const SALT_INTEGER = GOLDEN;
const SALT_NIL = salt(2);
const SALT_ATOM = salt(3);
const SALT_BYTE_RUN = salt(4);
const SALT_NEGATIVE_BIG = salt(10);
const SALT_POSITIVE_BIG = salt(11);
const SALT_FLOAT = salt(12);
const SALT_BINARY = salt(13);
const SALT_MAP_SIZE = salt(16);
const SALT_MAP_PAIRS = salt(19);

/** The tag number the runtime gives `[]` when it mixes it into a non-zero running hash. */
const NIL_TAG = 2;
/** What the hash of `[]` becomes when nothing has been hashed before it. */
const NIL_FIRST = 3468870702;

/** Integers in this signed 28-bit range take the cheap "small" path. */
const SMALL28_MIN = -(2 ** 27);
const SMALL28_MAX = 2 ** 27 - 1;

/** The 27-bit range of phash2/1. */
const RESULT_MASK = 2 ** 27 - 1;

interface Lookup2State {
  a: number;
  b: number;
  c: number;
}

/** Bob Jenkins' lookup2 `mix`: scrambles the three words of `state` in place. */
function mix(state: Lookup2State): void {
  let { a, b, c } = state;
  a = (a - b - c) ^ (c >>> 13);
  b = (b - c - a) ^ (a << 8);
  c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12);
  b = (b - c - a) ^ (a << 16);
  c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3);
  b = (b - c - a) ^ (a << 10);
  c = (c - a - b) ^ (b >>> 15);
  state.a = a >>> 0;
  state.b = b >>> 0;
  state.c = c >>> 0;
}

/** Mixes two 32-bit words, each offset by `saltValue`, into the running hash. */
function mixWords(hash: number, first: number, second: number, saltValue: number): number {
  const state = { a: (saltValue + first) >>> 0, b: (saltValue + second) >>> 0, c: hash };
  mix(state);
  return state.c;
}

/** Mixes one 32-bit word (the second word is zero) into the running hash. */
function mixWord(hash: number, word: number, saltValue: number): number {
  return mixWords(hash, word, 0, saltValue);
}

function byteAt(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

function littleEndianWord(bytes: Uint8Array, at: number): number {
  return (
    (byteAt(bytes, at) |
      (byteAt(bytes, at + 1) << 8) |
      (byteAt(bytes, at + 2) << 16) |
      (byteAt(bytes, at + 3) << 24)) >>>
    0
  );
}

/**
 * lookup2 over the first `length` bytes of `bytes`, seeded with `seed`: 12-byte blocks, then the
 * tail and length.
 */
function blockHash(bytes: Uint8Array, length: number, seed: number): number {
  const state = { a: GOLDEN, b: GOLDEN, c: seed };
  let offset = 0;
  for (; length - offset >= 12; offset += 12) {
    state.a = (state.a + littleEndianWord(bytes, offset)) >>> 0;
    state.b = (state.b + littleEndianWord(bytes, offset + 4)) >>> 0;
    state.c = (state.c + littleEndianWord(bytes, offset + 8)) >>> 0;
    mix(state);
  }
  // The length is folded into c modulo 2^32 (the runtime truncates sizes to 32 bits too).
  state.c = (state.c + length) >>> 0;
  // The tail fills a from its low byte up, then b, then c from its second byte up: the low
  // byte of c is taken by the length.
  for (let i = 0; offset + i < length; i++) {
    const byte = byteAt(bytes, offset + i);
    if (i < 4) state.a = (state.a + byte * 2 ** (8 * i)) >>> 0;
    else if (i < 8) state.b = (state.b + byte * 2 ** (8 * (i - 4))) >>> 0;
    else state.c = (state.c + byte * 2 ** (8 * (i - 7))) >>> 0;
  }
  mix(state);
  return state.c;
}

/** The atom table's hash of an atom name: hashpjw over its (here ASCII) bytes. */
function atomTableHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0;
    const top = (h & 0xf0000000) >>> 0;
    if (top !== 0) h = (h ^ (top >>> 24) ^ top) >>> 0;
  }
  return h;
}

const ATOM_HASHES = {
  true: atomTableHash('true'),
  false: atomTableHash('false'),
  nil: atomTableHash('nil'),
};

function hashAtom(name: keyof typeof ATOM_HASHES, hash: number): number {
  const atomHash = ATOM_HASHES[name];
  // An atom seen first stands for itself; later ones are mixed in.
  return hash === 0 ? atomHash : mixWord(hash, atomHash, SALT_ATOM);
}

function hashNil(hash: number): number {
  return hash === 0 ? NIL_FIRST : mixWord(hash, NIL_TAG, SALT_NIL);
}

const utf8 = new TextEncoder();
/**
 * Reused for every string: a join may carry a hundred thousand bindings, and a fresh array per
 * key and value made encoding and garbage collection most of the cost of hashing them.
 */
let scratch = new Uint8Array(1024);

/** A string as a binary: its UTF-8 bytes. */
function hashString(value: string, hash: number): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (scratch.length < value.length * 3) scratch = new Uint8Array(value.length * 3);
  const { written } = utf8.encodeInto(value, scratch);
  const seed = (SALT_BINARY + hash) >>> 0;
  return written === 0 ? seed : blockHash(scratch, written, seed);
}

/**
 * Integers beyond 28 bits are hashed by magnitude, 64 bits at a time from the least
 * significant end (low word, high word), with a salt that carries the sign. The runtime does
 * this identically for 60-bit "small" integers and for bignums, so no boundary shows here.
 */
function hashWideInteger(value: bigint, hash: number): number {
  const negative = value < 0n;
  const saltValue = negative ? SALT_NEGATIVE_BIG : SALT_POSITIVE_BIG;
  let magnitude = negative ? -value : value;
  let result = hash;
  do {
    const low = Number(magnitude & 0xffffffffn);
    const high = Number((magnitude >> 32n) & 0xffffffffn);
    result = mixWords(result, low, high, saltValue);
    magnitude >>= 64n;
  } while (magnitude > 0n);
  return result;
}

function hashInteger(value: number | bigint, hash: number): number {
  const small =
    typeof value === 'number'
      ? value >= SMALL28_MIN && value <= SMALL28_MAX
        ? value
        : null
      : value >= BigInt(SMALL28_MIN) && value <= BigInt(SMALL28_MAX)
        ? Number(value)
        : null;
  if (small === null) return hashWideInteger(BigInt(value), hash);
  let result = hash;
  // Negative smalls are mixed twice: first their absolute value, then their two's complement.
  if (small < 0) result = mixWord(result, -small, SALT_INTEGER);
  return mixWord(result, small >>> 0, SALT_INTEGER);
}

const floatView = new DataView(new ArrayBuffer(8));

function hashFloat(value: number, hash: number): number {
  // -0.0 hashes like 0.0; the words go in most significant first.
  floatView.setFloat64(0, value === 0 ? 0 : value);
  return mixWords(hash, floatView.getUint32(0), floatView.getUint32(4), SALT_FLOAT);
}

/** The value of an integer that fits in a byte (the runtime's string optimisation), or null. */
function asByte(item: unknown): number | null {
  if (typeof item === 'number')
    return Number.isInteger(item) && item >= 0 && item <= 255 ? item : null;
  if (typeof item === 'bigint') return item >= 0n && item <= 255n ? Number(item) : null;
  return null;
}

/**
 * A list is walked head to tail. Runs of byte-sized integers (0..255) are packed four to a
 * word; any other element is hashed in place, ending the current run. The closing `[]` is
 * hashed last.
 */
function hashList(items: readonly unknown[], hash: number): number {
  let result = hash;
  let packed = 0;
  let count = 0;
  for (const item of items) {
    const byte = asByte(item);
    if (byte !== null) {
      packed = ((packed << 8) + byte) >>> 0;
      count++;
      if (count === 4) {
        result = mixWord(result, packed, SALT_BYTE_RUN);
        packed = 0;
        count = 0;
      }
      continue;
    }
    if (count > 0) {
      result = mixWord(result, packed, SALT_BYTE_RUN);
      packed = 0;
      count = 0;
    }
    result = hashTerm(item, result);
  }
  if (count > 0) result = mixWord(result, packed, SALT_BYTE_RUN);
  return hashNil(result);
}

/**
 * A map mixes in its size, then the XOR of one hash per key-value pair (each computed from
 * scratch, key then value), so key order never matters. The runtime's flat maps (up to 32
 * keys) and HAMT maps (more) both reduce to this.
 */
function hashMap(entries: ReadonlyArray<readonly [string, unknown]>, hash: number): number {
  const result = mixWord(hash, entries.length, SALT_MAP_SIZE);
  if (entries.length === 0) return result;
  let pairs = 0;
  for (const [key, value] of entries) {
    pairs = (pairs ^ hashTerm(value, hashString(key, 0))) >>> 0;
  }
  return mixWord(result, pairs, SALT_MAP_PAIRS);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Folds the Erlang term for `value` into the running hash `hash`. */
function hashTerm(value: unknown, hash: number): number {
  switch (typeof value) {
    case 'string':
      return hashString(value, hash);
    case 'boolean':
      return hashAtom(value ? 'true' : 'false', hash);
    case 'bigint':
      return hashInteger(value, hash);
    case 'number':
      if (Number.isInteger(value)) return hashInteger(value, hash);
      if (Number.isFinite(value)) return hashFloat(value, hash);
      throw new TypeError(`phash2: ${value} has no Erlang term`);
    case 'object':
      if (value === null) return hashAtom('nil', hash);
      if (Array.isArray(value)) return hashList(value, hash);
      if (isPlainObject(value)) {
        // Like JSON.stringify, a property set to undefined is no property at all.
        const entries = Object.entries(value).filter(([, item]) => item !== undefined);
        return hashMap(entries, hash);
      }
      break;
  }
  throw new TypeError(`phash2: a ${typeof value} value has no JSON-decoded Erlang term`);
}

/**
 * Erlang's `erlang:phash2/1` (range 2^27) of the term Jason would decode from `value`'s JSON,
 * matching the ids the Realtime server gives `postgres_changes` bindings.
 *
 * The mapping: string → UTF-8 binary; integral number or bigint → integer; other finite
 * number → float (-0 and 0 both become the integer 0); `true`/`false` → atoms; `null` → the
 * atom `nil`; array → proper list; plain object → map with binary keys (properties whose value
 * is `undefined` are skipped, as in JSON). A JSON number written with a fraction or exponent
 * but integral in value (`1.0`, `1e3`) is a float to Jason but an integer here, since JS cannot
 * tell them apart once parsed.
 *
 * @returns an integer in `0 .. 2^27 - 1`, equal to what a real Erlang node returns.
 * @throws TypeError for values with no JSON form: `undefined`, NaN, ±Infinity, functions,
 *   symbols and objects that are not plain objects or arrays.
 */
export function phash2(value: unknown): number {
  return (hashTerm(value, 0) & RESULT_MASK) >>> 0;
}
