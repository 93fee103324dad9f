import { fetchCatalog, requestModelAccess } from '../api/catalog-client';
import { browserFetch, type ClinicRequestOptions } from '../api/clinic-request';
import type { CatalogModel } from '../core/models/catalog';
import { clinicConnection } from '../db/clinic-connection';
import { type ClinicConnection, LibraryDb } from '../db/library-db';
import { listModels } from '../db/model-store';
import { OnDeviceError, type OnDeviceRuntime } from '../models/on-device-runtime';
import { detectWebGpu, type WebGpuReport } from '../models/webgpu-adapter';
import { chooseWebllmModel, whyWebllmCannotRun } from '../models/webllm/app-config';
import { timeAnswer } from './measure';
import { samplePrompt } from './sample-prompt';

/**
 * The field check of WebGPU and web-llm (`/verify-webgpu.html`, README "Checking WebGPU on a real
 * tablet"). It is served by the clinic server on the app's origin, so it reads the device token the app
 * stored at enrollment — a field tester enrolls the tablet in the app, as for any use, and never handles
 * a token — and web-llm fetches the mirror with the app's model cookie, as the app does.
 */

type Child = Node | string;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

const root = document.getElementById('verify')!;
const section = (title: string, ...children: Child[]) => root.appendChild(el('section', {}, el('h2', {}, title), ...children));
const rows = (pairs: [string, Child][]) => el('table', {}, ...pairs.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en')} MB`;
const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value).toLocaleString('en')} ms`);

const request: ClinicRequestOptions = { fetch: browserFetch, timeoutMs: 15_000 };
/** The app's own database on this origin: its clinic connection and the models it downloaded. */
const db = new LibraryDb();

function showAdapter(adapter: WebGpuReport): void {
  if (!adapter.available) {
    section('This device', el('p', { className: 'bad' }, adapter.reason));
    return;
  }
  section(
    'This device',
    rows([
      ['GPU', [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') || '(the browser does not say)'],
      ['shader-f16', adapter.shaderF16 ? 'yes: f16 models run' : 'no: only f32 models (q4f32_1) run'],
      ['Largest storage binding', `${mb(adapter.maxStorageBufferBindingSize)}${adapter.lowResource ? ' (low-resource GPU)' : ''}`],
      ['Largest buffer', mb(adapter.maxBufferSize)],
      ['Browser', navigator.userAgent],
    ]),
  );
}

async function enrolled(): Promise<ClinicConnection | undefined> {
  const connection = await clinicConnection(db).catch(() => undefined);
  if (!connection) {
    section(
      'Clinic server',
      el(
        'p',
        { className: 'bad' },
        'This device is not enrolled. Open ',
        el('a', { href: '/#/enroll' }, 'the app'),
        ', enroll it with the code from the clinic’s administrator (npm run admin -- enroll), then reload this page.',
      ),
    );
    return undefined;
  }
  const elsewhere = connection.origin !== location.origin;
  section(
    'Clinic server',
    rows([
      ['Server', location.origin],
      ['Device', connection.deviceName],
    ]),
    ...(elsewhere ? [el('p', { className: 'bad' }, `The app is enrolled with ${connection.origin}: open this page there.`)] : []),
  );
  return elsewhere ? undefined : connection;
}

function modelTable(models: CatalogModel[], adapter: WebGpuReport): HTMLTableElement {
  return el(
    'table',
    {},
    el('tr', {}, ...['Model', 'Download', 'GPU memory', 'Context', 'Here'].map((h) => el('th', {}, h))),
    ...models.map((m) => {
      const why = whyWebllmCannotRun(m, adapter);
      return el(
        'tr',
        {},
        el('td', {}, m.id),
        el('td', {}, mb(m.totalBytes)),
        el('td', {}, mb(m.requirements.memoryBytes)),
        el('td', {}, `${m.requirements.contextTokens} tokens`),
        el('td', { className: why ? 'bad' : 'ok' }, why ?? 'runs'),
      );
    }),
  );
}

/** Load, then one answer to the sample prompt; every figure goes in the report a tester sends back. */
async function measure(model: CatalogModel, connection: ClinicConnection, adapter: WebGpuReport, out: HTMLElement): Promise<void> {
  const progress = el('progress', { max: 1, value: 0 });
  const detail = el('p');
  const answer = el('pre');
  const report = el('pre');
  out.replaceChildren(progress, detail, answer, report);

  const runtimeModule = await import('../models/webllm/webllm-runtime');
  const cachedBefore = await runtimeModule.isWebllmModelCached(model, location.origin);
  // The model cookie lets web-llm's worker download; a model already here loads without the server.
  if (!(await requestModelAccess(connection, request)) && !cachedBefore) {
    throw new Error('The clinic server is out of reach or refused the model files to this device.');
  }
  const runtime: OnDeviceRuntime = runtimeModule.createWebllmRuntime({ model, origin: location.origin });
  const loadStart = performance.now();
  await runtime.load((p) => {
    progress.value = p.fraction;
    detail.textContent = p.detail ?? '';
  });
  const loadMs = performance.now() - loadStart;
  detail.textContent = `Loaded in ${ms(loadMs)}; answering the sample question…`;
  try {
    const timing = await timeAnswer(runtime, await samplePrompt(model), (text) => answer.append(text));
    detail.textContent = `Done. Time to first token ${ms(timing.timeToFirstTokenMs)}, ${timing.tokensPerS?.toFixed(1) ?? '—'} tokens/s.`;
    const { timeToFirstTokenMs, tokensPerS, pieces, totalMs, finishReason } = timing;
    report.textContent = JSON.stringify(
      {
        model: model.id,
        server: location.origin,
        adapter,
        cachedBeforeLoad: cachedBefore,
        loadMs: Math.round(loadMs),
        timeToFirstTokenMs: timeToFirstTokenMs && Math.round(timeToFirstTokenMs),
        tokensPerS: tokensPerS && Number(tokensPerS.toFixed(1)),
        pieces,
        totalMs: Math.round(totalMs),
        finishReason,
        userAgent: navigator.userAgent,
        at: new Date().toISOString(),
      },
      null,
      2,
    );
  } finally {
    await runtime.unload();
  }
}

async function main(): Promise<void> {
  const adapter = await detectWebGpu();
  showAdapter(adapter);
  const connection = await enrolled();
  if (!connection) return;
  const catalog = await fetchCatalog(connection, request);
  // Out of reach, the models downloaded in the app can still be measured: that is the offline check.
  const offline = catalog.kind === 'failed';
  const listed = offline ? (await listModels(db)).map((m) => m.catalog) : catalog.models;
  const models = listed.filter((m) => m.kind === 'webllm');
  const note = offline
    ? `The clinic server’s catalog could not be read (${catalog.status ?? 'no connection'}): the web-llm models on this device.`
    : 'The web-llm models the clinic server mirrors.';
  if (models.length === 0) {
    const none = offline ? 'There are none: download one in the app’s Models screen.' : 'There are none (README: "Mirror model files").';
    section('Models', el('p', { className: 'bad' }, `${note} ${none}`));
    return;
  }
  const chosen = chooseWebllmModel(models, adapter);
  const picker = el('select', {}, ...models.map((m) => el('option', { value: m.id, selected: m === chosen }, m.id)));
  const out = el('div');
  const run = el('button', { type: 'button', disabled: !adapter.available }, 'Load and measure');
  const selected = () => models.find((m) => m.id === picker.value)!;
  const busy = async (work: () => Promise<void>) => {
    run.disabled = true;
    try {
      await work();
    } catch (error) {
      // An OnDeviceError's kind is what the app acts on: show it with the plain message.
      const kind = error instanceof OnDeviceError ? ` (${error.kind})` : '';
      out.append(el('p', { className: 'bad' }, error instanceof Error ? `${error.name}${kind}: ${error.message}` : String(error)));
    } finally {
      run.disabled = !adapter.available;
    }
  };
  run.onclick = () => busy(() => measure(selected(), connection, adapter, out));
  section('Models', el('p', {}, note), modelTable(models, adapter), el('p', {}, el('label', {}, 'Model ', picker)), run, out);
}

void main().catch((error: unknown) => root.append(el('p', { className: 'bad' }, String(error))));
