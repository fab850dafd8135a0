// The one error type the engine throws, with machine-readable codes. Depends on nothing.
export * from './errors.ts';
