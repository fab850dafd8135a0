// NiiVue is large (WebGL, loaders): it is imported only when a user opens the slice viewer, so it
// never weighs on the first page load.
import type { Niivue } from '@niivue/niivue';

export interface ShownVolume {
  setFrame(frame: number): void;
  destroy(): void;
}

/** Draws an uncompressed single-file NIfTI (bytes) into `canvas` as three orthogonal slices. */
export async function showVolume(canvas: HTMLCanvasElement, bytes: Uint8Array, name: string): Promise<ShownVolume> {
  const { Niivue: NV } = await import('@niivue/niivue');
  const nv: Niivue = new NV({ backColor: [0, 0, 0, 1], show3Dcrosshair: true, isResizeCanvas: true });
  await nv.attachToCanvas(canvas);
  const buf = bytes.slice().buffer as ArrayBuffer;
  await nv.loadFromArrayBuffer(buf, name.replace(/\.gz$/i, ''));
  nv.setSliceType(nv.sliceTypeMultiplanar);
  return {
    setFrame(frame) {
      const v = nv.volumes[0];
      if (v) nv.setFrame4D(v.id, frame);
    },
    destroy() {
      // NiiVue has no dispose; drop its volumes and WebGL context so a closed viewer frees memory.
      nv.volumes.splice(0);
      nv.gl?.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}
