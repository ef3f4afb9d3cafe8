// Wire interoperability: a client nobody here wrote (Node's @grpc/grpc-js, with
// @grpc/proto-loader reading the committed proto/ntop/v1/*.proto) against a running probe.
// It starts nothing: run.sh starts
//   ntop-probe -i <shared>/pcaps/ntopng-e2e/test_01.pcap -m 192.168.1.0/24 --rpc-listen ADDR
// and runs
//   node interop.js --target 127.0.0.1:PORT --proto-root <repo>/proto --pcap <that pcap>
//     --token <an administrator's API token>
// Every call carries the token as the metadata "authorization: Token <token>", as ntopng's
// REST API takes it; two checks call without it / with x-ntop-token.
// Prints one line per check, then "N passed, M failed"; exits 1 when a check failed.
'use strict';

const crypto = require('crypto');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// What ntopng reports for test_01.pcap with 192.168.1.0/24 local (tests/pcap's oracle).
const EXPECT = { packets: 4999, flows: 177, hosts: 42, local_hosts: 4 };
const CALL_TIMEOUT_MS = 10000;
const STATUS_NAME = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`usage: node interop.js --target HOST:PORT --proto-root DIR --pcap FILE --token TOKEN`);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['target', 'proto-root', 'pcap', 'token']) {
    if (!args[k]) throw new Error(`missing --${k}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));

// Load the services exactly as a third-party client would: the .proto files as committed.
const FILES = ['ntop', 'interface', 'flow', 'host', 'network'].map((n) => `ntop/v1/${n}.proto`);
const packageDefinition = protoLoader.loadSync(FILES, {
  includeDirs: [path.resolve(args['proto-root'])],
  keepCase: true, // Context.has_network stays has_network
  longs: String, // sint64 arrives as a decimal string: no precision lost above 2^53
  enums: String,
  defaults: true, // Context.ifid = 0 is visible as 0
  oneofs: true, // Value.kind names the member that is set
});
const v1 = grpc.loadPackageDefinition(packageDefinition).ntop.v1;
const creds = grpc.credentials.createInsecure();
const clients = {};
for (const svc of ['Ntop', 'Interface', 'Flow', 'Host', 'Network']) {
  if (typeof v1[svc] !== 'function') throw new Error(`service ntop.v1.${svc} not in the .proto files`);
  clients[svc] = new v1[svc](args.target, creds);
}

// ---- Values: JS -> wire -------------------------------------------------------------------
const V = {
  nil: () => ({ nil: true }),
  bool: (b) => ({ boolean: b }),
  int: (n) => ({ integer: String(n) }), // string or BigInt: exact 64-bit
  num: (x) => ({ number: x }),
  str: (s) => ({ string: Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8') }),
  table: (array = [], entries = []) => ({ table: { array, entries } }),
};

// ---- Values: wire -> JS, keeping Lua's types apart -----------------------------------------
// integer -> BigInt, number -> {float: x} (so 1e9 as a float is not mistaken for an integer),
// string -> Buffer, table -> LuaTable.
class LuaTable {
  constructor(t) {
    this.array = (t.array || []).map(fromWire);
    this.map = new Map();
    for (const e of t.entries || []) this.map.set(keyOf(fromWire(e.key)), fromWire(e.value));
  }
  get(key) {
    return this.map.get(key);
  }
}
function keyOf(k) {
  if (Buffer.isBuffer(k)) return k.toString('utf8');
  if (typeof k === 'bigint') return k;
  return JSON.stringify(k);
}
function fromWire(v) {
  if (!v) throw new Error('missing Value');
  switch (v.kind) {
    case 'nil': return null;
    case 'boolean': return v.boolean;
    case 'integer':
      if (typeof v.integer !== 'string') throw new Error(`integer not a string (longs: String): ${typeof v.integer}`);
      return BigInt(v.integer);
    case 'number': return { float: v.number };
    case 'string': return v.string;
    case 'table': return new LuaTable(v.table);
    default: throw new Error(`Value with no kind: ${JSON.stringify(v)}`);
  }
}
function show(x) {
  if (x === null) return 'nil';
  if (typeof x === 'bigint') return `${x} (integer)`;
  if (Buffer.isBuffer(x)) return JSON.stringify(x.toString('latin1'));
  if (x instanceof LuaTable) return `table(${x.array.length} array, ${x.map.size} keys)`;
  if (x && typeof x === 'object' && 'float' in x) return `${x.float} (float)`;
  return JSON.stringify(x);
}

// ---- Calls --------------------------------------------------------------------------------
const defaultContext = () => ({ ifid: 0, host: '', flow: '', network: 0, has_network: false });

// The metadata of an authenticated call.
function authMetadata(key = 'authorization', value = `Token ${args.token}`) {
  const md = new grpc.Metadata();
  if (key) md.set(key, value);
  return md;
}

// Resolves {results, context} or rejects with the gRPC error (err.code, err.details).
function call(svc, method, argsList = [], context = defaultContext(), metadata = authMetadata()) {
  const client = clients[svc];
  if (typeof client[method] !== 'function') {
    return Promise.reject(new Error(`${svc}.${method} is not in the .proto files`));
  }
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + CALL_TIMEOUT_MS);
    client[method]({ args: argsList, context }, metadata, { deadline }, (err, reply) => {
      if (err) return reject(err);
      resolve({ results: (reply.results || []).map(fromWire), context: reply.context });
    });
  });
}

// A call on a path the .proto files do not have, with the same message types.
function callPath(methodPath, argsList = [], context = defaultContext()) {
  const m = packageDefinition['ntop.v1.Ntop'].getDirs;
  return new Promise((resolve, reject) => {
    clients.Ntop.makeUnaryRequest(methodPath, m.requestSerialize, m.responseDeserialize,
      { args: argsList, context }, authMetadata(),
      { deadline: new Date(Date.now() + CALL_TIMEOUT_MS) },
      (err, reply) => (err ? reject(err) : resolve(reply)));
  });
}

// Expects the call to fail with `code` and, when given, a message matching `re`.
async function expectStatus(promise, code, re) {
  let reply;
  try {
    reply = await promise;
  } catch (err) {
    if (err.code !== code) {
      throw new Error(`status ${STATUS_NAME[err.code]} (${err.code}) "${err.details}", expected ${STATUS_NAME[code]}`);
    }
    if (re && !re.test(err.details)) throw new Error(`message "${err.details}" does not match ${re}`);
    return err;
  }
  throw new Error(`succeeded (${JSON.stringify(reply && reply.results)}), expected ${STATUS_NAME[code]}`);
}

function eq(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${show(got)}, expected ${show(want)}`);
}
function ok(what, cond) {
  if (!cond) throw new Error(what);
}
function asInt(what, x) {
  if (typeof x !== 'bigint') throw new Error(`${what}: ${show(x)} is not an integer`);
  return x;
}
function asFloat(what, x) {
  if (!x || typeof x !== 'object' || !('float' in x)) throw new Error(`${what}: ${show(x)} is not a float`);
  return x.float;
}
function asTable(what, x) {
  if (!(x instanceof LuaTable)) throw new Error(`${what}: ${show(x)} is not a table`);
  return x;
}

// ---- Checks -------------------------------------------------------------------------------
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

// The probe answers before it has read the whole pcap: wait until the interface's packet
// count is the same three times in a row (reading 5000 packets takes milliseconds).
async function settledStats() {
  const until = Date.now() + 30000;
  let last = null;
  let same = 0;
  for (;;) {
    const r = await call('Interface', 'getStats');
    const stats = asTable('getStats().stats', asTable('getStats()', r.results[0]).get('stats'));
    const packets = asInt('stats.packets', stats.get('packets'));
    same = last !== null && packets === last && packets > 0n ? same + 1 : 0;
    last = packets;
    if (same >= 2) return r;
    if (Date.now() > until) throw new Error(`packet count still changing after 30 s (${packets})`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

check('auth: a call without a token is UNAUTHENTICATED', async () => {
  await expectStatus(call('Ntop', 'md5', [V.str('abc')], defaultContext(), authMetadata(null)),
    grpc.status.UNAUTHENTICATED, /no API token/);
  await expectStatus(call('Ntop', 'md5', [V.str('abc')], defaultContext(),
    authMetadata('authorization', 'Token 00000000000000000000000000000000')),
  grpc.status.UNAUTHENTICATED, /unknown API token/);
});

check('auth: the token in x-ntop-token metadata is accepted too', async () => {
  const r = await call('Ntop', 'md5', [V.str('abc')], defaultContext(),
    authMetadata('x-ntop-token', args.token));
  eq('md5("abc")', r.results[0].toString('latin1'), '900150983cd24fb0d6963f7d28e17f72');
});

check('Interface/getStats: test_01.pcap counts as ntopng (integers)', async () => {
  const r = await settledStats();
  eq('results', r.results.length, 1);
  const s = asTable('getStats()', r.results[0]);
  const stats = asTable('stats', s.get('stats'));
  for (const [k, want] of Object.entries(EXPECT)) {
    eq(`stats.${k}`, asInt(`stats.${k}`, stats.get(k)), BigInt(want));
  }
  eq('eth.packets', asInt('eth.packets', asTable('eth', s.get('eth')).get('packets')), BigInt(EXPECT.packets));
  eq('name', s.get('name').toString('utf8'), args.pcap);
  eq('vlan (boolean)', s.get('vlan'), false);
  eq('Reply.context.ifid', r.context.ifid, 0);
});

check('Ntop/md5: a binary string with NUL bytes is hashed whole', async () => {
  const bin = Buffer.from([0x61, 0x00, 0x62, 0x00, 0x00, 0xff, 0xfe, 0x80, 0x0a, 0x00, 0x7a]);
  const want = crypto.createHash('md5').update(bin).digest('hex');
  const r = await call('Ntop', 'md5', [V.str(bin)]);
  eq('results', r.results.length, 1);
  ok(`md5 result ${show(r.results[0])} is not a string`, Buffer.isBuffer(r.results[0]));
  eq('md5', r.results[0].toString('latin1'), want);
  // and the empty string
  const e = await call('Ntop', 'md5', [V.str('')]);
  eq('md5("")', e.results[0].toString('latin1'), crypto.createHash('md5').update('').digest('hex'));
});

check('Ntop/bitmapSet: integers stay 64-bit integers (sint64 as strings)', async () => {
  const cases = [
    [0n, 3, 8n],
    [0n, 63, -9223372036854775808n], // bit 63 is the sign bit, as in ntopng
    [9007199254740993n, 1, 9007199254740995n], // above 2^53: a JS number would round
    [-1n, 5, -1n],
  ];
  for (const [bitmap, bit, want] of cases) {
    const r = await call('Ntop', 'bitmapSet', [V.int(bitmap), V.int(bit)]);
    eq(`bitmapSet(${bitmap}, ${bit})`, asInt('result', r.results[0]), want);
  }
  const r = await call('Ntop', 'bitmapIsSet', [V.int(-9223372036854775808n), V.int(63)]);
  eq('bitmapIsSet(1 << 63, 63)', r.results[0], true);
});

check('floats stay floats both ways', async () => {
  // Probe -> client: ntop.gettickspersec() is the float 1e9 (integral value, float type).
  const tps = await call('Ntop', 'gettickspersec');
  eq('gettickspersec()', asFloat('gettickspersec()', tps.results[0]), 1e9);
  // ntop.gettimemsec(): epoch seconds as a float with a fraction.
  const t = await call('Ntop', 'gettimemsec');
  const secs = asFloat('gettimemsec()', t.results[0]);
  ok(`gettimemsec() ${secs} is not within 5 min of now`, Math.abs(secs - Date.now() / 1000) < 300);
  // Client -> probe: a float with an integral value is accepted where Lua wants an integer,
  // and 2.5 is refused with Lua's own message, so the double arrived unrounded.
  const r = await call('Ntop', 'bitmapSet', [V.int(0), V.num(3.0)]);
  eq('bitmapSet(0, 3.0)', asInt('result', r.results[0]), 8n);
  await expectStatus(call('Ntop', 'bitmapSet', [V.int(0), V.num(2.5)]), grpc.status.INVALID_ARGUMENT,
    /^bad argument #2 to '(ntop\.)?bitmapSet' \(number has no integer representation\)$/);
  // msleep takes a float number of milliseconds.
  const m = await call('Ntop', 'msleep', [V.num(0.5)]);
  ok(`msleep(0.5) returned ${m.results.map(show)}`, m.results.every((x) => x === null));
});

check('Interface/select changes Context.ifid; the client carries it', async () => {
  const none = { ...defaultContext(), ifid: -1 };
  const names = await call('Interface', 'getIfNames', [], none);
  const ifname = asTable('getIfNames()', names.results[0]).get('0');
  ok(`getIfNames()["0"] is ${show(ifname)}`, Buffer.isBuffer(ifname));
  eq('getIfNames()["0"]', ifname.toString('utf8'), args.pcap);

  const sel = await call('Interface', 'select', [V.str(ifname)], none);
  eq('Reply.context.ifid after select(name)', sel.context.ifid, 0);
  const id = await call('Interface', 'getId', [], sel.context);
  eq('getId() with the returned context', asInt('getId()', id.results[0]), 0n);
  const n = await call('Interface', 'getNumHosts', [], sel.context);
  eq('getNumHosts()', asInt('getNumHosts()', n.results[0]), BigInt(EXPECT.hosts));

  const unsel = await call('Interface', 'select', [V.str('no-such-interface')], sel.context);
  eq('Reply.context.ifid after select(unknown)', unsel.context.ifid, -1);
  await expectStatus(call('Interface', 'getNumFlows', [], unsel.context), grpc.status.FAILED_PRECONDITION,
    /no interface selected/);

  const byId = await call('Interface', 'select', [V.int(0)], unsel.context);
  eq('Reply.context.ifid after select(0)', byId.context.ifid, 0);
});

check('unknown method -> UNIMPLEMENTED', async () => {
  await expectStatus(callPath('/ntop.v1.Ntop/noSuchFunction'), grpc.status.UNIMPLEMENTED);
  await expectStatus(callPath('/ntop.v1.Nope/getDirs'), grpc.status.UNIMPLEMENTED);
  // a real function under the wrong service
  await expectStatus(callPath('/ntop.v1.Flow/getStats'), grpc.status.UNIMPLEMENTED);
});

check('wrong argument type -> INVALID_ARGUMENT with the Lua message', async () => {
  await expectStatus(call('Ntop', 'md5', [V.table([V.int(1)])]), grpc.status.INVALID_ARGUMENT,
    /^bad argument #1 to '(ntop\.)?md5' \(string expected, got table\)$/);
  await expectStatus(call('Ntop', 'bitmapSet', [V.str('not a number'), V.int(1)]),
    grpc.status.INVALID_ARGUMENT, /^bad argument #1 to '(ntop\.)?bitmapSet' \(number expected, got string\)$/);
});

check('Context.ifid = -1 -> FAILED_PRECONDITION', async () => {
  const none = { ...defaultContext(), ifid: -1 };
  await expectStatus(call('Interface', 'getStats', [], none), grpc.status.FAILED_PRECONDITION,
    /no interface selected/);
  // a function that needs no interface still works without one
  const r = await call('Ntop', 'md5', [V.str('abc')], none);
  eq('md5("abc") with ifid -1', r.results[0].toString('latin1'), '900150983cd24fb0d6963f7d28e17f72');
  eq('Reply.context.ifid', r.context.ifid, -1);
});

async function main() {
  // The first call waits for the channel (run.sh only saw the port open).
  await new Promise((resolve, reject) =>
    clients.Ntop.waitForReady(new Date(Date.now() + CALL_TIMEOUT_MS), (err) => (err ? reject(err) : resolve())));
  let passed = 0;
  let failed = 0;
  for (const { name, fn } of checks) {
    try {
      await fn();
      passed++;
      console.log(`ok   ${name}`);
    } catch (err) {
      failed++;
      const why = err.code !== undefined ? `${STATUS_NAME[err.code]}: ${err.details}` : err.message;
      console.log(`FAIL ${name}: ${why}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  for (const c of Object.values(clients)) c.close();
  return failed === 0 ? 0 : 1;
}

main().then((rc) => process.exit(rc), (err) => {
  console.log(`FAIL: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
