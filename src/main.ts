// The connect-src policy goes in before anything can connect (see src/security/csp.ts).
import { installConnectPolicy } from './security/index.ts';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { warmFormatters } from './components/format.ts';
import { nextTask } from './lib/index.ts';
import { AppState } from './state/app.svelte.ts';
import { createServices } from './state/services.ts';

type Picker = (opts?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;
const picker = (window as Window & { showDirectoryPicker?: Picker }).showDirectoryPicker;

const guard = await installConnectPolicy(window);
const services = createServices(picker ? { pickFolder: () => picker.call(window, { mode: 'readwrite', id: 's3bids' }) } : {});
const app = new AppState(services, { guard });

// The first render waits for a task of its own: together with evaluating the app's code (the AWS SDK among
// it) it held the page for over 200 ms while it started (README, "Benchmarks").
await nextTask();
mount(App, { target: document.getElementById('app')!, props: { app, win: window } });
// A task of its own, so the formatters' start-up cost is not added to the first render's (components/format.ts).
setTimeout(warmFormatters, 0);
