// Prints TA-Lib's own outputs for a slice of a Binance klines CSV, as CSV on stdout, so the C++
// indicator tests can compare against the real library (TA-Lib's C code compiled to WebAssembly,
// npm package talib-web, pinned in package.json / package-lock.json beside this file).
//
//   node tests/reference/talib_reference.mjs KLINES.csv[.gz] FIRST_OPEN_TIME_MS BAR_COUNT
//
// Output: a header `open_time_ms,<series>...`, then one row per bar; a cell is empty where TA-Lib
// has no value yet (before its lookback). Numbers are printed with JavaScript's shortest
// round-trip form, so every double arrives bit for bit.
//
// The TA_* functions are called directly (startIdx 0, endIdx n − 1, real outBegIdx/outNBElement)
// rather than through talib-web's JavaScript wrapper, whose endIdx is one past the input and which
// discards outBegIdx.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`talib_reference: ${message}\n`);
  process.exit(2);
}

const [file, firstText, countText] = process.argv.slice(2);
if (!file || !firstText || !countText)
  fail('usage: talib_reference.mjs KLINES.csv[.gz] FIRST_OPEN_TIME_MS BAR_COUNT');

let talib;
try {
  talib = require('talib-web');
} catch (e) {
  fail('npm package talib-web is not installed: run `npm ci --prefix tests/reference` (' + e.message + ')');
}

// Node ≥ 18 has a global fetch, which makes the Emscripten loader try to fetch() the .wasm by a
// file path and fail; without it the loader reads the file from disk.
const savedFetch = globalThis.fetch;
globalThis.fetch = undefined;
const M = await talib.init();
globalThis.fetch = savedFetch;

// ---- the klines ------------------------------------------------------------------------------
const first = Number(firstText);
const count = Number(countText);
let text = readFileSync(file);
if (file.endsWith('.gz'))
  text = gunzipSync(text);
const bars = { time: [], open: [], high: [], low: [], close: [], volume: [] };
for (const line of text.toString('utf8').split('\n')) {
  if (bars.time.length >= count)
    break;
  const cells = line.trim().split(',');
  if (cells.length < 6)
    continue;
  let t = Number(cells[0]);
  if (t > 1e14)
    t = Math.floor(t / 1000); // Binance spot dumps switched to microseconds in 2025
  if (t < first)
    continue;
  bars.time.push(t);
  bars.open.push(Number(cells[1]));
  bars.high.push(Number(cells[2]));
  bars.low.push(Number(cells[3]));
  bars.close.push(Number(cells[4]));
  bars.volume.push(Number(cells[5]));
}
const n = bars.time.length;
if (n !== count)
  fail(`found ${n} bars from ${first} in ${file}, wanted ${count}`);

// ---- calling TA-Lib --------------------------------------------------------------------------
// ta(name, inputs, options, outputCount): TA_<name>(0, n-1, in..., opt..., &beg, &nb, out...).
// Returns outputCount arrays of length n, null before outBegIdx.
function ta(name, inputs, options, outputCount) {
  const bytes = n * 8;
  const inPtrs = inputs.map((arr) => {
    const p = M._malloc(bytes);
    M.HEAPF64.set(arr, p / 8);
    return p;
  });
  const begPtr = M._malloc(8);
  const nbPtr = begPtr + 4;
  const outPtrs = Array.from({ length: outputCount }, () => M._malloc(bytes));
  const args = [0, n - 1, ...inPtrs, ...options, begPtr, nbPtr, ...outPtrs];
  const rc = M.ccall('TA_' + name, 'number', args.map(() => 'number'), args);
  if (rc !== 0)
    fail(`TA_${name} returned ${rc}`);
  const beg = M.HEAP32[begPtr / 4];
  const nb = M.HEAP32[nbPtr / 4];
  const outs = outPtrs.map((p) => {
    const values = M.HEAPF64.subarray(p / 8, p / 8 + nb);
    const series = new Array(n).fill(null);
    for (let i = 0; i < nb; ++i)
      series[beg + i] = values[i];
    return series;
  });
  for (const p of [...inPtrs, begPtr, ...outPtrs])
    M._free(p);
  return outs;
}

const { open, high, low, close, volume } = bars;
const SMA_TYPE = 0;
const columns = [];
function add(names, outs) {
  names.forEach((name, i) => columns.push([name, outs[i]]));
}

add(['sma_20'], ta('SMA', [close], [20], 1));
add(['sma_7_high'], ta('SMA', [high], [7], 1));
add(['ema_20'], ta('EMA', [close], [20], 1));
add(['ema_9_open'], ta('EMA', [open], [9], 1));
add(['wma_20'], ta('WMA', [close], [20], 1));
add(['wma_5_low'], ta('WMA', [low], [5], 1));
add(['rsi_14'], ta('RSI', [close], [14], 1));
add(['rsi_5'], ta('RSI', [close], [5], 1));
add(['macd_12_26_9.macd', 'macd_12_26_9.signal', 'macd_12_26_9.histogram'], ta('MACD', [close], [12, 26, 9], 3));
add(['macd_5_13_4.macd', 'macd_5_13_4.signal', 'macd_5_13_4.histogram'], ta('MACD', [close], [5, 13, 4], 3));
// TA_BBANDS writes upper, middle, lower.
add(['bbands_20_2.upper', 'bbands_20_2.middle', 'bbands_20_2.lower'], ta('BBANDS', [close], [20, 2, 2, SMA_TYPE], 3));
add(['bbands_10_1.5.upper', 'bbands_10_1.5.middle', 'bbands_10_1.5.lower'], ta('BBANDS', [close], [10, 1.5, 1.5, SMA_TYPE], 3));
add(['atr_14'], ta('ATR', [high, low, close], [14], 1));
add(['atr_5'], ta('ATR', [high, low, close], [5], 1));
add(['stoch_14_3_3.k', 'stoch_14_3_3.d'], ta('STOCH', [high, low, close], [14, 3, SMA_TYPE, 3, SMA_TYPE], 2));
add(['stoch_5_3_4.k', 'stoch_5_3_4.d'], ta('STOCH', [high, low, close], [5, 3, SMA_TYPE, 4, SMA_TYPE], 2));
for (const period of [14, 7]) {
  add([`adx_${period}`], ta('ADX', [high, low, close], [period], 1));
  add([`plus_di_${period}`], ta('PLUS_DI', [high, low, close], [period], 1));
  add([`minus_di_${period}`], ta('MINUS_DI', [high, low, close], [period], 1));
}
add(['obv'], ta('OBV', [close, volume], [], 1));
for (const period of [20, 5]) {
  add([`max_${period}_high`], ta('MAX', [high], [period], 1));
  add([`min_${period}_low`], ta('MIN', [low], [period], 1));
}

// ---- CSV out ---------------------------------------------------------------------------------
const lines = ['open_time_ms,' + columns.map(([name]) => name).join(',')];
for (let i = 0; i < n; ++i) {
  const cells = [String(bars.time[i])];
  for (const [, series] of columns)
    cells.push(series[i] === null ? '' : String(series[i]));
  lines.push(cells.join(','));
}
process.stdout.write(lines.join('\n') + '\n');
