import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'ol/ol.css';
import './styles.css';
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
