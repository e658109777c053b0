// The audit webhook backend against a real local HTTP server: EventList batches of at most
// --audit-webhook-batch-max-size, a partial batch sent after --audit-webhook-batch-max-wait, the kubeconfig's
// token presented, and a failing webhook retried with backoff, then dropped and counted, never thrown.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebhookBackend } from '../../../src/audit/webhook-backend.js';
import { parseWebhookKubeconfig } from '../../../src/webhook/kubeconfig.js';

interface Received {
  method?: string;
  url?: string;
  auth?: string;
  contentType?: string;
  body: Record<string, unknown>;
  at: number;
}

async function receiver(
  answer: (n: number) => number,
): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString()),
        at: Date.now(),
      });
      res.writeHead(answer(received.length)).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/audit`, received, close: () => new Promise((r) => server.close(() => r())) };
}

const kubeconfig = (url: string): string => `apiVersion: v1
kind: Config
clusters:
- name: sink
  cluster: {server: "${url}"}
users:
- name: kube-apiserver
  user: {token: audit-sink-token}
contexts:
- name: default
  context: {cluster: sink, user: kube-apiserver}
current-context: default
`;

const event = (n: number): string =>
  JSON.stringify({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: `id-${n}` });

test('events leave in EventList batches of at most max-size; a partial batch after max-wait', async () => {
  const sink = await receiver(() => 200);
  const backend = new WebhookBackend(parseWebhookKubeconfig(kubeconfig(sink.url), 'webhook.yaml'), {
    maxBatchSize: 3,
    maxWaitMs: 150,
    bufferSize: 100,
    initialBackoffMs: 10,
  });
  const start = Date.now();
  for (let n = 0; n < 7; n++) backend.processEvent(event(n));
  for (let i = 0; i < 50 && sink.received.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    sink.received.map((r) => (r.body.items as unknown[]).length),
    [3, 3, 1],
  );
  const first = sink.received[0]!;
  assert.equal(first.method, 'POST');
  assert.equal(first.url, '/audit');
  assert.equal(first.contentType, 'application/json');
  assert.equal(first.auth, 'Bearer audit-sink-token');
  assert.deepEqual(
    { ...first.body, items: undefined },
    { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: undefined },
  );
  assert.deepEqual(
    sink.received.flatMap((r) => (r.body.items as { auditID: string }[]).map((e) => e.auditID)),
    ['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6'],
  );
  // The full batches go at once; the last one waits for max-wait.
  assert.ok(sink.received[1]!.at - start < 140, 'full batches are not held');
  assert.ok(
    sink.received[2]!.at - start >= 140,
    `partial batch held for max-wait (${sink.received[2]!.at - start} ms)`,
  );
  assert.equal(backend.dropped, 0);
  await backend.close();
  await sink.close();
});

test('a failing webhook is retried with backoff, then the batch is dropped and counted; nothing throws', async () => {
  const sink = await receiver(() => 500);
  const backend = new WebhookBackend(parseWebhookKubeconfig(kubeconfig(sink.url), 'webhook.yaml'), {
    maxBatchSize: 2,
    maxWaitMs: 10,
    bufferSize: 100,
    initialBackoffMs: 10,
  });
  backend.processEvent(event(1));
  backend.processEvent(event(2));
  for (let i = 0; i < 100 && backend.dropped < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(backend.dropped, 2);
  assert.equal(sink.received.length, 5, 'DefaultRetryBackoff: 5 attempts in all');
  await backend.close();
  await sink.close();
});

test('close() sends what is still buffered', async () => {
  const sink = await receiver(() => 200);
  const backend = new WebhookBackend(parseWebhookKubeconfig(kubeconfig(sink.url), 'webhook.yaml'), {
    maxBatchSize: 400,
    maxWaitMs: 30_000,
    bufferSize: 100,
    initialBackoffMs: 10,
  });
  backend.processEvent(event(1));
  await backend.close();
  assert.equal(sink.received.length, 1);
  await sink.close();
});
