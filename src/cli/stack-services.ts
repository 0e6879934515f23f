import type { Config } from '../config/load-config.js';

export interface StackService {
  name: string;
  /** Entry module, relative to src/cli/. */
  entry: string;
  env: Record<string, string>;
  banner: string[];
}

/** The processes `npm start` runs, each its own child process with its own entry point. */
export function stackServices(config: Config, ext: 'ts' | 'js'): StackService[] {
  const monolith = `http://localhost:${config.http.port}`;
  return [
    {
      name: 'monolith',
      entry: `../main.${ext}`,
      env: {},
      banner: [`monolith   ${monolith}  (/auth, /fu_auth, /api, /healthz, /readyz)`],
    },
  ];
}
