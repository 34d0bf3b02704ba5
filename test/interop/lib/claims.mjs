// claims.mjs: claim sets with a value of every JSON type, for round trips.
//
// Times are fixed so that tests can pin them: checks pass "at" (token_ext)
// and currentDate (jose) explicitly.

export const ISSUED_AT = 1700000000;          // 2023-11-14 22:13:20 UTC
export const CHECK_AT = ISSUED_AT + 100;      // when the fixed tokens are checked
export const EXPIRES_AT = ISSUED_AT + 3600;

// Every JSON type: strings (non-ASCII, escapes), integers, fractions, large
// and tiny numbers, booleans, null, nested arrays and objects, and the
// registered claims exp/nbf/iat/aud/iss/sub/jti.
export function richClaims(alg) {
  return {
    iss: 'https://issuer.example/interop',
    sub: `subject ${alg}`,
    aud: ['api://token_ext', 'api://other'],
    jti: `jti-${alg}-0001`,
    iat: ISSUED_AT,
    nbf: ISSUED_AT,
    exp: EXPIRES_AT,
    ascii: 'plain text',
    non_ascii: 'Grüße aus Köln, 東京, Привет, שלום, emoji 😀🎉, combining é',
    escapes: 'quote " backslash \\ slash / newline \n return \r tab \t backspace \b formfeed \f ' +
      'controls \u0001 \u001f del \u007f separators \u2028 \u2029 bom \ufeff',
    '': 'the empty member name',
    'name with "quotes" and ü': 'value',
    empty_string: '',
    zero: 0,
    negative: -42,
    max_safe_integer: Number.MAX_SAFE_INTEGER,
    min_safe_integer: Number.MIN_SAFE_INTEGER,
    beyond_safe_integer: 12345678901234567890,
    pi: Math.PI,
    tenth: 0.1,
    negative_fraction: -2.5e-7,
    huge: 1.7976931348623157e308,
    tiny: 5e-324,
    big_exponent: 6.02214076e23,
    yes: true,
    no: false,
    nothing: null,
    empty_array: [],
    empty_object: {},
    mixed_array: [1, 'two', 3.5, true, false, null, { x: [] }, [[]]],
    nested: {
      level1: { level2: { level3: { level4: [1, [2, [3, [4, { deep: 'ü' }]]]] } } },
      list_of_objects: [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }],
    },
  };
}
