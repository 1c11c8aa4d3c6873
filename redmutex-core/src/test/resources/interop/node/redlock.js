#!/usr/bin/env node
// Drives one node-redlock (v5, on ioredis) lock for redmutex's interop tests (NodeRedlockInteropTest,
// and any test that needs node-redlock on one or several Redis masters).
//
// Usage:
//   node redlock.js --redis HOST:PORT [--redis HOST:PORT ...] [--password PW] --name NAME
//                   --duration MS [--retry-count N] [--retry-delay MS] ACTION
//
//   ACTION try   one attempt (retryCount 0): prints ACQUIRED {json} then RELEASED at once, or BUSY.
//   ACTION hold  one attempt: prints BUSY and exits, or ACQUIRED {json}, then holds the lock (no
//                automatic extension) until a line "release" arrives on stdin or stdin closes,
//                then releases: prints RELEASED, or NOT_OWNED when node-redlock's release found
//                its value on no quorum of the masters (its key expired or holds another value).
//   ACTION wait  like hold, but if the first attempt is refused prints WAITING and then retries in
//                node-redlock's own loop (--retry-count times, every --retry-delay ms, default
//                jitter); BUSY if that runs out.
//
// Every line on stdout is one event; the JSON after ACQUIRED is {"value": ..., "pttl": [...]},
// the lock's value and the key's PTTL on each master, in --redis order. Unexpected failures print
// ERROR {json} and exit with status 2; stderr carries the stack.
"use strict";

const readline = require("readline");
const Redis = require("ioredis");
const { default: Redlock, ExecutionError } = require("redlock");

function emit(event, payload) {
  process.stdout.write(payload === undefined ? event + "\n" : event + " " + JSON.stringify(payload) + "\n");
}

function parse(argv) {
  const args = { redis: [], retryCount: 100, retryDelay: 100 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error("missing value for " + flag);
      return argv[++i];
    };
    switch (flag) {
      case "--redis": args.redis.push(value()); break;
      case "--password": args.password = value(); break;
      case "--name": args.name = value(); break;
      case "--duration": args.duration = Number(value()); break;
      case "--retry-count": args.retryCount = Number(value()); break;
      case "--retry-delay": args.retryDelay = Number(value()); break;
      default:
        if (flag.startsWith("--")) throw new Error("unknown flag " + flag);
        if (args.action !== undefined) throw new Error("two actions: " + args.action + ", " + flag);
        args.action = flag;
    }
  }
  if (args.redis.length === 0) throw new Error("no --redis HOST:PORT");
  if (!args.name) throw new Error("no --name");
  if (!Number.isInteger(args.duration) || args.duration <= 0) throw new Error("--duration must be a positive integer (ms)");
  if (!["try", "hold", "wait"].includes(args.action)) throw new Error("ACTION must be try, hold or wait, not " + args.action);
  return args;
}

function untilReleaseLine() {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: process.stdin });
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        lines.close();
        resolve();
      }
    };
    lines.on("line", (line) => { if (line.trim() === "release") finish(); });
    lines.on("close", finish); // EOF: the test, or its JVM, went away
  });
}

async function main() {
  const args = parse(process.argv.slice(2));
  const clients = args.redis.map((hostPort) => {
    const at = hostPort.lastIndexOf(":");
    return new Redis({
      host: hostPort.slice(0, at),
      port: Number(hostPort.slice(at + 1)),
      password: args.password,
      maxRetriesPerRequest: 1,
      connectTimeout: 10000,
    });
  });
  const redlock = new Redlock(clients, { retryCount: 0 });
  redlock.on("error", () => {}); // per-attempt refusals; the outcome is what acquire/release return

  let lock;
  try {
    lock = await redlock.acquire([args.name], args.duration);
  } catch (e) {
    if (!(e instanceof ExecutionError)) throw e;
    if (args.action !== "wait") {
      emit("BUSY");
      return 0;
    }
    emit("WAITING");
    try {
      lock = await redlock.acquire([args.name], args.duration, {
        retryCount: args.retryCount,
        retryDelay: args.retryDelay,
      });
    } catch (again) {
      if (!(again instanceof ExecutionError)) throw again;
      emit("BUSY");
      return 0;
    }
  }
  const pttl = await Promise.all(clients.map((client) => client.pttl(args.name)));
  emit("ACQUIRED", { value: lock.value, pttl });

  if (args.action !== "try") {
    await untilReleaseLine();
  }
  try {
    await lock.release();
  } catch (e) {
    if (!(e instanceof ExecutionError)) throw e;
    emit("NOT_OWNED");
    return 0;
  }
  emit("RELEASED");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    emit("ERROR", { type: e && e.name, message: String(e && e.message) });
    process.exit(2);
  },
);
