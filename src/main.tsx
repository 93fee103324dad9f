import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { library } from './db/library';
import { initI18n } from './i18n/i18n';
import './app/app.css';

// Opening IndexedDB takes a browser 150 ms on first use: start it while the strings load.
void library().db.open();
await initI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
