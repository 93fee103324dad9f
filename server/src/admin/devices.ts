import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { createEnrollmentCode, DEFAULT_TTL_MINUTES, listDevices, MAX_TTL_MINUTES, revokeDevice } from '../routes/devices/enrollment';
import { httpsUrl, urlAddresses } from '../tls/lan-addresses';
import type { AdminCommand } from './cli';

function ttlMinutes(args: string[]): number {
  const { values } = parseArgs({ args, options: { 'ttl-minutes': { type: 'string' } }, strict: true });
  const raw = values['ttl-minutes'];
  if (raw === undefined) return DEFAULT_TTL_MINUTES;
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TTL_MINUTES) {
    throw new Error(`--ttl-minutes must be a whole number from 1 to ${MAX_TTL_MINUTES}.`);
  }
  return minutes;
}

/** The link a tablet opens by scanning: the app's enroll screen with the code filled in. */
function enrollUrl(code: string): string {
  const port = Number(process.env.MEDITRON_PORT ?? 8443);
  const host = urlAddresses()[0]?.address ?? 'localhost';
  return httpsUrl(host, port, `/#/enroll?code=${encodeURIComponent(code)}`);
}

export const deviceCommands: Record<string, AdminCommand> = {
  enroll: {
    usage: 'enroll [--ttl-minutes N]',
    help: `make a one-time code to enroll a tablet (valid ${DEFAULT_TTL_MINUTES / 60} h by default)`,
    async run({ db, print }, args) {
      const { code, expiresAt } = createEnrollmentCode(db, ttlMinutes(args));
      const url = enrollUrl(code);
      print(`Enrollment code: ${code}`);
      print(`Valid until:     ${new Date(expiresAt).toLocaleString()} (used once)`);
      print(`On the tablet, scan this or open ${url}`);
      print(await QRCode.toString(url, { type: 'terminal', small: true }));
    },
  },
  devices: {
    usage: 'devices',
    help: 'list enrolled tablets',
    run({ db, print }) {
      const devices = listDevices(db);
      if (devices.length === 0) {
        print('No device enrolled yet: npm run admin -- enroll');
        return;
      }
      const rows = devices.map((d) => [
        d.id,
        d.name,
        d.createdAt,
        d.lastSeenAt ?? 'never',
        d.revokedAt ? `revoked ${d.revokedAt}` : 'active',
      ]);
      const header = ['id', 'name', 'enrolled', 'last seen', 'status'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows])
        print(
          row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd(),
        );
    },
  },
  revoke: {
    usage: 'revoke <deviceId>',
    help: 'stop a tablet from syncing (lost or stolen)',
    run({ db, print }, [id]) {
      if (!id) throw new Error('Which device? Usage: revoke <deviceId> (see: npm run admin -- devices)');
      if (!revokeDevice(db, id)) throw new Error(`No device has id ${id} (see: npm run admin -- devices).`);
      print(`Device ${id} revoked: its token no longer works.`);
    },
  },
};
