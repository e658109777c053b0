import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadTokenFile,
  parseCsv,
  parseTokenFile,
  TokenFileAuthenticator,
  TokenFileError,
} from '../../../src/authn/tokenfile.js';
import type { UserInfo } from '../../../src/authn/interfaces.js';

const dir = mkdtempSync(join(tmpdir(), 'kauth-tokenfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv (encoding/csv rules)', () => {
  const cases: [string, string, string[][]][] = [
    ['plain', 'a,b,c\n', [['a', 'b', 'c']]],
    ['no trailing newline', 'a,b,c', [['a', 'b', 'c']]],
    ['quoted field with commas', 'tok,alice,1,"dev,ops"\n', [['tok', 'alice', '1', 'dev,ops']]],
    ['doubled quotes', '"a ""quoted"" word",b\n', [['a "quoted" word', 'b']]],
    ['newline inside quotes', '"two\nlines",x\n', [['two\nlines', 'x']]],
    [
      'CRLF',
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['blank lines skipped', '\na,b\n\n\nc\n', [['a', 'b'], ['c']]],
    ['spaces kept', ' a , b ', [[' a ', ' b ']]],
    ['empty fields', ',,', [['', '', '']]],
  ];
  for (const [name, text, records] of cases) {
    test(name, () =>
      assert.deepEqual(
        parseCsv(text).map((r) => r.fields),
        records,
      ),
    );
  }
  test('records remember their line', () => {
    assert.deepEqual(
      parseCsv('\n"a\nb",c\nd,e\n').map((r) => r.line),
      [2, 4],
    );
  });
});

describe('parseTokenFile', () => {
  const users = (text: string) => {
    const auth = new TokenFileAuthenticator(parseTokenFile(text, 'tokens.csv'));
    return async (token: string): Promise<UserInfo | undefined> => (await auth.authenticateToken(token))?.user;
  };
  test('token,user,uid,"groups"', async () => {
    const lookup = users('31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"system:masters,dev"\nabc,bob,1002\n');
    assert.deepEqual(await lookup('31ada4fd-adec-460c-809a-9e56ceb75269'), {
      username: 'alice',
      uid: '1001',
      groups: ['system:masters', 'dev'],
    });
    assert.deepEqual(await lookup('abc'), { username: 'bob', uid: '1002', groups: [] });
    assert.equal(await lookup('nope'), undefined);
    assert.equal(await lookup(''), undefined);
    assert.equal(await lookup('ab'), undefined);
  });
  test('extra columns are ignored', async () => {
    assert.deepEqual(await users('t,u,1,g,extra,more\n')('t'), { username: 'u', uid: '1', groups: ['g'] });
  });
  test('an empty 4th column means no groups', async () => {
    assert.deepEqual((await users('t,u,1,\n')('t'))?.groups, []);
  });
  test('duplicate token: warning, last line wins', async () => {
    const contents = parseTokenFile('t,first,1\nt,second,2\n', 'tokens.csv');
    assert.deepEqual(contents.warnings, [
      "duplicate token has been found in token file 'tokens.csv', record number '2'",
    ]);
    assert.equal((await new TokenFileAuthenticator(contents).authenticateToken('t'))?.user.username, 'second');
  });
  test('empty token: warning, line skipped', () => {
    const contents = parseTokenFile(',ghost,0\nt,u,1\n', 'tokens.csv');
    assert.deepEqual(contents.warnings, ["empty token has been found in token file 'tokens.csv', record number '1'"]);
    assert.equal(contents.entries.size, 1);
  });
  const malformed: [string, string, RegExp][] = [
    [
      'two columns',
      't,u,1\nshort,row\n',
      /^tokens\.csv:2: token file 'tokens\.csv' must have at least 3 columns \(token, user name, user uid\), found 2$/,
    ],
    ['one column after a blank line', '\n\nlonely\n', /^tokens\.csv:3: .* found 1$/],
    ['bare quote', 't,al"ice,1\n', /^tokens\.csv:1: parse error on line 1, column 5: bare " in non-quoted-field$/],
    [
      'unterminated quote',
      't,u,1,"dev\n',
      /^tokens\.csv:1: parse error on line 1, column 7: extraneous or missing " in quoted-field$/,
    ],
    [
      'text after a closing quote',
      't,"u"x,1\n',
      /^tokens\.csv:1: parse error .*extraneous or missing " in quoted-field$/,
    ],
  ];
  for (const [name, text, re] of malformed) {
    test(`malformed: ${name}`, () => {
      assert.throws(
        () => parseTokenFile(text, 'tokens.csv'),
        (e: Error) => e instanceof TokenFileError && re.test(e.message),
      );
    });
  }
});

describe('loadTokenFile', () => {
  test('reads --token-auth-file', async () => {
    const file = join(dir, 'tokens.csv');
    writeFileSync(file, 'secret-token,kubelet-bootstrap,10001,"system:bootstrappers"\n', { mode: 0o600 });
    const auth = loadTokenFile(file);
    assert.deepEqual((await auth.authenticateToken('secret-token'))?.user, {
      username: 'kubelet-bootstrap',
      uid: '10001',
      groups: ['system:bootstrappers'],
    });
  });
  test('a missing file is a TokenFileError naming it', () => {
    assert.throws(
      () => loadTokenFile(join(dir, 'missing.csv')),
      (e: Error) => e instanceof TokenFileError && e.message.startsWith(join(dir, 'missing.csv')),
    );
  });
  test('returned users are copies', async () => {
    const auth = new TokenFileAuthenticator(parseTokenFile('t,u,1,g\n', 'f'));
    (await auth.authenticateToken('t'))!.user.groups.push('system:masters');
    assert.deepEqual((await auth.authenticateToken('t'))!.user.groups, ['g']);
  });
});
