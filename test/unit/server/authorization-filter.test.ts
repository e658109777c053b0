// WithAuthorization's three answers: Allow passes (even beside another authorizer's error), an error without an
// Allow is kube's plain-text 500 (responsewriters.InternalError), and anything else is the 403 Status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlainTextError, StatusError } from '../../../src/api/errors.js';
import type { Attributes, AuthorizationResult, Authorizer } from '../../../src/authz/interfaces.js';
import { authorize } from '../../../src/server/filters/authorization.js';

const attrs: Attributes = {
  user: { username: 'joe', groups: ['system:authenticated'] },
  verb: 'list',
  isResourceRequest: true,
  path: '/api/v1/namespaces/default/configmaps',
  namespace: 'default',
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'configmaps',
  subresource: '',
  name: '',
};
const answering = (result: AuthorizationResult): Authorizer => ({ name: 'test', authorize: async () => result });
const URI = '/api/v1/namespaces/default/configmaps?limit=500';

test("an error without an Allow is a 500 with kube's text, whatever the decision", async () => {
  for (const decision of ['NoOpinion', 'Deny'] as const) {
    await assert.rejects(
      authorize(attrs, answering({ decision, reason: '', error: 'webhook: unexpected end of JSON input' }), URI),
      (e: unknown) => {
        assert.ok(e instanceof PlainTextError, decision);
        assert.equal(e.code, 500);
        assert.equal(
          e.text,
          'Internal Server Error: "/api/v1/namespaces/default/configmaps?limit=500": webhook: unexpected end of JSON input',
        );
        return true;
      },
    );
  }
});

test('the text is sanitized: no markup from the request URI reaches it', async () => {
  await assert.rejects(
    authorize(attrs, answering({ decision: 'NoOpinion', reason: '', error: 'x' }), '/api?<script>&'),
    (e: unknown) => {
      assert.ok(e instanceof PlainTextError);
      assert.equal(e.text, 'Internal Server Error: "/api?&lt;script&gt;&amp;": x');
      return true;
    },
  );
});

test('Allow wins over an error', async () => {
  await authorize(attrs, answering({ decision: 'Allow', reason: '', error: 'node: no graph yet' }), URI);
});

test('no error and no Allow is the 403 Status with the reason', async () => {
  await assert.rejects(
    authorize(attrs, answering({ decision: 'NoOpinion', reason: 'RBAC: role not found' }), URI),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 403);
      assert.match(
        e.message,
        /^configmaps is forbidden: User "joe" cannot list resource "configmaps" in API group "" in the namespace "default": RBAC: role not found$/,
      );
      return true;
    },
  );
});
