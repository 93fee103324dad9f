import { AppError } from '../core/errors/app-error';

/** The clinic server's error body: `{error: {code, message, details}}` (docs/api.md). */
interface ServerErrorBody {
  error?: { code?: string; message?: string };
}

/** Whether a clinic server answers at `origin` (`GET /api/health`); a plain static host does not. */
export async function isClinicServer(origin: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/health', origin), { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as { status?: unknown; version?: unknown };
    return response.ok && body.status === 'ok' && typeof body.version === 'string';
  } catch {
    // Offline, or a host answering with the app's page (not JSON).
    return false;
  }
}

/**
 * Exchanges a one-time enrollment code for this tablet's device token. Failures come back as coded
 * errors the UI can put in words: a refused code is not a network failure.
 */
export async function enroll(origin: string, code: string, name: string): Promise<{ deviceId: string; token: string }> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/devices/enroll', origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: code.trim(), name: name.trim() }),
    });
  } catch {
    throw new AppError('network/failed', `The clinic server at ${origin} could not be reached.`, { origin });
  }
  if (response.ok) return (await response.json()) as { deviceId: string; token: string };
  const body = (await response.json().catch(() => ({}))) as ServerErrorBody;
  if (body.error?.code === 'auth/invalid-enrollment') {
    throw new AppError('clinic/invalid-code', body.error.message ?? 'The enrollment code was refused.');
  }
  throw new AppError('clinic/server-error', body.error?.message ?? `The clinic server answered HTTP ${response.status}.`, {
    status: response.status,
  });
}
