// The YAML decoding thread (see yaml-decode.ts): one message in, one message out, per body.
import { parentPort } from 'node:worker_threads';
import { yamlToJson, YamlDecodeError } from './yaml-convert.js';
import type { YamlJob, YamlReply } from './yaml-decode.js';

parentPort!.on('message', (job: YamlJob) => {
  let reply: YamlReply;
  try {
    reply = { id: job.id, ok: true, decoded: yamlToJson(job.text, job.limits) };
  } catch (e) {
    const reason = e instanceof YamlDecodeError ? e.reason : 'syntax';
    reply = { id: job.id, ok: false, reason, message: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
  parentPort!.postMessage(reply);
});
