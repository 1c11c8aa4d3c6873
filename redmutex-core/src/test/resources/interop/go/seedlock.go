// Command seedlock is the seed's Go lock (../shared/seed/, "Handling Mutexes in Distributed Systems
// with Redis and Go") ported from go-redis to redigo, the Go Redis client Debian ships, for
// redmutex's interop tests (GoSeedInteropTest). The lock is the seed's, as literally as the client
// allows: one key, taken with SET key value NX and a TTL (go-redis SetNX: EX seconds when the TTL
// is whole seconds, else PX milliseconds), given back with a plain DEL. The value identifies
// nobody and the DEL compares nothing: that is the pattern under test, hazards included.
//
// Usage:
//
//	seedlock --addr HOST:PORT [--password PW] --key KEY --ttl MS ACTION
//
//	ACTION try   one SETNX: prints ACQUIRED {json} then, after DEL, RELEASED {json}; or BUSY.
//	ACTION hold  one SETNX: prints BUSY and exits, or ACQUIRED {json}, then holds the key until a
//	             line "release" arrives on stdin or stdin closes, then DELs it: RELEASED {json}.
//	ACTION wait  like hold, but while the key is taken prints WAITING once and retries SETNX
//	             every 100 ms for up to --wait MS (BUSY if that runs out).
//
// ACQUIRED carries {"value": ..., "pttl": ...} (the key's PTTL just after the SETNX); RELEASED
// carries {"deleted": N}, DEL's reply: 1 when it deleted a key, which after this lock's own TTL
// ran out may be someone else's. Unexpected failures print ERROR {json} and exit with status 2.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"
)

// lockValue is what the seed stores: a marker, not an owner.
const lockValue = "locked"

// acquireLock is the seed's acquire: SET key value NX with the lock's TTL. It reports whether
// the key was set, that is whether this process now holds the lock.
func acquireLock(conn redis.Conn, key string, ttl time.Duration) (bool, error) {
	var reply interface{}
	var err error
	if ttl%time.Second == 0 { // go-redis SetNX sends whole seconds as EX, anything else as PX
		reply, err = conn.Do("SET", key, lockValue, "EX", int64(ttl/time.Second), "NX")
	} else {
		reply, err = conn.Do("SET", key, lockValue, "PX", int64(ttl/time.Millisecond), "NX")
	}
	if err != nil {
		return false, err
	}
	return reply != nil, nil // "OK" when set, nil when the key exists
}

// releaseLock is the seed's release: DEL the key, whoever's it is by now.
func releaseLock(conn redis.Conn, key string) (int64, error) {
	return redis.Int64(conn.Do("DEL", key))
}

func emit(event string, payload interface{}) {
	if payload == nil {
		fmt.Println(event)
		return
	}
	text, _ := json.Marshal(payload)
	fmt.Println(event + " " + string(text))
}

func waitForReleaseLine() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() { // until "release" or EOF (the test, or its JVM, went away)
		if strings.TrimSpace(in.Text()) == "release" {
			return
		}
	}
}

func run() error {
	addr := flag.String("addr", "", "Redis HOST:PORT")
	password := flag.String("password", "", "Redis password")
	key := flag.String("key", "", "the lock key")
	ttlMillis := flag.Int64("ttl", 0, "the lock's TTL in milliseconds")
	waitMillis := flag.Int64("wait", 10000, "how long the 'wait' action retries, in milliseconds")
	flag.Parse()
	if *addr == "" || *key == "" || *ttlMillis <= 0 || flag.NArg() != 1 {
		return errors.New("usage: seedlock --addr HOST:PORT [--password PW] --key KEY --ttl MS try|hold|wait")
	}
	action := flag.Arg(0)
	if action != "try" && action != "hold" && action != "wait" {
		return fmt.Errorf("unknown action %q: try, hold or wait", action)
	}
	ttl := time.Duration(*ttlMillis) * time.Millisecond

	options := []redis.DialOption{redis.DialConnectTimeout(10 * time.Second)}
	if *password != "" {
		options = append(options, redis.DialPassword(*password))
	}
	conn, err := redis.Dial("tcp", *addr, options...)
	if err != nil {
		return err
	}
	defer conn.Close()

	acquired, err := acquireLock(conn, *key, ttl)
	if err != nil {
		return err
	}
	if !acquired && action == "wait" {
		emit("WAITING", nil)
		deadline := time.Now().Add(time.Duration(*waitMillis) * time.Millisecond)
		for !acquired && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			if acquired, err = acquireLock(conn, *key, ttl); err != nil {
				return err
			}
		}
	}
	if !acquired {
		emit("BUSY", nil)
		return nil
	}
	pttl, err := redis.Int64(conn.Do("PTTL", *key))
	if err != nil {
		return err
	}
	emit("ACQUIRED", map[string]interface{}{"value": lockValue, "pttl": pttl})

	if action != "try" {
		waitForReleaseLine()
	}
	deleted, err := releaseLock(conn, *key)
	if err != nil {
		return err
	}
	emit("RELEASED", map[string]interface{}{"deleted": deleted})
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		emit("ERROR", map[string]string{"message": err.Error()})
		os.Exit(2)
	}
}
