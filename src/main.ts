import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { AppState } from './state/app.svelte.ts';
import { createEngine } from './state/engine.ts';

type Picker = (opts?: { mode?: 'read' | 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;
const picker = (window as unknown as { showDirectoryPicker?: Picker }).showDirectoryPicker;

const engine = createEngine(picker ? { pickFolder: () => picker.call(window, { mode: 'readwrite', id: 's3bids' }) } : {});
const app = new AppState(engine);

mount(App, { target: document.getElementById('app')!, props: { app, win: window } });
