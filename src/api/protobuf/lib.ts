// protobufjs, loaded on the first protobuf request rather than at start-up (it costs ~40 ms to load,
// and kauth up should be ready fast; most clients never send protobuf before they need to).
import { createRequire } from 'node:module';
import type protobufjs from 'protobufjs';

const require = createRequire(import.meta.url);
let lib: typeof protobufjs | undefined;

export function protobuf(): typeof protobufjs {
  return (lib ??= require('protobufjs') as typeof protobufjs);
}
