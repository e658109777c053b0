// generateName suffixes: 5 characters from apiserver's alphabet (no vowels, no look-alikes).
import { randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** names.SimpleNameGenerator: the base is cut so that base + suffix fits a 63-character DNS label. */
const MAX_NAME_LENGTH = 63;
const RANDOM_LENGTH = 5;

export function generateName(base: string): string {
  const cut = base.length > MAX_NAME_LENGTH - RANDOM_LENGTH ? base.slice(0, MAX_NAME_LENGTH - RANDOM_LENGTH) : base;
  return cut + generateNameSuffix(RANDOM_LENGTH);
}
