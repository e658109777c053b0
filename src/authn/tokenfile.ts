// --token-auth-file (apiserver/pkg/authentication/token/tokenfile): static tokens from a CSV file
// `token,user,uid,"group1,group2"`. Read with encoding/csv's rules (quoted fields, "" escapes, any
// number of columns); fewer than 3 columns is fatal, an empty token is skipped with a warning, a
// duplicate token warns and the last line wins — exactly as kube-apiserver loads it.
import { timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { log } from '../log.js';
import type { AuthResponse, TokenAuthenticator, UserInfo } from './interfaces.js';

export class TokenFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'TokenFileError';
  }
}

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 as Go's encoding/csv reads it (LazyQuotes off, TrimLeadingSpace off): blank lines are
 * skipped, quoted fields may hold commas, newlines and "" for a quote, CRLF counts as LF.
 * Throws `{line, problem}` with csv's wording for bare and unterminated quotes.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const src = text.replace(/\r\n/g, '\n');
  let i = 0;
  let line = 1;
  while (i < src.length) {
    if (src[i] === '\n') {
      // an empty line is not a record
      i++;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (src[i] === '"') {
        const quoteLine = line;
        const quoteCol = i - src.lastIndexOf('\n', i - 1);
        i++;
        for (;;) {
          if (i >= src.length)
            throw Object.assign(new Error('extraneous or missing " in quoted-field'), {
              line: quoteLine,
              column: quoteCol,
            });
          const c = src[i]!;
          if (c === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < src.length && src[i] !== ',' && src[i] !== '\n') {
          throw Object.assign(new Error('extraneous or missing " in quoted-field'), {
            line,
            column: i - src.lastIndexOf('\n', i - 1),
          });
        }
      } else {
        while (i < src.length && src[i] !== ',' && src[i] !== '\n') {
          if (src[i] === '"')
            throw Object.assign(new Error('bare " in non-quoted-field'), {
              line,
              column: i - src.lastIndexOf('\n', i - 1),
            });
          field += src[i];
          i++;
        }
      }
      fields.push(field);
      if (i < src.length && src[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    records.push({ line: startLine, fields });
    if (i < src.length && src[i] === '\n') {
      i++;
      line++;
    }
  }
  return records;
}

interface TokenEntry {
  token: Buffer;
  user: UserInfo;
}

export interface TokenFileContents {
  /** Keyed by SHA-256 of the token, so that lookups compare digests in constant time, not raw strings. */
  entries: Map<string, TokenEntry>;
  warnings: string[];
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Parses the file's text; `file` names it in errors and warnings. */
export function parseTokenFile(text: string, file: string): TokenFileContents {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    throw new TokenFileError(
      file,
      err.line ?? 0,
      `parse error on line ${err.line ?? 0}, column ${err.column ?? 0}: ${err.message}`,
    );
  }
  const entries = new Map<string, TokenEntry>();
  const warnings: string[] = [];
  let recordNum = 0;
  for (const { line, fields } of records) {
    if (fields.length < 3) {
      throw new TokenFileError(
        file,
        line,
        `token file '${file}' must have at least 3 columns (token, user name, user uid), found ${fields.length}`,
      );
    }
    recordNum++;
    const [token, username, uid] = fields as [string, string, string];
    if (token === '') {
      warnings.push(`empty token has been found in token file '${file}', record number '${recordNum}'`);
      continue;
    }
    const key = digest(token);
    if (entries.has(key))
      warnings.push(`duplicate token has been found in token file '${file}', record number '${recordNum}'`);
    const user: UserInfo = { username, uid, groups: [] };
    // Kubernetes splits the 4th column on ","; an empty column there means no groups, not one "" group.
    if (fields.length >= 4) user.groups = fields[3]!.split(',').filter((g) => g !== '');
    entries.set(key, { token: Buffer.from(token), user });
  }
  return { entries, warnings };
}

export class TokenFileAuthenticator implements TokenAuthenticator {
  readonly name = 'tokenfile';

  constructor(private readonly contents: TokenFileContents) {}

  get size(): number {
    return this.contents.entries.size;
  }

  async authenticateToken(token: string): Promise<AuthResponse | null> {
    const entry = this.contents.entries.get(digest(token));
    if (!entry) return null;
    const presented = Buffer.from(token);
    if (presented.length !== entry.token.length || !timingSafeEqual(presented, entry.token)) return null;
    return { user: { ...entry.user, groups: [...entry.user.groups] } };
  }
}

/** Reads --token-auth-file; warnings go to the log (with record numbers, never tokens). */
export function loadTokenFile(path: string): TokenFileAuthenticator {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TokenFileError(path, 0, (e as Error).message);
  }
  const contents = parseTokenFile(text, path);
  for (const w of contents.warnings) log.warn(w);
  return new TokenFileAuthenticator(contents);
}
