// Small pure helpers: IPs and service CIDRs, SAN splitting, durations, CSR usages, PEM armour.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../../src/pki/duration.js';
import { PkiError } from '../../../src/pki/errors.js';
import { firstIpOfCidr, normalizeIp } from '../../../src/pki/ip.js';
import { isValidDnsSan, splitSans } from '../../../src/pki/names.js';
import { pemBlocks, toPem } from '../../../src/pki/pem.js';
import { KNOWN_CSR_USAGES, usagesToX509 } from '../../../src/pki/usages.js';

describe('firstIpOfCidr (the kubernetes Service IP)', () => {
  const cases: [string, string | null][] = [
    ['10.96.0.0/12', '10.96.0.1'],
    ['10.100.0.0/16', '10.100.0.1'],
    ['10.96.5.7/12', '10.96.0.1'], // host bits are masked, as net.ParseCIDR does
    ['172.16.0.0/30', '172.16.0.1'],
    ['fd00:10:96::/108', 'fd00:10:96::1'],
    ['10.96.0.0/12,fd00::/108', '10.96.0.1'], // dual-stack: the first family
    ['10.96.0.0', null],
    ['10.96.0.0/33', null],
    ['10.96.0.0/32', null],
    ['banana/12', null],
  ];
  for (const [cidr, want] of cases) {
    it(`${cidr} → ${want ?? 'error'}`, () => {
      if (want) assert.equal(firstIpOfCidr(cidr), want);
      else assert.throws(() => firstIpOfCidr(cidr), PkiError);
    });
  }
});

describe('normalizeIp', () => {
  const cases: [string, string | null][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::', 'fe80::'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::', '::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['10.0.0.256', null],
    ['example.com', null],
    ['fe80::1%eth0', null],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(normalizeIp(input), want));
});

describe('splitSans (kubeadm --apiserver-cert-extra-sans)', () => {
  it('sorts IPs from DNS names and accepts wildcards', () => {
    assert.deepEqual(splitSans(['extra.example.com', '10.1.2.3', '*.apps.example.com', ' ', 'fd00::1']), {
      dnsNames: ['extra.example.com', '*.apps.example.com'],
      ipAddresses: ['10.1.2.3', 'fd00::1'],
    });
  });
  for (const bad of ['Upper.Example.com', 'under_score', 'a..b', '-lead.example', 'x'.repeat(64) + '.com']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.equal(isValidDnsSan(bad), false);
      assert.throws(() => splitSans([bad]), /neither an IP address nor a valid DNS name/);
    });
  }
});

describe('parseDuration', () => {
  const cases: [string, number | null][] = [
    ['8760h', 8760 * 3_600_000],
    ['87600h', 87600 * 3_600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['365d', 365 * 86_400_000],
    ['500ms', 500],
    ['', null],
    ['10', null],
    ['-1h', null],
    ['1y', null],
    ['h', null],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${want ?? 'error'}`, () => {
      if (want !== null) assert.equal(parseDuration(input), want);
      else assert.throws(() => parseDuration(input), /invalid duration/);
    });
  }
});

describe('CSR usages', () => {
  it('knows the 23 values of certificates.k8s.io/v1', () => assert.equal(KNOWN_CSR_USAGES.length, 23));
  it('maps seed 002 usages and the kubelet ones', () => {
    assert.deepEqual(usagesToX509(['client auth']), { keyUsages: [], extKeyUsages: ['clientAuth'] });
    assert.deepEqual(usagesToX509(['digital signature', 'key encipherment', 'server auth']), {
      keyUsages: ['digitalSignature', 'keyEncipherment'],
      extKeyUsages: ['serverAuth'],
    });
    assert.throws(() => usagesToX509(['client-auth']), /unsupported usage "client-auth"/);
  });
});

describe('PEM armour', () => {
  it('round-trips DER and wraps at 64 columns', () => {
    const der = Buffer.alloc(100, 7);
    const pem = toPem('CERTIFICATE', der);
    assert.ok(pem.split('\n').every((l) => l.length <= 64));
    assert.deepEqual(
      pemBlocks(`junk before\n${pem}junk after`).map((b) => [b.type, b.der.equals(der)]),
      [['CERTIFICATE', true]],
    );
  });
  it('accepts CRLF line endings', () => {
    const pem = toPem('PUBLIC KEY', Buffer.from('hello')).replace(/\n/g, '\r\n');
    assert.equal(pemBlocks(pem)[0]!.der.toString(), 'hello');
  });
  it('refuses a body that is not base64', () => {
    assert.throws(() => pemBlocks('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), /valid base64/);
  });
});
