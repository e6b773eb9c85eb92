// The rate card: prices that turn usage into cost. YAML or JSON, flat, every key checked:
//
//   currency: EUR
//   cpuCoreHour: 0.031      # per CPU core for one hour
//   memoryGiBHour: 0.0042   # per GiB of memory held for one hour
//   blockIoGiB: 0.01        # per GiB read or written
//   networkGiB: 0.02        # per GiB received or sent (loopback excluded)
//   memory: working-set     # which memory is priced: working-set (default) or usage

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type MemoryMetric = 'working-set' | 'usage';

export interface RateCard {
  readonly currency: string;
  readonly cpuCoreHour: number;
  readonly memoryGiBHour: number;
  readonly blockIoGiB: number;
  readonly networkGiB: number;
  readonly memory: MemoryMetric;
}

export class RateCardError extends Error {
  override readonly name = 'RateCardError';
}

const PRICE_KEYS = ['cpuCoreHour', 'memoryGiBHour', 'blockIoGiB', 'networkGiB'] as const;
const KNOWN_KEYS = new Set<string>(['currency', 'memory', ...PRICE_KEYS]);

/** Without a rate card, nothing is priced: the report shows usage only. */
export const NO_PRICES: RateCard = { currency: '', cpuCoreHour: 0, memoryGiBHour: 0, blockIoGiB: 0, networkGiB: 0, memory: 'working-set' };

function closest(key: string): string | undefined {
  const lower = key.toLowerCase().replace(/[_-]/g, '');
  return [...KNOWN_KEYS].find((k) => k.toLowerCase() === lower);
}

/** Checks a parsed rate card; `where` names its file in error messages. */
export function validateRateCard(value: unknown, where: string): RateCard {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RateCardError(`${where}: a rate card is a mapping like {currency: EUR, cpuCoreHour: 0.03, memoryGiBHour: 0.004, blockIoGiB: 0.01, networkGiB: 0.02}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (KNOWN_KEYS.has(key)) continue;
    const hint = closest(key);
    throw new RateCardError(`${where}: unknown key ${JSON.stringify(key)}${hint ? ` (did you mean ${hint}?)` : ''}; keys are ${[...KNOWN_KEYS].join(', ')}`);
  }
  const currency = record.currency;
  if (typeof currency !== 'string' || currency.trim() === '') {
    throw new RateCardError(`${where}: currency must be a name like EUR or USD`);
  }
  const prices: Record<string, number> = {};
  for (const key of PRICE_KEYS) {
    const price = record[key] ?? 0;
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      throw new RateCardError(`${where}: ${key} must be a price ≥ 0 (a number), got ${JSON.stringify(record[key])}`);
    }
    prices[key] = price;
  }
  const memory = record.memory ?? 'working-set';
  if (memory !== 'working-set' && memory !== 'usage') {
    throw new RateCardError(`${where}: memory must be working-set or usage, got ${JSON.stringify(memory)}`);
  }
  return {
    currency: currency.trim(),
    cpuCoreHour: prices.cpuCoreHour!,
    memoryGiBHour: prices.memoryGiBHour!,
    blockIoGiB: prices.blockIoGiB!,
    networkGiB: prices.networkGiB!,
    memory,
  };
}

/** YAML is a superset of JSON, so one parser reads both; the error says which line is wrong. */
export function parseRateCard(text: string, where = 'rate card'): RateCard {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new RateCardError(`${where}: not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateRateCard(parsed, where);
}

export function loadRateCard(path: string): RateCard {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RateCardError(`cannot read rate card ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseRateCard(text, path);
}
