#!/usr/bin/env python3
"""Drives one redis-py Lock for redmutex's interoperability tests (RedisPyInteropTest).

Usage:
  pylock.py --port P [--password PW] --name NAME --timeout SECONDS ACTION

  ACTION try   take the lock without waiting: prints ACQUIRED {json} then RELEASED at once,
               or BUSY.
  ACTION hold  take the lock without waiting: prints BUSY and exits, or ACQUIRED {json}, then
               holds it until a line "release" arrives on stdin or stdin closes, then releases:
               prints RELEASED, or NOT_OWNED if redis-py raised LockNotOwnedError (the key had
               expired or holds another owner's token).
  ACTION wait  like hold, but if the lock is busy prints WAITING and then blocks in redis-py's
               own acquire loop for up to --blocking-timeout seconds (BUSY if that runs out).

Every line on stdout is one event; the JSON after ACQUIRED is {"token": ..., "pttl": ...}.
Unexpected failures print ERROR {json} and exit with status 2; stderr carries the traceback.
"""
import argparse
import json
import sys
import traceback

import redis
from redis.exceptions import LockNotOwnedError


def emit(event, payload=None):
    line = event if payload is None else event + " " + json.dumps(payload, sort_keys=True)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description="redis-py Lock driver for interop tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--password", default=None)
    parser.add_argument("--name", required=True)
    parser.add_argument("--timeout", type=float, required=True, help="lock TTL in seconds")
    parser.add_argument("--blocking-timeout", type=float, default=10.0,
                        help="seconds the 'wait' action may block")
    parser.add_argument("action", choices=["try", "hold", "wait"])
    args = parser.parse_args()

    client = redis.Redis(host=args.host, port=args.port, password=args.password,
                         socket_timeout=10, socket_connect_timeout=10)
    lock = client.lock(args.name, timeout=args.timeout, blocking_timeout=args.blocking_timeout)

    if lock.acquire(blocking=False):
        pass
    elif args.action == "wait":
        emit("WAITING")
        if not lock.acquire(blocking=True, blocking_timeout=args.blocking_timeout):
            emit("BUSY")
            return 0
    else:
        emit("BUSY")
        return 0

    token = lock.local.token
    emit("ACQUIRED", {
        "token": token.decode("utf-8") if isinstance(token, bytes) else token,
        "pttl": client.pttl(args.name),
    })

    if args.action != "try":
        for line in sys.stdin:  # until "release" or EOF (the test, or its JVM, went away)
            if line.strip() == "release":
                break

    try:
        lock.release()
    except LockNotOwnedError:
        emit("NOT_OWNED")
        return 0
    emit("RELEASED")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # report, do not hang: the Java side waits on our output
        traceback.print_exc()
        emit("ERROR", {"type": type(e).__name__, "message": str(e)})
        sys.exit(2)
