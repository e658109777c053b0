// CSR validation tables after k8s/pkg/apis/certificates/validation/validation_test.go: each case names the
// field errors kube-apiserver renders, word for word.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError, type FieldError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/types.js';
import {
  canonicalBase64,
  certificateError,
  goByteSlice,
  validateCsr,
  validateCsrUpdate,
  validateSignerName,
  validationOptions,
} from '../../../src/registry/resources/certificates.js';
import { b64, cond, csrObject, opensslCa, opensslCsr, readText, type CsrFixture } from './fixtures.js';

const render = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${e.message}`);

const ALL_USAGES =
  '"any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"';
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Flips one byte of the signature (the last bytes of the DER) and re-armours the CSR. */
function tamper(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 5]! ^= 0xff;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

function withRawRequest(raw: string | undefined, f: CsrFixture = {}): KubeObject {
  const o = csrObject(f);
  const spec = o.spec as Record<string, unknown>;
  if (raw === undefined) delete spec.request;
  else spec.request = b64(raw);
  return o;
}

describe('validateCsr on create', () => {
  const rsaCsr = opensslCsr('/CN=jane', { kind: 'rsa' });
  const ecCsr = opensslCsr('/CN=jane', { kind: 'ec' });
  const ca = opensslCa('ec');
  const caPem = readText(ca.certFile);
  const cases: { name: string; obj: () => KubeObject; want: string[] }[] = [
    { name: 'valid client CSR (RSA)', obj: () => csrObject({ request: rsaCsr }), want: [] },
    {
      name: 'valid client CSR (ECDSA) with expirationSeconds 600',
      obj: () => csrObject({ request: ecCsr, expirationSeconds: 600 }),
      want: [],
    },
    {
      name: 'request is not PEM',
      obj: () => withRawRequest('hello'),
      want: [
        'spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST',
      ],
    },
    {
      name: 'request missing',
      obj: () => withRawRequest(undefined),
      want: ['spec.request: Invalid value: []byte(nil): PEM block type must be CERTIFICATE REQUEST'],
    },
    {
      name: 'request is a CERTIFICATE',
      obj: () => withRawRequest(caPem),
      want: [
        `spec.request: Invalid value: ${goByteSlice(Buffer.from(caPem))}: PEM block type must be CERTIFICATE REQUEST`,
      ],
    },
    {
      name: 'tampered RSA signature',
      obj: () => withRawRequest(tamper(rsaCsr)),
      want: [
        `spec.request: Invalid value: ${goByteSlice(Buffer.from(tamper(rsaCsr)))}: crypto/rsa: verification error`,
      ],
    },
    {
      name: 'tampered ECDSA signature',
      obj: () => withRawRequest(tamper(ecCsr)),
      want: [
        `spec.request: Invalid value: ${goByteSlice(Buffer.from(tamper(ecCsr)))}: x509: ECDSA verification failure`,
      ],
    },
    {
      name: 'CERTIFICATE REQUEST block with garbage inside',
      obj: () => withRawRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'),
      want: [
        `spec.request: Invalid value: ${goByteSlice(Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'))}: x509: malformed certificate request`,
      ],
    },
    { name: 'no usages', obj: () => csrObject({ usages: [] }), want: ['spec.usages: Required value'] },
    {
      name: 'unknown usage',
      obj: () => csrObject({ usages: ['client auth', 'bogus'] }),
      want: [`spec.usages[1]: Unsupported value: "bogus": supported values: ${ALL_USAGES}`],
    },
    {
      name: 'duplicate usage',
      obj: () => csrObject({ usages: ['client auth', 'digital signature', 'client auth'] }),
      want: ['spec.usages[2]: Duplicate value: "client auth"'],
    },
    { name: 'no signerName', obj: () => csrObject({ signerName: '' }), want: ['spec.signerName: Required value'] },
    {
      name: 'legacy-unknown refused on v1',
      obj: () => csrObject({ signerName: 'kubernetes.io/legacy-unknown' }),
      want: [
        'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
      ],
    },
    {
      name: 'expirationSeconds 599',
      obj: () => csrObject({ expirationSeconds: 599 }),
      want: [
        'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)',
      ],
    },
    {
      name: 'expirationSeconds 10',
      obj: () => csrObject({ expirationSeconds: 10 }),
      want: [
        'spec.expirationSeconds: Invalid value: 10: may not specify a duration less than 600 seconds (10 minutes)',
      ],
    },
    {
      name: 'several problems at once, in Kubernetes order',
      obj: () =>
        csrObject({ usages: ['bogus', 'bogus'], signerName: 'kubernetes.io/legacy-unknown', expirationSeconds: 1 }),
      want: [
        `spec.usages[0]: Unsupported value: "bogus": supported values: ${ALL_USAGES}`,
        `spec.usages[1]: Unsupported value: "bogus": supported values: ${ALL_USAGES}`,
        'spec.usages[1]: Duplicate value: "bogus"',
        'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
        'spec.expirationSeconds: Invalid value: 1: may not specify a duration less than 600 seconds (10 minutes)',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(render(await validateCsr(c.obj())), c.want);
    });
  }
});

describe('validateSignerName', () => {
  const d63 = 'a'.repeat(63);
  const longDomain = `${d63}.${d63}.${d63}.${'a'.repeat(62)}`; // 254 characters of valid labels
  const cases: [string, string[]][] = [
    ['example.com/signer', []],
    ['kubernetes.io/kube-apiserver-client', []],
    ['example.com/ns.name', []],
    ['', ['s: Required value']],
    [
      'example.com',
      [
        's: Invalid value: "example.com": must be a fully qualified domain and path of the form \'example.com/signer-name\'',
      ],
    ],
    [
      'example.com/a/b',
      [
        's: Invalid value: "example.com/a/b": must be a fully qualified domain and path of the form \'example.com/signer-name\'',
      ],
    ],
    [
      'example/signer',
      ['s: Invalid value: "example": should be a domain with at least two segments separated by dots'],
    ],
    ['Example.com/signer', [`s: Invalid value: "Example.com": validating label "Example": ${LABEL_MSG}`]],
    ['example.com/Bad_Path', [`s: Invalid value: "Bad_Path": validating label "Bad_Path": ${SUBDOMAIN_MSG}`]],
    ['example.com/', [`s: Invalid value: "": validating label "": ${SUBDOMAIN_MSG}`]],
    [`${longDomain}/x`, ['s: Too long: must have at most 253 bytes']],
  ];
  for (const [name, want] of cases) {
    it(JSON.stringify(name.length > 40 ? `${name.slice(0, 20)}…` : name), () => {
      assert.deepEqual(render(validateSignerName('s', name)), want);
    });
  }
});

describe('condition rules', () => {
  const cases: { name: string; conditions: ReturnType<typeof cond>[]; want: string[] }[] = [
    { name: 'Approved True', conditions: [cond('Approved')], want: [] },
    {
      name: 'Approved False',
      conditions: [cond('Approved', { status: 'False' })],
      want: ['status.conditions[0].status: Unsupported value: "False": supported values: "True"'],
    },
    {
      name: 'Denied Unknown',
      conditions: [cond('Denied', { status: 'Unknown' })],
      want: ['status.conditions[0].status: Unsupported value: "Unknown": supported values: "True"'],
    },
    {
      name: 'Failed without status',
      conditions: [cond('Failed', { status: '' })],
      want: ['status.conditions[0].status: Required value'],
    },
    { name: 'custom condition may be False', conditions: [cond('Custom', { status: 'False' })], want: [] },
    {
      name: 'custom condition Maybe',
      conditions: [cond('Custom', { status: 'Maybe' })],
      want: ['status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"'],
    },
    { name: 'empty type', conditions: [cond('')], want: ['status.conditions[0].type: Required value'] },
    {
      name: 'Approved then Denied',
      conditions: [cond('Approved'), cond('Denied')],
      want: [
        'status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
      ],
    },
    {
      name: 'Denied then Approved',
      conditions: [cond('Denied'), cond('Approved')],
      want: [
        'status.conditions[1].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive',
      ],
    },
    {
      name: 'duplicate Failed',
      conditions: [cond('Failed'), cond('Failed')],
      want: ['status.conditions[1].type: Duplicate value: "Failed"'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(render(await validateCsr(csrObject({ conditions: c.conditions }))), c.want);
    });
  }
});

describe('status.certificate content', () => {
  const ca = opensslCa('ec');
  const caPem = readText(ca.certFile);
  const cases: [string, string, string | null][] = [
    ['empty', '', null],
    ['one certificate', caPem, null],
    ['a chain', caPem + caPem, null],
    ['not PEM', 'hello', 'must contain at least one CERTIFICATE PEM block'],
    ['a CSR block', opensslCsr('/CN=x'), 'only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"'],
    [
      'garbage in a CERTIFICATE block',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      'x509: malformed certificate',
    ],
    [
      'headers',
      caPem.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n'),
      'no PEM block headers are permitted',
    ],
  ];
  for (const [name, pem, want] of cases) {
    it(name, () => assert.equal(certificateError(Buffer.from(pem)), want));
  }
  it('renders as status.certificate: Invalid value: "<certificate data>"', async () => {
    const errs = render(await validateCsr(csrObject({ certificate: 'hello' })));
    assert.deepEqual(errs, [
      'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
    ]);
  });
});

describe('update rules (validateCsrUpdate)', () => {
  const ca = opensslCa('ec');
  const certA = readText(ca.certFile);
  const certB = readText(opensslCa('ec').certFile);
  type Path = 'main' | 'approval' | 'status';
  const opts = (p: Path) =>
    p === 'approval'
      ? { allowSettingApprovalConditions: true }
      : p === 'status'
        ? { allowSettingCertificate: true }
        : {};
  const cases: { name: string; path: Path; old: CsrFixture; next: CsrFixture; want: string[] }[] = [
    { name: 'approval adds Approved', path: 'approval', old: {}, next: { conditions: [cond('Approved')] }, want: [] },
    { name: 'approval adds Denied', path: 'approval', old: {}, next: { conditions: [cond('Denied')] }, want: [] },
    {
      name: 'main path may not add Approved',
      path: 'main',
      old: {},
      next: { conditions: [cond('Approved')] },
      want: ['status.conditions: Forbidden: updates may not add a condition of type "Approved"'],
    },
    {
      name: 'status path may not add Denied',
      path: 'status',
      old: {},
      next: { conditions: [cond('Denied')] },
      want: ['status.conditions: Forbidden: updates may not add a condition of type "Denied"'],
    },
    {
      name: 'status path adds Failed',
      path: 'status',
      old: { conditions: [cond('Approved')] },
      next: { conditions: [cond('Approved'), cond('Failed')] },
      want: [],
    },
    {
      name: 'approval may not remove Approved',
      path: 'approval',
      old: { conditions: [cond('Approved')] },
      next: { conditions: [] },
      want: ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"'],
    },
    {
      name: 'status may not remove Failed',
      path: 'status',
      old: { conditions: [cond('Failed')] },
      next: { conditions: [] },
      want: ['status.conditions: Forbidden: updates may not remove a condition of type "Failed"'],
    },
    {
      name: 'approve a Denied request',
      path: 'approval',
      old: { conditions: [cond('Denied')] },
      next: { conditions: [cond('Denied'), cond('Approved')] },
      want: [
        'status.conditions[1].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive',
      ],
    },
    {
      name: 'approval may re-word its own condition',
      path: 'approval',
      old: { conditions: [cond('Approved')] },
      next: { conditions: [cond('Approved', { message: 'again' })] },
      want: [],
    },
    {
      name: 'status sets the certificate',
      path: 'status',
      old: { conditions: [cond('Approved')] },
      next: { conditions: [cond('Approved')], certificate: certA },
      want: [],
    },
    {
      name: 'main path may not set the certificate',
      path: 'main',
      old: {},
      next: { certificate: certA },
      want: ['status.certificate: Forbidden: updates may not set certificate content'],
    },
    {
      name: 'approval may not set the certificate',
      path: 'approval',
      old: {},
      next: { certificate: certA },
      want: ['status.certificate: Forbidden: updates may not set certificate content'],
    },
    {
      name: 'certificate is set once',
      path: 'status',
      old: { certificate: certA },
      next: { certificate: certB },
      want: ['status.certificate: Forbidden: updates may not modify existing certificate content'],
    },
    {
      name: 'certificate may not be cleared',
      path: 'status',
      old: { certificate: certA },
      next: {},
      want: ['status.certificate: Forbidden: updates may not modify existing certificate content'],
    },
    {
      name: 'same certificate again is fine',
      path: 'status',
      old: { certificate: certA },
      next: { certificate: certA },
      want: [],
    },
  ];
  for (const c of cases) {
    it(`${c.path}: ${c.name}`, async () => {
      const request = opensslCsr('/CN=jane');
      const old = csrObject({ ...c.old, request });
      const next = csrObject({ ...c.next, request });
      assert.deepEqual(render(await validateCsrUpdate(next, old, opts(c.path))), c.want);
    });
  }

  it('tolerates what the stored object already had (legacy signer, Approved+Denied, unknown usages)', async () => {
    const request = opensslCsr('/CN=jane');
    const stored: CsrFixture = {
      request,
      signerName: 'kubernetes.io/legacy-unknown',
      usages: ['bogus', 'bogus'],
      conditions: [cond('Approved'), cond('Denied')],
    };
    const old = csrObject(stored);
    const o = validationOptions(old, old);
    assert.equal(o.allowLegacySignerName, true);
    assert.equal(o.allowBothApprovedAndDenied, true);
    assert.equal(o.allowUnknownUsages, true);
    assert.equal(o.allowDuplicateUsages, true);
    assert.deepEqual(render(await validateCsrUpdate(csrObject(stored), old)), []);
  });
});

describe('JSON []byte decoding (canonicalBase64)', () => {
  const cases: [string, unknown, string | undefined | RegExp][] = [
    ['absent', undefined, undefined],
    ['padded', 'aGVsbG8=', 'aGVsbG8='],
    ['line breaks are ignored', 'aGVs\nbG8=\n', 'aGVsbG8='],
    ['missing padding', 'aGVsbG8', /illegal base64 data at input byte 4$/],
    ['five characters', 'hello', /illegal base64 data at input byte 4$/],
    ['bad character', 'aGV$bG8=', /illegal base64 data at input byte 3$/],
    ['data after padding', 'aGVsbG8=aGVs', /illegal base64 data at input byte 8$/],
    ['a number', 42, /cannot unmarshal number/],
  ];
  for (const [name, value, want] of cases) {
    it(name, () => {
      if (want instanceof RegExp) {
        assert.throws(
          () => canonicalBase64(value, 'f'),
          (e: unknown) =>
            e instanceof StatusError &&
            e.code === 400 &&
            want.test(e.message) &&
            e.message.startsWith(
              'CertificateSigningRequest in version "v1" cannot be handled as a CertificateSigningRequest: ',
            ),
        );
      } else {
        assert.equal(canonicalBase64(value, 'f'), want);
      }
    });
  }
});

describe('goByteSlice (Go %#v of []byte)', () => {
  const cases: [Buffer | undefined, string][] = [
    [undefined, '[]byte(nil)'],
    [Buffer.alloc(0), '[]byte{}'],
    [Buffer.from([0x2d, 0x0a, 0xff, 0x00]), '[]byte{0x2d, 0xa, 0xff, 0x0}'],
  ];
  for (const [input, want] of cases) it(want, () => assert.equal(goByteSlice(input), want));
});
