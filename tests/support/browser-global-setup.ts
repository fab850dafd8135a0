// Runs in Node before the browser project: starts moto for the browser tests and hands them its endpoint.
import type { TestProject } from 'vitest/node';
import { startMoto, type Moto } from './moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

let moto: Moto | undefined;

export default async function setup(project: TestProject) {
  moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return async () => {
    await moto?.stop();
  };
}
