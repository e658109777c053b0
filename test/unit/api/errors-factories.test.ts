// The factories every error goes through: the texts kube-apiserver writes, and the answers it writes as plain
// text (Go's http.Error) rather than as a Status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { malformedRequest, pageNotFound, tooManyRequests, unsupportedMediaType } from '../../../src/api/errors.js';

test('unsupportedMediaType names the media types it was given (NewUnsupportedMediaTypeError)', () => {
  assert.equal(
    unsupportedMediaType().message,
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
  const e = unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
  assert.equal(e.code, 415);
  assert.equal(e.reason, 'UnsupportedMediaType');
  assert.match(e.message, /include: application\/json-patch\+json, application\/merge-patch\+json$/);
});

test("maxinflight's 429 is plain text with Retry-After: 1", () => {
  const e = tooManyRequests();
  assert.equal(e.code, 429);
  assert.equal(e.text, 'Too many requests, please try again later.');
  assert.deepEqual(e.headers, { 'Retry-After': '1' });
});

test('the mux 404 and the parser refusals are Statuses with kube-style reasons', () => {
  assert.deepEqual(pageNotFound().toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: '404 page not found',
    reason: 'NotFound',
    code: 404,
  });
  assert.equal(malformedRequest(true).code, 431);
  assert.equal(malformedRequest(false).code, 400);
});
