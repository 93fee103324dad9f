import { parseArgs } from 'node:util';
import { PackStore } from '../packs/pack-store';
import { PublisherKeys } from '../packs/publisher-keys';
import { ChangeLog } from '../sync/change-log';
import type { AdminCommand } from './cli';

export const publisherKeyCommands: Record<string, AdminCommand> = {
  'publisher-key': {
    usage: 'publisher-key [--name NAME] [--rotate]',
    help: 'create the key that signs published packs (--rotate replaces it; the old one is kept as retired)',
    async run({ dataDir, db, print }, args) {
      const { values } = parseArgs({
        args,
        options: { name: { type: 'string' }, rotate: { type: 'boolean' } },
        allowPositionals: false,
        strict: true,
      });
      const keys = new PublisherKeys(dataDir);
      const { key, retired } = keys.create({ name: values.name, rotate: values.rotate });
      // The keys are part of the clinic settings tablets pull (the server may be running: the log is in the database).
      new ChangeLog(db).record('settings', 'clinic');
      print(`Publisher key ${retired ? 'rotated' : 'created'}: key id ${key.keyId} ("${key.name}").`);
      print(`Public key for tablets: ${key.publicKey}`);
      print(`Private key: ${keys.privateKeyFile} (readable by this user only; back it up, never share it).`);
      if (retired) print(`Retired key ${retired.keyId}: still listed, so tablets not yet given the new key keep working.`);
      const signed = await new PackStore(db, dataDir, keys).signPublished();
      print(`Signed ${signed} published pack version${signed === 1 ? '' : 's'} with it; packs are signed when published from now on.`);
    },
  },
  'publisher-keys': {
    usage: 'publisher-keys',
    help: 'list the publisher keys tablets may trust (the active one and retired ones)',
    run({ dataDir, print }) {
      const keys = new PublisherKeys(dataDir).list();
      if (keys.length === 0) {
        print('No publisher key: packs are published unsigned. Create one with publisher-key.');
        return;
      }
      for (const key of keys) {
        const state = key.retiredAt ? `retired ${key.retiredAt}` : 'active';
        print(`${key.keyId}  ${state.padEnd(32)}  ${key.publicKey}  ${key.name}`);
      }
    },
  },
};
