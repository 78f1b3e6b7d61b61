import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { enableTheme } from './forge';
import './styles.css';

// Theming is cosmetic: if the host refuses it, the CSS fallbacks (Jira's light colours) apply.
enableTheme().catch(() => undefined);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
