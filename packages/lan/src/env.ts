/**
 * The environment variables of LAN / HTTPS mode, shared by the production server's config
 * (which spreads `LAN_ENV` into its own zod schema) and the dev web server, so both read them
 * the same way.
 *
 *   LAN=1          HTTPS, listen on every interface (HOST defaults to 0.0.0.0), print LAN URLs + QR
 *   HTTPS=1        HTTPS on HOST only (e.g. a fixed address, or behind a TLS-passthrough proxy)
 *   TLS_CERT, TLS_KEY  PEM files to serve instead of the generated self-signed certificate
 *                  (setting both turns HTTPS on)
 *   TRUST_PROXY    1/true: trust X-Forwarded-* from any proxy; or a comma list of proxy
 *                  addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8); unset/0: trust none
 */
import * as z from 'zod';
import type { TlsSource } from './tls.ts';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

const trustProxy = z
  .string()
  .optional()
  .transform((value, context): boolean | string[] => {
    const text = (value ?? '').trim();
    if (text === '' || text === '0' || text === 'false') return false;
    if (text === '1' || text === 'true') return true;
    const addresses = text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const invalid = addresses.filter((address) => !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(address));
    if (invalid.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `expected 1, true, or a comma list of proxy addresses/CIDRs; not ${invalid.join(', ')}`,
      });
      return z.NEVER;
    }
    return addresses;
  });

/** Zod fields to spread into a server's environment schema. */
export const LAN_ENV = {
  LAN: flag,
  HTTPS: flag,
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  TRUST_PROXY: trustProxy,
};

const LanEnv = z.object(LAN_ENV);
export type LanEnv = z.output<typeof LanEnv>;

/** Issue for a schema's `superRefine`: one TLS file without the other is a mistake, not a fallback. */
export function checkTlsPair(env: Pick<LanEnv, 'TLS_CERT' | 'TLS_KEY'>, context: z.RefinementCtx): void {
  if ((env.TLS_CERT === undefined) === (env.TLS_KEY === undefined)) return;
  context.addIssue({
    code: 'custom',
    path: [env.TLS_CERT === undefined ? 'TLS_CERT' : 'TLS_KEY'],
    message: 'TLS_CERT and TLS_KEY must be set together',
  });
}

export interface ServeMode {
  /** Listen on every interface and print the LAN URLs with a QR code. */
  isLan: boolean;
  /** Where the certificate comes from; undefined means plain HTTP. */
  tls: TlsSource | undefined;
  /** Fastify's `trustProxy`. */
  trustProxy: boolean | string[];
}

/** What the parsed variables ask for. */
export function serveMode(env: LanEnv): ServeMode {
  const hasFiles = env.TLS_CERT !== undefined && env.TLS_KEY !== undefined;
  const isHttps = env.LAN || env.HTTPS || hasFiles;
  return {
    isLan: env.LAN,
    tls: isHttps ? { certFile: env.TLS_CERT, keyFile: env.TLS_KEY } : undefined,
    trustProxy: env.TRUST_PROXY,
  };
}

/**
 * Parses the LAN variables on their own (the dev web server). Throws one readable line on a
 * bad value; an empty variable counts as unset.
 */
export function parseServeMode(env: Record<string, string | undefined>): ServeMode {
  const present = Object.fromEntries(
    Object.keys(LAN_ENV).flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  const result = LanEnv.superRefine(checkTlsPair).safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return serveMode(result.data);
}
