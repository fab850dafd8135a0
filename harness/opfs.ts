// Helpers for tests that run inside Chromium (Vitest browser mode): OPFS folders read back and hashed.

/** An empty OPFS folder of that name (a previous run's is removed first). */
export async function freshFolder(name: string): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name, { recursive: true }).catch(() => undefined);
  return root.getDirectoryHandle(name, { create: true });
}

/** Every file under `dir`, by `/`-separated path. */
export async function walkFiles(dir: FileSystemDirectoryHandle, base = ''): Promise<Map<string, File>> {
  const out = new Map<string, File>();
  for await (const [name, h] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (h.kind === 'file') out.set(base + name, await (h as FileSystemFileHandle).getFile());
    else for (const [k, v] of await walkFiles(h as FileSystemDirectoryHandle, `${base}${name}/`)) out.set(k, v);
  }
  return out;
}

export async function sha256(f: Blob): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', await f.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
