// The runtime rows: goroutines as the peer of our fibers (../runtime_bench.cc),
// with runtime.GOMAXPROCS(cfg.procs) as our Config::procs.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Row "spawn_join": one op starts cfg.fibers goroutines that each finish
// at once, and waits for all of them.
func spawnJoin(cfg config) (func(int) error, map[string]float64, error) {
	runtime.GOMAXPROCS(cfg.procs)
	loop := func(n int) error {
		for i := 0; i < n; i++ {
			var wg sync.WaitGroup
			wg.Add(cfg.fibers)
			for j := 0; j < cfg.fibers; j++ {
				go func() { wg.Done() }()
			}
			wg.Wait()
		}
		return nil
	}
	return loop, map[string]float64{"fibers": float64(cfg.fibers)}, nil
}

// Row "ping_pong": one op is a round trip over two unbuffered channels
// between the main goroutine and an echo goroutine.
func pingPong(cfg config) (func(int) error, map[string]float64, error) {
	runtime.GOMAXPROCS(cfg.procs)
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	v := 0
	loop := func(n int) error {
		for i := 0; i < n; i++ {
			ping <- v
			v = <-pong + 1
		}
		return nil
	}
	return loop, map[string]float64{}, nil
}

// rssBytes is VmRSS from /proc/self/status, as rss_bytes in runtime_bench.cc.
func rssBytes() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "VmRSS:") {
			var kib int64
			_, err := fmt.Sscanf(strings.TrimSpace(line[len("VmRSS:"):]), "%d kB", &kib)
			return kib * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// Row "park_memory": the RSS cfg.fibers goroutines add while parked on a
// channel receive, per goroutine.
func parkMemory(cfg config) (map[string]float64, error) {
	runtime.GOMAXPROCS(cfg.procs)
	gate := make(chan int)
	var parked, exited sync.WaitGroup
	parked.Add(cfg.fibers)
	exited.Add(cfg.fibers)
	before, err := rssBytes()
	if err != nil {
		return nil, err
	}
	for i := 0; i < cfg.fibers; i++ {
		go func() {
			parked.Done()
			<-gate
			exited.Done()
		}()
	}
	parked.Wait()
	after, err := rssBytes()
	if err != nil {
		return nil, err
	}
	close(gate)
	exited.Wait()
	return map[string]float64{
		"fibers":          float64(cfg.fibers),
		"bytes_per_fiber": float64(after-before) / float64(cfg.fibers),
	}, nil
}

// computeUnit is compute_unit in ../retention.h: 16384 rounds of xorshift64*.
func computeUnit(x uint64) uint64 {
	for i := 0; i < 16384; i++ {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		x *= 0x2545F4914F6CDD1D
	}
	return x
}

var sink uint64 // keeps computeUnit from being optimized out

// computeUntil runs 2*procs compute goroutines until deadline and returns
// the units they completed; each yields after a unit, as ours do.
func computeUntil(workers int, deadline time.Time) int64 {
	var units int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			defer wg.Done()
			n, x := int64(0), 0x9E3779B97F4A7C15+uint64(w)
			for time.Now().Before(deadline) {
				x = computeUnit(x)
				n++
				runtime.Gosched()
			}
			atomic.AddInt64(&units, n)
			atomic.StoreUint64(&sink, x)
		}(w)
	}
	wg.Wait()
	return units
}

// retention is measure_retention in ../retention.h: compute alone for one
// window, then compute for one window while cfg.blockers goroutines run
// block (each until release is closed, which happens at the deadline).
func retention(cfg config, block func(i int, release <-chan struct{}) int64, prepare func() (release func(), err error)) (map[string]float64, error) {
	runtime.GOMAXPROCS(cfg.procs)
	window := time.Duration(cfg.window * float64(time.Second))
	workers := 2 * cfg.procs
	alone := computeUntil(workers, time.Now().Add(window))

	releaseFn, err := prepare()
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(window)
	release := make(chan struct{})
	// Ends the blocking at the deadline. (A goroutine: the compute stops by
	// itself at the deadline, so a late wake-up would only delay the end.)
	go func() {
		time.Sleep(time.Until(deadline))
		close(release)
		releaseFn()
	}()
	var blockers sync.WaitGroup
	var calls int64
	blockers.Add(cfg.blockers)
	for i := 0; i < cfg.blockers; i++ {
		go func(i int) {
			defer blockers.Done()
			atomic.AddInt64(&calls, block(i, release))
		}(i)
	}
	blocked := computeUntil(workers, deadline)
	blockers.Wait()
	return map[string]float64{
		"units_alone":   float64(alone),
		"units_blocked": float64(blocked),
		"calls":         float64(atomic.LoadInt64(&calls)),
		"blockers":      float64(cfg.blockers),
	}, nil
}

// Row "handoff_read": each blocker is in a plain syscall.Read of one byte
// from its own pipe (blocking mode, not the netpoller) that is never
// written; the write ends are closed at the deadline, so reads return 0.
func handoffRead(cfg config) (map[string]float64, error) {
	fds := make([][2]int, cfg.blockers)
	prepare := func() (func(), error) {
		for i := range fds {
			if err := syscall.Pipe(fds[i][:]); err != nil {
				return nil, err
			}
		}
		return func() {
			for _, p := range fds {
				syscall.Close(p[1])
			}
		}, nil
	}
	block := func(i int, _ <-chan struct{}) int64 {
		var b [1]byte
		syscall.Read(fds[i][0], b[:])
		return 1
	}
	counters, err := retention(cfg, block, prepare)
	for _, p := range fds {
		syscall.Close(p[0])
	}
	return counters, err
}

// Row "handoff_nanosleep": each blocker loops on syscall.Nanosleep(10 ms)
// until the deadline.
func handoffNanosleep(cfg config) (map[string]float64, error) {
	prepare := func() (func(), error) { return func() {}, nil }
	block := func(_ int, release <-chan struct{}) int64 {
		ts := syscall.NsecToTimespec(10_000_000)
		for made := int64(0); ; made++ {
			select {
			case <-release:
				return made
			default:
			}
			syscall.Nanosleep(&ts, nil)
		}
	}
	return retention(cfg, block, prepare)
}
