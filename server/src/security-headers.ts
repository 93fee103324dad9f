import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// 'wasm-unsafe-eval' lets the in-browser models compile WebAssembly; blob: workers are how web-llm and
// wllama start their threads. Everything else is this origin only: the app works with no network.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Cross-origin isolation gives wllama SharedArrayBuffer, hence threads; all content is same-origin.
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** Headers on every response of the instance it is registered on, errors and files included. */
export const securityHeaders = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply) => {
      reply.headers(HEADERS);
      // Browsers ignore it over plain HTTP; sending it there would only mislead.
      if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
    });
  },
  { name: 'security-headers' },
);
