import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; shared/ (the MEP spec and fixtures) sits beside it. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
