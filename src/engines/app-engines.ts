import { clinicConnection } from '../db/clinic-connection';
import { library } from '../db/library';
import { createClinicEngine } from './clinic-engine';
import type { AnswerEngine } from './engine';
import { excerptsOnlyEngine } from './excerpts-only-engine';
import { createOnDeviceEngine, type OnDeviceEngine } from './on-device-engine';

let engines: { onDevice: OnDeviceEngine; all: AnswerEngine[] } | undefined;

/** The app's engines, made once: a model loaded on the tablet stays loaded from one screen to the next. */
export function appEngines(): { onDevice: OnDeviceEngine; all: AnswerEngine[] } {
  if (!engines) {
    const { db } = library();
    const onDevice = createOnDeviceEngine({ db });
    engines = { onDevice, all: [onDevice, createClinicEngine({ connection: () => clinicConnection(db) }), excerptsOnlyEngine] };
  }
  return engines;
}
