import { plainToInstance, Transform } from 'class-transformer';
import { getMetadataStorage, IsBoolean, IsIn, IsInt, isIP, IsNumber, IsOptional, IsString, Matches, Max, Min, validateSync, ValidateBy } from 'class-validator';

/** Names of variables whose values are secrets: never printed, not even in validation errors. */
export const SENSITIVE_VARIABLES = new Set([
  'DATABASE_URL',
  'TEST_DATABASE_URL',
  'MASTER_KEYS',
  'BLIND_INDEX_KEY',
  'AUDIT_HMAC_KEY',
  'TOKEN_SIGNING_KEY',
]);

const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

/** An IP address, a CIDR range (address/prefix), or one of proxy-addr's named ranges. */
function isProxyAddress(entry: unknown): boolean {
  if (typeof entry !== 'string') return false;
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || !isIP(address)) return false;
  if (prefix === undefined) return true;
  const max = isIP(address, '4') ? 32 : 128;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max;
}

/**
 * The whole runtime configuration, read once from the environment and validated at boot.
 * Property names are the environment variable names so errors can name them directly.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toNumber) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** External PostgreSQL. Unset (outside production) → embedded PostgreSQL in DATA_DIR/pg. */
  @IsOptional() @IsString()
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './.data';

  @Transform(toNumber) @IsInt() @Min(1024) @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  /** Key file (JSON). Alternatively MASTER_KEYS + BLIND_INDEX_KEY + AUDIT_HMAC_KEY + TOKEN_SIGNING_KEY. */
  @IsOptional() @IsString()
  KEY_FILE?: string;

  @IsOptional() @IsString()
  MASTER_KEYS?: string;

  @IsOptional() @Transform(toNumber) @IsInt() @Min(1)
  MASTER_KEY_CURRENT?: number;

  @IsOptional() @IsString()
  BLIND_INDEX_KEY?: string;

  @IsOptional() @IsString()
  AUDIT_HMAC_KEY?: string;

  @IsOptional() @IsString()
  TOKEN_SIGNING_KEY?: string;

  @Transform(toNumber) @IsInt() @Min(8) @Max(31)
  BLIND_INDEX_BITS = 16;

  @Transform(toNumber) @IsInt() @Min(60) @Max(3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toNumber) @IsInt() @Min(300) @Max(90 * 24 * 3600)
  REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;

  /**
   * How long the auth guard may reuse what it read about a (user, session) — only while the database's
   * change notifications are being received (src/auth/actor-cache.ts). 0 = read the database on every request.
   */
  @Transform(toNumber) @IsInt() @Min(0) @Max(60_000)
  AUTH_CACHE_TTL_MS = 5000;

  /** agency: every caseworker of the owning agency sees its cases; assigned: only cases assigned to them. */
  @IsIn(['agency', 'assigned'])
  CASE_SCOPE: 'agency' | 'assigned' = 'agency';

  /** Where signed audit checkpoints are appended (outside the database). '-' = standard error. */
  @IsString()
  AUDIT_CHECKPOINT_PATH = './.data/audit-checkpoints.log';

  @Transform(toNumber) @IsInt() @Min(1) @Max(100000)
  AUDIT_CHECKPOINT_EVERY = 1000;

  @Transform(toNumber) @IsInt() @Min(1) @Max(8)
  ARGON2_MAX_CONCURRENCY = 1;

  /** Share of wall-clock time a hashing slot may spend hashing (src/auth/duty-cycle.ts); 1 = no pauses. */
  @Transform(toNumber) @IsNumber() @Min(0.05) @Max(1)
  ARGON2_MAX_DUTY = 0.25;

  /**
   * The share while this process's event loop is busy with other requests (src/auth/duty-cycle.ts): hashing
   * yields more to case work under load; never above ARGON2_MAX_DUTY.
   */
  @Transform(toNumber) @IsNumber() @Min(0.05) @Max(1)
  ARGON2_BUSY_DUTY = 0.1;

  @Transform(toNumber) @IsInt() @Min(1)
  THROTTLE_LIMIT = 600;

  @Transform(toNumber) @IsInt() @Min(1000)
  THROTTLE_TTL_MS = 60000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * The reverse proxies in front of the app, by address: comma-separated IPs or CIDR ranges, or proxy-addr's
   * names `loopback`, `linklocal`, `uniquelocal`. X-Forwarded-For is believed only for hops that arrive from a
   * listed proxy, so the client address is the nearest entry no listed proxy vouches for — never one a client
   * chose. Empty (the default): no proxy, X-Forwarded-For is ignored. A hop count (`1`, `true`) is refused: it
   * cannot tell the proxy from a client that connects directly, and Fastify (5.12) no longer honours one.
   */
  @Transform(({ value }) => (value === undefined ? undefined : String(value).split(',').map((s) => s.trim()).filter((s) => s !== '')))
  @ValidateBy({ name: 'isProxyAddressList', validator: { validate: (v: unknown) => Array.isArray(v) && v.every(isProxyAddress) } })
  TRUST_PROXY: string[] = [];

  /** Seed demo agencies/users on first start (never in production). */
  @Transform(toBool) @IsBoolean()
  SEED_DEMO = true;

  @Transform(toNumber) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 20;

  /**
   * How long an unused pool connection stays open (ms; 0 = until the process ends). node-postgres' default
   * (10 s) closes most of the pool under steady traffic (it reuses the most recent connection first), so every
   * burst opened new backends, which pay their first queries several times over (catalog caches, prepared
   * statements, shared-memory first touch): periodic latency spikes in bench/README.md.
   */
  @Transform(toNumber) @IsInt() @Min(0) @Max(86_400_000)
  DB_POOL_IDLE_MS = 300_000;

  /** Public holidays (YYYY-MM-DD, comma-separated) excluded from working-day deadlines; default: 2025–2026. */
  @IsOptional() @Matches(/^(\d{4}-\d{2}-\d{2})(,\s*\d{4}-\d{2}-\d{2})*$/)
  PUBLIC_HOLIDAYS?: string;

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }
}

export class ConfigError extends Error {}

/** Validates the environment; errors name the variable and the rule, never the value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Every decorated variable, including optional ones without a default (DATABASE_URL, KEY_FILE, ...),
  // which are not own properties of `new AppConfig()`.
  const known = new Set(getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false).map((m) => m.propertyName));
  const input: Record<string, unknown> = {};
  for (const key of known) if (env[key] !== undefined) input[key] = env[key];
  const config = plainToInstance(AppConfig, input);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.keys(e.constraints ?? {}).join(', ') || 'invalid'}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (config.isProduction) {
    const missing: string[] = [];
    if (!config.DATABASE_URL) missing.push('DATABASE_URL');
    if (!config.KEY_FILE && !config.MASTER_KEYS) missing.push('KEY_FILE or MASTER_KEYS');
    if (missing.length) throw new ConfigError(`Production requires: ${missing.join(', ')}`);
  }
  return config;
}

/** Printable view of the configuration with secrets masked. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = SENSITIVE_VARIABLES.has(key) && value !== undefined ? '***' : value;
  }
  return out;
}
