import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'ol/ol.css';
// One stylesheet per part of the console, in cascade order (theme first).
import './styles/theme.css';
import './styles/shell.css';
import './styles/controls.css';
import './styles/map-video.css';
import './styles/alerts.css';
import './styles/walls-tasks.css';
import './styles/cameras-stats-admin.css';
import './styles/playback.css';
import { z } from 'zod';
import { App } from './app';

// zod probes for eval (`Function('')`) to compile faster parsers; the api's Content-Security-Policy
// forbids eval, and the refused probe is reported as a violation. Parse without it.
z.config({ jitless: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
