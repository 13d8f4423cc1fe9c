// COSE_Sign1 on cbor-x, checked against the COSE working group's published
// examples (github.com/cose-wg/Examples, the test set behind RFC 9052's
// appendix): the Sig_structure must equal their ToBeSign bytes, an
// independent verifier (OpenSSL through node:crypto) must accept the
// signatures we decode, and Ed448 being deterministic, our encoder must
// rebuild their token byte for byte.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ALG, decodeSign1, encodeSign1, HEADER, sigStructure, verifyEd25519Sign1 } from '../../../src/shared/signoff/cose';
import { ed25519FromSeed, rawEd25519PublicKey } from '../../../src/core/vault/keys';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

// sign1-tests/sign-pass-02.json: ES256, kid "11" unprotected, external AAD.
const p256Key = {
  kty: 'EC',
  crv: 'P-256',
  x: 'usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8',
  y: 'IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4',
};
const pass02 = {
  external: '11aa22bb33cc44dd55006699',
  toBeSigned: '846A5369676E61747572653143A101264C11AA22BB33CC44DD5500669954546869732069732074686520636F6E74656E742E',
  cbor: 'D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E155388B10C4F1B59A6733EAB416870A945111A4B2FBDBEF33A77234B1DEFF2F9B',
};
// sign1-tests/sign-fail-02.json: the same key, one payload byte changed after signing.
const fail02 = {
  toBeSigned: '846A5369676E61747572653143A101264054546869732069732074686520636F6E74656E742E',
  cbor: 'D28443A10126A10442313154546869732069732074686520636F6E74656E742F5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794',
};
// eddsa-examples/eddsa-sig-02.json: EdDSA (Ed448) Sign1, kid "3d448" unprotected.
const ed448 = {
  x: '5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180',
  d: '6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b',
  toBeSigned: '846A5369676E61747572653143A101274054546869732069732074686520636F6E74656E742E',
  cbor: 'D28443A10127A10445336434343854546869732069732074686520636F6E74656E742E5872988240A3A2F189BD486DE14AA77F54686C576A09F2E7ED9BAE910DF9139C2AC3BE7C27B7E10A20FA17C9D57D3510A2CF1F634BC0345AB9BE00849842171D1E9E98B2674C0E38BFCF6C557A1692B01B71015A47AC9F7748840CAD1DA80CBB5B349309FEBB912672B377C8B2072AF1598B3700',
};

describe('COSE_Sign1 against the cose-wg examples', () => {
  it('decodes sign-pass-02, rebuilds its Sig_structure with the external AAD, and OpenSSL accepts the signature', () => {
    const decoded = decodeSign1(hex(pass02.cbor));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const sign1 = decoded.value;
    expect(sign1.tagged).toBe(true);
    expect(sign1.protectedHeader.get(HEADER.alg)).toBe(ALG.ES256);
    expect(Buffer.from(sign1.unprotectedHeader.get(HEADER.kid) as Uint8Array).toString()).toBe('11');
    expect(Buffer.from(sign1.payload).toString()).toBe('This is the content.');
    const toBeSigned = sigStructure(sign1.protectedBytes, sign1.payload, hex(pass02.external));
    expect(toHex(toBeSigned)).toBe(pass02.toBeSigned);
    const key = createPublicKey({ key: p256Key, format: 'jwk' });
    expect(verify('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, sign1.signature)).toBe(true);
    // Without the external AAD the same signature is not valid: the AAD is bound in.
    expect(verify('sha256', sigStructure(sign1.protectedBytes, sign1.payload), { key, dsaEncoding: 'ieee-p1363' }, sign1.signature)).toBe(
      false,
    );
  });

  it('sign-fail-02 (a changed payload byte) fails against its own Sig_structure', () => {
    const decoded = decodeSign1(hex(fail02.cbor));
    if (!decoded.ok) throw new Error(decoded.detail);
    const toBeSigned = sigStructure(decoded.value.protectedBytes, decoded.value.payload);
    expect(toHex(toBeSigned)).not.toBe(fail02.toBeSigned);
    const key = createPublicKey({ key: p256Key, format: 'jwk' });
    expect(verify('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, decoded.value.signature)).toBe(false);
  });

  it('rebuilds eddsa-sig-02 (Ed448, deterministic) byte for byte', () => {
    const privateKey = createPrivateKey({
      key: {
        kty: 'OKP',
        crv: 'Ed448',
        x: Buffer.from(ed448.x, 'hex').toString('base64url'),
        d: Buffer.from(ed448.d, 'hex').toString('base64url'),
      },
      format: 'jwk',
    });
    let seen: Uint8Array | null = null;
    const built = encodeSign1({
      protectedHeader: new Map([[HEADER.alg, ALG.EdDSA]]),
      unprotectedHeader: new Map([[HEADER.kid, new Uint8Array(Buffer.from('3d448'))]]),
      payload: new Uint8Array(Buffer.from('This is the content.')),
      sign: (toBeSigned) => {
        seen = toBeSigned;
        return new Uint8Array(sign(null, toBeSigned, privateKey));
      },
      tagged: true,
    });
    expect(toHex(seen!)).toBe(ed448.toBeSigned);
    expect(toHex(built)).toBe(ed448.cbor);
  });
});

describe('COSE_Sign1 with Ed25519 (the booth)', () => {
  const signingKey = ed25519FromSeed(Buffer.alloc(32, 3));
  const publicKey = rawEd25519PublicKey(createPublicKey(signingKey));
  const build = (header = new Map<number, unknown>([[HEADER.alg, ALG.EdDSA]])) =>
    encodeSign1({
      protectedHeader: header,
      payload: new Uint8Array([1, 2, 3]),
      sign: (tbs) => new Uint8Array(sign(null, tbs, signingKey)),
    });

  it('verifies what it signed, untagged, and refuses any changed byte', () => {
    const bytes = build();
    expect(bytes[0]).toBe(0x84);
    const decoded = decodeSign1(bytes);
    if (!decoded.ok) throw new Error(decoded.detail);
    expect(verifyEd25519Sign1(decoded.value, publicKey)).toEqual({ ok: true, value: true });
    for (let at = 0; at < bytes.length; at++) {
      const flipped = Uint8Array.from(bytes);
      flipped[at] = flipped[at]! ^ 0x01;
      const again = decodeSign1(flipped);
      const result = again.ok ? verifyEd25519Sign1(again.value, publicKey) : again;
      expect(result.ok, `byte ${at} flipped`).toBe(false);
    }
  });

  it('refuses an algorithm other than EdDSA, or one given only in the unprotected header', () => {
    const es256 = decodeSign1(build(new Map([[HEADER.alg, ALG.ES256]])));
    if (!es256.ok) throw new Error(es256.detail);
    expect(verifyEd25519Sign1(es256.value, publicKey)).toMatchObject({ ok: false, reason: 'UNSUPPORTED_ALGORITHM' });
    const unprotectedAlg = encodeSign1({
      protectedHeader: new Map(),
      unprotectedHeader: new Map([[HEADER.alg, ALG.EdDSA]]),
      payload: new Uint8Array([1]),
      sign: (tbs) => new Uint8Array(sign(null, tbs, signingKey)),
    });
    const decoded = decodeSign1(unprotectedAlg);
    if (!decoded.ok) throw new Error(decoded.detail);
    expect(decoded.value.protectedBytes.length).toBe(0);
    expect(verifyEd25519Sign1(decoded.value, publicKey)).toMatchObject({ ok: false, reason: 'UNSUPPORTED_ALGORITHM' });
  });

  it('says MALFORMED for what is not a Sign1: truncated, trailing bytes, wrong tag, wrong shape', () => {
    const bytes = build();
    const cases: Record<string, Uint8Array> = {
      truncated: bytes.subarray(0, bytes.length - 1),
      trailing: Uint8Array.from([...bytes, 0]),
      'tag 17': Uint8Array.from([0xd1, ...bytes]),
      'array of 3': hex('8340a040'),
      'text payload': hex('8440a06161' + '40'),
      'header in both buckets': hex('8443a10127a1012740' + '40'),
      empty: new Uint8Array(),
    };
    for (const [name, input] of Object.entries(cases)) expect(decodeSign1(input), name).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });
});
