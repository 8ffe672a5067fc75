import { describe, expect, it } from 'vitest';
import { phash2 } from '../changes/phash2';

// Reference vectors. Each `expected` is the number a real Erlang node printed for the vector's
// `erlang` term, here Debian 12's erlang-base 1:25.2.3+dfsg-1+deb12u4 (OTP 25.2.3, ERTS 13.1.5,
// x86_64), with this command, TERM being the vector's `erlang` field:
//
//   erl -noshell -eval 'io:format("~p~n", [erlang:phash2(TERM)]), halt().'
//
// e.g. erl -noshell -eval 'io:format("~p~n", [erlang:phash2(#{<<"event">> => <<"*">>,
//        <<"schema">> => <<"public">>})]), halt().'  prints 74307548.
//
// phash2 is documented as stable across ERTS versions, and make_hash2's handling of every term
// type used here (binaries, integers, floats, atoms, lists, flat and HAMT maps) reads the same
// in OTP 25 and in current OTP (erts/emulator/beam/erl_term_hashing.c), so these hold for the
// recent OTP the Realtime server runs. Non-ASCII binaries are written as their UTF-8 bytes.
// Erlang is needed only to regenerate these numbers, never to run this test.

interface Vector {
  /** How the test title names the term. */
  name: string;
  /** The JS value, as the server would hold it after JSON.parse. */
  value: unknown;
  /** The Erlang term Jason decodes from that JSON, as Erlang source. */
  erlang: string;
  /** `erlang:phash2(Term)` as printed by a real Erlang node. */
  expected: number;
}

/** `{k1: 1, ..., kN: N}`, the JS side of the `maps:from_list(...)` vectors. */
function numberedKeys(count: number): Record<string, number> {
  const map: Record<string, number> = {};
  for (let i = 1; i <= count; i++) map[`k${i}`] = i;
  return map;
}

const binaries: Vector[] = [
  { name: 'an empty binary', value: '', erlang: '<<>>', expected: 13708901 },
  { name: 'a one-byte binary', value: 'a', erlang: '<<"a">>', expected: 112802447 },
  { name: 'the binary "*"', value: '*', erlang: '<<"*">>', expected: 31277812 },
  { name: 'the binary "public"', value: 'public', erlang: '<<"public">>', expected: 46515530 },
  { name: 'the binary "INSERT"', value: 'INSERT', erlang: '<<"INSERT">>', expected: 18051955 },
  {
    name: 'an 11-byte binary (tail only)',
    value: 'hello world',
    erlang: '<<"hello world">>',
    expected: 33550279,
  },
  {
    name: 'a 12-byte binary (one full block)',
    value: 'abcdefghijkl',
    erlang: '<<"abcdefghijkl">>',
    expected: 15432855,
  },
  {
    name: 'a 13-byte binary (a block and one tail byte)',
    value: 'abcdefghijklm',
    erlang: '<<"abcdefghijklm">>',
    expected: 11441572,
  },
  {
    name: 'a 36-byte binary (three full blocks)',
    value: 'postgres_changes:public:todos:id=eq.',
    erlang: '<<"postgres_changes:public:todos:id=eq.">>',
    expected: 17455129,
  },
  {
    name: 'a 2-byte UTF-8 string',
    value: 'café',
    erlang: '<<99,97,102,195,169>>',
    expected: 94684372,
  },
  {
    name: 'a CJK string',
    value: '日本語',
    erlang: '<<230,151,165,230,156,172,232,170,158>>',
    expected: 72625089,
  },
  {
    name: 'a string with an emoji',
    value: '🎉 party',
    erlang: '<<240,159,142,137,32,112,97,114,116,121>>',
    expected: 11812331,
  },
];

const integers: Vector[] = [
  { name: 'the integer 0', value: 0, erlang: '0', expected: 88723725 },
  { name: 'the integer 1', value: 1, erlang: '1', expected: 2614250 },
  { name: 'the integer -1', value: -1, erlang: '-1', expected: 44071773 },
  { name: 'the integer 255', value: 255, erlang: '255', expected: 44734653 },
  { name: 'the integer 256', value: 256, erlang: '256', expected: 37021655 },
  {
    name: 'the largest 28-bit integer',
    value: 134217727,
    erlang: '134217727',
    expected: 112602999,
  },
  {
    name: 'the smallest 28-bit integer',
    value: -134217728,
    erlang: '-134217728',
    expected: 69672967,
  },
  {
    name: 'the first integer past 28 bits',
    value: 134217728,
    erlang: '134217728',
    expected: 12354923,
  },
  {
    name: 'the first negative integer past 28 bits',
    value: -134217729,
    erlang: '-134217729',
    expected: 76739502,
  },
  { name: 'the integer 2^32', value: 4294967296, erlang: '4294967296', expected: 95057355 },
  { name: 'the integer -2^32', value: -4294967296, erlang: '-4294967296', expected: 35930262 },
  {
    name: 'a large realistic row id',
    value: 1234567890123,
    erlang: '1234567890123',
    expected: 127968625,
  },
  {
    name: 'the integer Number.MAX_SAFE_INTEGER',
    value: 9007199254740991,
    erlang: '9007199254740991',
    expected: 118213783,
  },
  {
    name: 'the integer Number.MIN_SAFE_INTEGER',
    value: -9007199254740991,
    erlang: '-9007199254740991',
    expected: 55257853,
  },
  {
    name: '2^60, the first bignum, given as a number',
    value: 2 ** 60,
    erlang: '1152921504606846976',
    expected: 31803508,
  },
  {
    name: '2^59 - 1, the largest small integer, given as a bigint',
    value: 576460752303423487n,
    erlang: '576460752303423487',
    expected: 27520264,
  },
  {
    name: 'the integer 2^64 - 1, given as a bigint',
    value: 18446744073709551615n,
    erlang: '18446744073709551615',
    expected: 53435350,
  },
  {
    name: 'the integer 2^64, given as a bigint',
    value: 18446744073709551616n,
    erlang: '18446744073709551616',
    expected: 103122609,
  },
  {
    name: 'the integer -(2^100), given as a bigint',
    value: -1267650600228229401496703205376n,
    erlang: '-1267650600228229401496703205376',
    expected: 124857544,
  },
  {
    name: 'the largest double, an integer to JS, as a 1024-bit bignum',
    value: 1.7976931348623157e308,
    erlang:
      '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368',
    expected: 17410545,
  },
];

const floats: Vector[] = [
  { name: 'the float 0.5', value: 0.5, erlang: '0.5', expected: 55691757 },
  { name: 'the float -0.5', value: -0.5, erlang: '-0.5', expected: 81585777 },
  { name: 'the float 0.1', value: 0.1, erlang: '0.1', expected: 114238079 },
  {
    name: 'the float pi',
    value: 3.141592653589793,
    erlang: '3.141592653589793',
    expected: 93376775,
  },
  { name: 'the float 123456.789', value: 123456.789, erlang: '123456.789', expected: 78313598 },
  { name: 'the float 1e-7', value: 1e-7, erlang: '1.0e-7', expected: 131346773 },
  {
    name: 'the float 4503599627370495.5, just under 2^52',
    value: 4503599627370495.5,
    erlang: '4503599627370495.5',
    expected: 4136713,
  },
  { name: 'the float -1.5e-10', value: -1.5e-10, erlang: '-1.5e-10', expected: 64345391 },
  { name: 'the smallest denormal float', value: 5e-324, erlang: '5.0e-324', expected: 107647591 },
  { name: 'the float -2.5e-300', value: -2.5e-300, erlang: '-2.5e-300', expected: 5975345 },
];

const atoms: Vector[] = [
  { name: 'true', value: true, erlang: 'true', expected: 506293 },
  { name: 'false', value: false, erlang: 'false', expected: 7111573 },
  { name: 'null (the atom nil)', value: null, erlang: 'nil', expected: 29948 },
];

const lists: Vector[] = [
  { name: 'an empty list', value: [], erlang: '[]', expected: 113427502 },
  { name: 'a list of three bytes', value: [1, 2, 3], erlang: '[1, 2, 3]', expected: 25788620 },
  { name: 'a list of four bytes', value: [1, 2, 3, 4], erlang: '[1, 2, 3, 4]', expected: 90049352 },
  {
    name: 'a list of six bytes',
    value: [0, 255, 7, 8, 9, 10],
    erlang: '[0, 255, 7, 8, 9, 10]',
    expected: 116812870,
  },
  {
    name: 'a list with a non-byte integer between bytes',
    value: [1, 2, 300, 4],
    erlang: '[1, 2, 300, 4]',
    expected: 552407,
  },
  {
    name: 'a list starting with a negative integer',
    value: [-1, 5],
    erlang: '[-1, 5]',
    expected: 50398108,
  },
  {
    name: 'a list of binaries',
    value: ['id', 'title', 'done'],
    erlang: '[<<"id">>, <<"title">>, <<"done">>]',
    expected: 123744055,
  },
  {
    name: 'a list mixing every scalar type',
    value: [1, 'a', 2.5, true, false, null, 70000],
    erlang: '[1, <<"a">>, 2.5, true, false, nil, 70000]',
    expected: 31442276,
  },
  {
    name: 'a list whose first element is an atom',
    value: [true],
    erlang: '[true]',
    expected: 84474302,
  },
  {
    name: 'a list whose first element is nil',
    value: [null, 1],
    erlang: '[nil, 1]',
    expected: 70304771,
  },
  {
    name: 'nested lists',
    value: [[1], [2, [3, []]], []],
    erlang: '[[1], [2, [3, []]], []]',
    expected: 69662633,
  },
  {
    name: 'a list of maps',
    value: [{ a: 1 }, {}],
    erlang: '[#{<<"a">> => 1}, #{}]',
    expected: 114775080,
  },
];

const maps: Vector[] = [
  { name: 'an empty map', value: {}, erlang: '#{}', expected: 39679005 },
  { name: 'a one-key map', value: { a: 1 }, erlang: '#{<<"a">> => 1}', expected: 31518282 },
  {
    name: 'a map with an empty key and an empty value',
    value: { '': '' },
    erlang: '#{<<>> => <<>>}',
    expected: 65111482,
  },
  {
    name: 'a map with unicode keys and values',
    value: { ключ: 'значение', '🔑': '✓' },
    erlang:
      '#{<<208,186,208,187,209,142,209,135>> => <<208,183,208,189,208,176,209,135,208,181,208,189,208,184,208,181>>, <<240,159,148,145>> => <<226,156,147>>}',
    expected: 1982671,
  },
  {
    name: 'a map with nil, boolean, float and bignum values',
    value: { n: null, t: true, f: false, x: 1.25, big: 18446744073709551616n },
    erlang:
      '#{<<"n">> => nil, <<"t">> => true, <<"f">> => false, <<"x">> => 1.25, <<"big">> => 18446744073709551616}',
    expected: 15345093,
  },
  {
    name: 'a map with list values',
    value: { ids: [1, 2, 3], names: ['a', 'b'], empty: [] },
    erlang: '#{<<"ids">> => [1, 2, 3], <<"names">> => [<<"a">>, <<"b">>], <<"empty">> => []}',
    expected: 45234050,
  },
  {
    name: 'nested maps',
    value: { outer: { inner: { deepest: 'yes' }, empty: {} }, sibling: 1 },
    erlang:
      '#{<<"outer">> => #{<<"inner">> => #{<<"deepest">> => <<"yes">>}, <<"empty">> => #{}}, <<"sibling">> => 1}',
    expected: 133691451,
  },
  {
    name: 'a map with 2 numbered keys',
    value: numberedKeys(2),
    erlang: 'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 2)])',
    expected: 98342043,
  },
  {
    name: 'a map with 5 numbered keys',
    value: numberedKeys(5),
    erlang: 'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 5)])',
    expected: 125206129,
  },
  {
    name: 'a map with 31 numbered keys',
    value: numberedKeys(31),
    erlang:
      'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 31)])',
    expected: 102961703,
  },
  {
    name: 'a map with 32 numbered keys (the largest flat map)',
    value: numberedKeys(32),
    erlang:
      'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 32)])',
    expected: 106189779,
  },
  {
    name: 'a map with 33 numbered keys (the smallest HAMT map)',
    value: numberedKeys(33),
    erlang:
      'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 33)])',
    expected: 60103316,
  },
  {
    name: 'a map with 100 numbered keys',
    value: numberedKeys(100),
    erlang:
      'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 100)])',
    expected: 83411568,
  },
  {
    name: 'a map with 1000 numbered keys',
    value: numberedKeys(1000),
    erlang:
      'maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 1000)])',
    expected: 46307138,
  },
  {
    name: 'a 40-key map nested in a list in a map',
    value: { rows: [numberedKeys(40)], count: 40 },
    erlang:
      '#{<<"rows">> => [maps:from_list([{<<"k", (integer_to_binary(I))/binary>>, I} || I <- lists:seq(1, 40)])], <<"count">> => 40}',
    expected: 128378021,
  },
];

const bindings: Vector[] = [
  {
    name: 'a binding on every table of a schema',
    value: { event: '*', schema: 'public' },
    erlang: '#{<<"event">> => <<"*">>, <<"schema">> => <<"public">>}',
    expected: 74307548,
  },
  {
    name: 'a binding on one table',
    value: { event: '*', schema: 'public', table: 'todos' },
    erlang: '#{<<"event">> => <<"*">>, <<"schema">> => <<"public">>, <<"table">> => <<"todos">>}',
    expected: 68883293,
  },
  {
    name: 'an INSERT binding',
    value: { event: 'INSERT', schema: 'public', table: 'messages' },
    erlang:
      '#{<<"event">> => <<"INSERT">>, <<"schema">> => <<"public">>, <<"table">> => <<"messages">>}',
    expected: 43783255,
  },
  {
    name: 'an UPDATE binding with an eq filter',
    value: { event: 'UPDATE', schema: 'public', table: 'todos', filter: 'id=eq.1' },
    erlang:
      '#{<<"event">> => <<"UPDATE">>, <<"schema">> => <<"public">>, <<"table">> => <<"todos">>, <<"filter">> => <<"id=eq.1">>}',
    expected: 22206448,
  },
  {
    name: 'a DELETE binding with an in filter',
    value: { event: 'DELETE', schema: 'public', table: 'users', filter: 'id=in.(1,2,3)' },
    erlang:
      '#{<<"event">> => <<"DELETE">>, <<"schema">> => <<"public">>, <<"table">> => <<"users">>, <<"filter">> => <<"id=in.(1,2,3)">>}',
    expected: 96855634,
  },
  {
    name: 'a binding with a quoted in filter',
    value: { event: '*', schema: 'public', table: 'rooms', filter: 'name=in.("a b","c")' },
    erlang:
      '#{<<"event">> => <<"*">>, <<"schema">> => <<"public">>, <<"table">> => <<"rooms">>, <<"filter">> => <<110,97,109,101,61,105,110,46,40,34,97,32,98,34,44,34,99,34,41>>}',
    expected: 64452272,
  },
  {
    name: 'a binding on every schema',
    value: { event: '*', schema: '*' },
    erlang: '#{<<"event">> => <<"*">>, <<"schema">> => <<"*">>}',
    expected: 113647290,
  },
  {
    name: 'a binding on a non-public schema with a neq filter',
    value: { event: 'INSERT', schema: 'private', table: 'audit_log', filter: 'level=neq.debug' },
    erlang:
      '#{<<"event">> => <<"INSERT">>, <<"schema">> => <<"private">>, <<"table">> => <<"audit_log">>, <<"filter">> => <<"level=neq.debug">>}',
    expected: 49360919,
  },
  {
    name: 'a binding with a select list',
    value: { event: '*', schema: 'public', table: 'todos', select: ['id', 'title', 'done'] },
    erlang:
      '#{<<"event">> => <<"*">>, <<"schema">> => <<"public">>, <<"table">> => <<"todos">>, <<"select">> => [<<"id">>, <<"title">>, <<"done">>]}',
    expected: 39072847,
  },
  {
    name: 'a binding with an explicit null filter',
    value: { event: '*', schema: 'public', table: 'todos', filter: null },
    erlang:
      '#{<<"event">> => <<"*">>, <<"schema">> => <<"public">>, <<"table">> => <<"todos">>, <<"filter">> => nil}',
    expected: 70382730,
  },
];

/** it.each rows whose `%s` is the vector's name, printed without quotes. */
function titled(vectors: Vector[]): [string, Vector][] {
  return vectors.map((vector) => [vector.name, vector]);
}

describe('phash2', () => {
  it.each(titled(binaries))('hashes %s as Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(integers))('hashes %s as Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(floats))('hashes %s as Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(atoms))('hashes %s as the atom Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(lists))('hashes %s as Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(maps))('hashes %s as Erlang does', (_name, { value, expected }) => {
    expect(phash2(value)).toBe(expected);
  });

  it.each(titled(bindings))(
    'gives %s the id the Realtime server gives it',
    (_name, { value, expected }) => {
      expect(phash2(value)).toBe(expected);
    },
  );

  it('ignores the order of map keys, small maps and large ones alike', () => {
    expect(phash2({ table: 'todos', schema: 'public', event: '*' })).toBe(
      phash2({ event: '*', schema: 'public', table: 'todos' }),
    );
    const large = numberedKeys(40);
    const reversed = Object.fromEntries(Object.entries(large).reverse());
    expect(phash2(reversed)).toBe(phash2(large));
  });

  it('hashes a safe integer the same whether given as a number or a bigint', () => {
    for (const n of [0, 7, -7, 255, 2 ** 27, -(2 ** 31), Number.MAX_SAFE_INTEGER]) {
      expect(phash2(BigInt(n))).toBe(phash2(n));
    }
    expect(phash2([1n, 2n, 300n])).toBe(phash2([1, 2, 300]));
  });

  it('treats -0 as the integer 0, as Jason decodes JSON -0', () => {
    expect(phash2(-0)).toBe(phash2(0));
  });

  it('skips properties whose value is undefined, as JSON does', () => {
    expect(phash2({ event: '*', schema: 'public', filter: undefined })).toBe(
      phash2({ event: '*', schema: 'public' }),
    );
  });

  it('throws a TypeError for values that have no JSON form', () => {
    for (const value of [undefined, NaN, Infinity, -Infinity, () => 0, Symbol('s'), new Date(0)]) {
      expect(() => phash2(value)).toThrow(TypeError);
    }
    expect(() => phash2([undefined])).toThrow(TypeError);
  });

  it('always returns an integer in 0 .. 2^27 - 1', () => {
    for (const { value } of [...binaries, ...integers, ...floats, ...lists, ...maps]) {
      const hash = phash2(value);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 27);
    }
  });
});
