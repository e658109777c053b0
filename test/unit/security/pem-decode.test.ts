// Issue 10, finding 6: PEM is read as Go's encoding/pem.Decode reads it (what kube's certificates.ParseCSR and
// validateCertificate call), in one pass, without the regex that held the event loop for ~36 s on
// `-----BEGIN A-----` repeated 64,000 times.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { decodePem, decodePemBlocks, pemBlocks, toPem } from '../../../src/pki/pem.js';
import { certificateError, CsrRequestError, parseCsrRequest } from '../../../src/registry/resources/certificates.js';

const HELLO = Buffer.from('hello').toString('base64'); // aGVsbG8=

function within<T>(ms: number, fn: () => T): T {
  const start = Date.now();
  const out = fn();
  const took = Date.now() - start;
  assert.ok(took < ms, `took ${took} ms`);
  return out;
}

describe('pem.Decode semantics', () => {
  // text, the [type, body, hasHeaders] of each block a Decode loop finds
  const cases: [string, string, [string, string, boolean][]][] = [
    ['a block', `-----BEGIN A-----\n${HELLO}\n-----END A-----\n`, [['A', 'hello', false]]],
    ['junk around it', `junk\n-----BEGIN A-----\n${HELLO}\n-----END A-----\nmore junk`, [['A', 'hello', false]]],
    [
      'CRLF lines and trailing blanks',
      `-----BEGIN A-----  \r\n${HELLO}\r\n-----END A----- \t\r\n`,
      [['A', 'hello', false]],
    ],
    [
      'base64 split by spaces, tabs and newlines',
      '-----BEGIN A-----\naGVs\n bG8 =\t\n-----END A-----',
      [['A', 'hello', false]],
    ],
    ['an empty block', '-----BEGIN A-----\n-----END A-----', [['A', '', false]]],
    [
      'headers',
      `-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES\n\n${HELLO}\n-----END A-----\n`,
      [['A', 'hello', true]],
    ],
    [
      'two blocks',
      `-----BEGIN A-----\n${HELLO}\n-----END A-----\n-----BEGIN B-----\n-----END B-----\n`,
      [
        ['A', 'hello', false],
        ['B', '', false],
      ],
    ],
    ['BEGIN not at a line start', `x-----BEGIN A-----\n${HELLO}\n-----END A-----\n`, []],
    ['END of another type', `-----BEGIN A-----\n${HELLO}\n-----END B-----\n`, []],
    ['junk after END on its line', `-----BEGIN A-----\n${HELLO}\n-----END A-----x\n`, []],
    ['no END at all', `-----BEGIN A-----\n${HELLO}\n`, []],
    ['a body that is not base64', '-----BEGIN A-----\n!!!!\n-----END A-----\n', []],
    ['base64 without its padding', '-----BEGIN A-----\naGVsbG8\n-----END A-----\n', []],
    ['data after the padding', '-----BEGIN A-----\naGVsbG8=AAAA\n-----END A-----\n', []],
    ['headers up to the end of the text', '-----BEGIN A-----\nKey: value', []],
    [
      'a bad candidate, then a good block',
      `-----BEGIN A-----\n!!\n-----BEGIN B-----\n${HELLO}\n-----END B-----\n`,
      [['B', 'hello', false]],
    ],
    [
      'a BEGIN line inside a body',
      `-----BEGIN A-----\n-----BEGIN A-----\n${HELLO}\n-----END A-----\n`,
      [['A', 'hello', false]],
    ],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      assert.deepEqual(
        decodePemBlocks(text).map((b) => [b.type, b.der.toString(), b.hasHeaders]),
        want,
      );
      assert.deepEqual(decodePem(text)?.block.type, want[0]?.[0]);
    });
  }
  it('pemBlocks, for files a user hands kauth, reports a body that is not base64 instead of skipping it', () => {
    assert.throws(
      () => pemBlocks('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'),
      /"CERTIFICATE" does not contain valid base64/,
    );
    const der = Buffer.alloc(300, 9);
    assert.ok(pemBlocks(toPem('CERTIFICATE', der))[0]!.der.equals(der));
  });
});

describe('finding 6: text an attacker shapes is read in linear time', () => {
  const n = 64_000;
  const texts: [string, string][] = [
    ['the finding: BEGIN lines with no newline', '-----BEGIN A-----'.repeat(n)],
    ['BEGIN lines', '-----BEGIN A-----\n'.repeat(n)],
    [
      'BEGIN lines then a matching END with a long tail',
      `${'-----BEGIN A-----\n'.repeat(n)}-----END A-----${' '.repeat(n)}x\n`,
    ],
    ['BEGIN lines whose type has a colon (each looks like a header of the last)', '-----BEGIN a:b-----\n'.repeat(n)],
    [
      'BEGIN lines and a body that fails at its very end',
      `${'-----BEGIN A-----\n'.repeat(n / 2)}${'AAAA'.repeat(n)}!\n-----END A-----\n`,
    ],
    [
      'END lines of one prefix and many types',
      `${'-----BEGIN A-----\nAAAA\n'.repeat(n / 4)}-----END A${'-----A'.repeat(n / 4)}-----\n`,
    ],
    ['END lines only', '\n-----END A-----'.repeat(n)],
  ];
  for (const [name, text] of texts) {
    it(`${name} (${text.length} characters)`, () => {
      within(1000, () => decodePemBlocks(text));
    });
  }

  it("the CSR request of the finding is refused with Go's text, at once", async () => {
    const start = Date.now();
    await assert.rejects(
      parseCsrRequest(Buffer.from('-----BEGIN A-----'.repeat(n))),
      (e: Error) => e instanceof CsrRequestError && e.message === 'PEM block type must be CERTIFICATE REQUEST',
    );
    assert.ok(Date.now() - start < 1000);
    assert.equal(
      within(1000, () => certificateError(Buffer.from('-----BEGIN CERTIFICATE-----\n'.repeat(n)))),
      'must contain at least one CERTIFICATE PEM block',
    );
  });

  it('a real CSR made by openssl, behind junk and a false start, still parses', async () => {
    const csr = execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        '/dev/null',
        '-subj',
        '/CN=jane',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
    const parsed = await parseCsrRequest(Buffer.from(`junk\n-----BEGIN CERTIFICATE REQUEST-----\n!!\n${csr}`));
    assert.equal(parsed.subject.commonName, 'jane');
  });
});
