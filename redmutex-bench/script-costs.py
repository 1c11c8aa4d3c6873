#!/usr/bin/env python3
"""What each part of the lock scripts costs the Redis server, per operation (acquire + release).

    redmutex-bench/script-costs.py [--server PATH] [--ops N] [--callgrind] [--memory-locks N]

Starts its own redis-server (PATH, default `redis-server` from the PATH) on a free loopback port,
then, for each variant below, runs N operations on N distinct lock names, one command at a time
(as the uncontended path does), and prints a Markdown table: the server's CPU time per operation
(INFO cpu, user + sys), and with --callgrind the server's user-space instructions per operation,
counted by valgrind's callgrind (exact and repeatable whatever else the machine does; the server
runs about 50 times slower under it, so use a smaller N, e.g. 3000). The scripts are the ones
shipped in redmutex-core, read from its resources; the variants take parts out of them one at a
time to show what each part costs. A second table gives the server's memory per lock name
(used_memory growth over --memory-locks names) for the key layouts redmutex has and could have.
Needs Python 3 with redis-py (Debian: python3-redis).
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "..", "redmutex-core", "src", "main", "resources", "io", "redmutex",
                       "internal")
LEASE = "30000"
FENCE_TTL = str(30000 + 3600000)  # the lease + LockScripts.FENCE_TTL_EXTRA_MILLIS
HOLDER = "redmutex-bench on 8a7c0e1d2f pid 12345"
CLIENT_ID = "Zq3xVbN8mK1pL0oI9uY7tR"


def shipped(name):
    with open(os.path.join(SCRIPTS, name)) as f:
        return f.read()


def without(script, *lines):
    """The script with the last line of each of these texts (compared stripped) removed."""
    kept = script.splitlines()
    for text in lines:
        at = [i for i, l in enumerate(kept) if l.strip() == text]
        if not at:
            sys.exit("script-costs: no line %r (the shipped script changed?)" % text)
        del kept[at[-1]]
    return "\n".join(kept)


def replaced(script, old, new):
    if old not in script:
        sys.exit("script-costs: no %r (the shipped script changed?)" % old)
    return script.replace(old, new)


CAD = ("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) "
       "end return 0")
NOP = "return 1"
# Lower bounds, each with the floor's release: the floor's take in a script, the least take that
# reads the server clock, the least one that issues a fencing token kept in a record beside the
# lock key (a fence-only hash with a TTL, as v1 clients read it).
SCRIPTED = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])"
CLOCKED = "redis.call('TIME') return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])"
# The next fencing token from `last` (nil when none): never below the server clock in µs.
NEXT_FENCE = ("local now = redis.call('TIME') local fence = now[1] * 1000000 + now[2] "
              "if last and last >= fence then fence = last + 1 end ")
FENCED = ("local last = tonumber(redis.call('HGET', KEYS[2], 'fence')) " + NEXT_FENCE +
          "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end "
          "redis.call('HSET', KEYS[2], 'fence', fence) redis.call('PEXPIRE', KEYS[2], ARGV[3]) "
          "return fence")
# The same, with the last token in one record shared by every name of a cluster slot (a string
# with no TTL, here one for the whole server) instead of one record per name: what a protocol
# whose per-name record is gone would cost at least.
SLOT_RECORD = "'redmutex:fence:{slot}'"
SHARED = ("local last = tonumber(redis.call('GET', " + SLOT_RECORD + ")) " + NEXT_FENCE +
          "if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end "
          "redis.call('SET', " + SLOT_RECORD + ", fence) return fence")

def variants(functions):
    take, release = shipped("take.lua"), shipped("release.lua")
    out = [
        ("floor: `SET NX PX`, compare-and-delete script", ("set", None), ("eval", CAD)),
        ("two empty scripts (`return 1`): the cost of a script call", ("eval", NOP), ("eval", NOP)),
        ("`SET NX PX` in a script, floor's release: the least a scripted take costs",
         ("eval", SCRIPTED), ("eval", CAD)),
        ("least take reading the server clock (`TIME`, `SET NX PX`), floor's release",
         ("eval", CLOCKED), ("eval", CAD)),
        ("least fenced take (`HGET` last, `TIME`, `SET NX PX`, `HSET` fence, `PEXPIRE`), "
         "floor's release", ("eval", FENCED), ("eval", CAD)),
        ("least fenced take with one record per cluster slot instead of one per name (`GET` last, "
         "`TIME`, `SET NX PX`, `SET` it), floor's release", ("eval", SHARED), ("eval", CAD)),
        ("redmutex as shipped (wire protocol v2): take.lua + release.lua", ("eval2", take),
         ("eval2", release)),
        ("… release without `PUBLISH`", ("eval2", take),
         ("eval2", without(release, "redis.call(publish, ARGV[2], 'released')"))),
        ("… take without the holder in the value",
         ("eval2", replaced(take, "local value = ARGV[1] .. ' ' .. text .. ' ' .. ARGV[3]",
                            "local value = ARGV[1] .. ' ' .. text .. ' '")), ("eval2", release)),
        ("… take without reading v1's fence hash (once no v1 client is left)",
         ("eval2", replaced(take, "local v1 = tonumber(redis.call('HGET', KEYS[4], 'fence'))",
                            "local v1 = nil")), ("eval2", release)),
    ]
    if functions:
        out.append(("redmutex as shipped, as Redis 7 functions (`FCALL`)", ("fcall2", take),
                    ("fcall2", release)))
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(server, callgrind, workdir):
    port = free_port()
    cmd = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", workdir]
    if callgrind:
        out = os.path.join(workdir, "callgrind.out.%p")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = redis.Redis(port=port)
    for _ in range(600):
        try:
            r.ping()
            return proc, r
        except redis.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("script-costs: %s did not answer on port %d" % (server, port))


def instructions(proc, workdir):
    """Dumps callgrind's counts since the last zeroing, returns the total instructions."""
    subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    dumps = sorted((os.path.join(workdir, f) for f in os.listdir(workdir)
                    if f.startswith("callgrind.out.")), key=os.path.getmtime)
    with open(dumps[-1]) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    for d in dumps:
        os.remove(d)
    return total


def cpu(r):
    info = r.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def prepare(r, kind, body, n):
    if kind in ("eval", "eval2"):
        return r.script_load(body)
    if kind in ("fcall", "fcall2"):
        name = "redmutex_bench_%d" % n
        lib = "#!lua name=%s\nredis.register_function('%s', function(KEYS, ARGV)\n%s\nend)" % (
            name, name, body)
        r.function_load(lib, replace=True)
        return name
    return None


def call(r, kind, handle, key, token):
    if kind == "set":
        return r.set(key, token, nx=True, px=int(LEASE))
    if kind in ("eval2", "fcall2"):
        # Wire protocol v2's take.lua: lock key, fence record, waiters, v1's hash (read only).
        keys = [key, "redmutex:fence", "{%s}:waiters" % key, "{%s}:fence" % key]
        args = [token, LEASE, HOLDER, CLIENT_ID]
        if kind == "eval2":
            return r.evalsha(handle, 4, *keys, *args)
        return r.fcall(handle, 4, *keys, *args)
    keys = [key, "{%s}:fence" % key, "{%s}:waiters" % key]
    if kind == "eval":
        return r.evalsha(handle, 3, *keys, token, LEASE, FENCE_TTL, HOLDER, CLIENT_ID)
    return r.fcall(handle, 3, *keys, token, LEASE, FENCE_TTL, HOLDER, CLIENT_ID)


def release_call(r, kind, handle, key, token):
    # release.lua's ARGV: token, channel, PUBLISH, last local token; extra ARGV are ignored. Its
    # KEYS[2] is v2's fence record (the floor's and the lower bounds' releases read no KEYS[2]).
    keys = [key, "redmutex:fence"]
    args = [token, "{%s}:wake" % key, "PUBLISH", "0"]
    if kind in ("eval", "eval2"):
        return r.evalsha(handle, 2, *keys, *args)
    return r.fcall(handle, 2, *keys, *args)


def run(r, proc, workdir, variant, index, n, callgrind):
    _, (tk, tbody), (rk, rbody) = variant
    th = prepare(r, tk, tbody, 2 * index)
    rh = prepare(r, rk, rbody, 2 * index + 1)
    r.flushall()
    names = ["bench:costs:%d:%d" % (index, i) for i in range(n)]
    tokens = ["tok%019d" % i for i in range(n)]
    # Warm the server's dictionaries and caches on other names first.
    for i in range(min(n, 500)):
        call(r, tk, th, "warm:%d" % i, tokens[i])
        release_call(r, rk, rh, "warm:%d" % i, tokens[i])
    if callgrind:
        subprocess.run(["callgrind_control", "-z", str(proc.pid)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    before = cpu(r)
    for key, token in zip(names, tokens):
        if not call(r, tk, th, key, token):
            sys.exit("script-costs: %s did not take %s" % (variant[0], key))
        if release_call(r, rk, rh, key, token) != 1:
            sys.exit("script-costs: %s did not release %s" % (variant[0], key))
    after = cpu(r)
    ins = None
    if callgrind:
        ins = instructions(proc, workdir) / n
    return (after - before) * 1e6 / n, ins


TOKEN = "AbCdEfGhIjKlMnOpQrStUv"  # 22 characters, as redmutex's tokens
FENCE = "1765000000000000"
LAYOUTS = [
    ("the lock key alone (the floor; Spring's key is the same)",
     "redis.call('SET', k, t, 'PX', 60000)"),
    ("wire protocol v1 held: the lock key + the fence hash (fence, owner, holder)",
     "redis.call('SET', k, t, 'PX', 60000) "
     "redis.call('HSET', f, 'fence', n, 'owner', t, 'holder', h) redis.call('PEXPIRE', f, 3660000)"),
    ("… the fence hash without `holder`",
     "redis.call('SET', k, t, 'PX', 60000) "
     "redis.call('HSET', f, 'fence', n, 'owner', t) redis.call('PEXPIRE', f, 3660000)"),
    ("… the fence hash with `fence` alone",
     "redis.call('SET', k, t, 'PX', 60000) "
     "redis.call('HSET', f, 'fence', n) redis.call('PEXPIRE', f, 3660000)"),
    ("… the fence as an integer string", "redis.call('SET', k, t, 'PX', 60000) "
     "redis.call('SET', f, n, 'PX', 3660000)"),
    ("… the fence as an integer string under the shortest name (`{name}:f`)",
     "redis.call('SET', k, t, 'PX', 60000) redis.call('SET', '{' .. k .. '}:f', n, 'PX', 3660000)"),
    ("the lock key + one fence record per cluster slot, shared by all its names",
     "redis.call('SET', k, t, 'PX', 60000) redis.call('SET', " + SLOT_RECORD + ", n)"),
    ("wire protocol v2 held, as shipped: token, fence and holder in the lock key's value",
     "redis.call('SET', k, t .. ' ' .. n .. ' ' .. h, 'PX', 60000)"),
    ("v1 after release, until 7 December: the fence hash (fence, owner, holder)",
     "redis.call('HSET', f, 'fence', n, 'owner', t, 'holder', h) redis.call('PEXPIRE', f, 3660000)"),
    ("v1 after release, since 7 December: a fence hash with `fence` alone",
     "redis.call('HSET', f, 'fence', n) redis.call('PEXPIRE', f, 3660000)"),
    ("v1 after release: the fence as an integer string", "redis.call('SET', f, n, 'PX', 3660000)"),
]


def memory(r, locks):
    """used_memory growth per lock name for each layout, written by one script per layout."""
    print("\n| layout (%s names) | bytes per lock |\n|---|--:|" % format(locks, ","))
    for what, write in LAYOUTS:
        r.flushall()
        time.sleep(0.2)
        before = r.info("memory")["used_memory"]
        r.eval("for i = 1, %d do local k = 'bench:footprint:' .. i "
               "local f = '{' .. k .. '}:fence' local t, n, h = ARGV[1], ARGV[2], ARGV[3] "
               "%s end" % (locks, write), 0, TOKEN, FENCE, HOLDER)
        print("| %s | %d |" % (what, (r.info("memory")["used_memory"] - before) // locks),
              flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", default=shutil.which("redis-server") or "redis-server")
    p.add_argument("--ops", type=int, default=20000)
    p.add_argument("--callgrind", action="store_true")
    p.add_argument("--memory-locks", type=int, default=10000)
    a = p.parse_args()
    if a.ops < 1 or a.memory_locks < 1:
        sys.exit("script-costs: --ops and --memory-locks must be at least 1")
    workdir = tempfile.mkdtemp(prefix="script-costs-")
    proc, r = start(a.server, a.callgrind, workdir)
    try:
        version = r.info("server")["redis_version"]
        table = variants(functions=int(version.split(".")[0]) >= 7)
        print("Redis %s (%s), %d operations per variant, one command at a time%s\n" % (
            version, a.server, a.ops, ", under callgrind" if a.callgrind else ""))
        print("| variant | server CPU µs/op |%s" % (" instructions/op | vs floor |"
                                                    if a.callgrind else ""))
        print("|---|--:|%s" % ("--:|--:|" if a.callgrind else ""))
        floor = None
        for i, v in enumerate(table):
            us, ins = run(r, proc, workdir, v, i, a.ops, a.callgrind)
            if floor is None:
                floor = ins
            extra = " %s | %.2f× |" % (format(round(ins), ","), ins / floor) if a.callgrind else ""
            print("| %s | %.1f |%s" % (v[0], us, extra), flush=True)
        memory(r, a.memory_locks)
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
