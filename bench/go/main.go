// Go's side of bench/run: one function per contender, named as its Google
// Benchmark in ../vfs_bench.cc, on the same data (same flags). Each runs
// with Google Benchmark's iteration scheme (measure), so both sides time the
// same kind of run, and prints one JSON line:
//
//	{"name":"walk_dir","iterations":7,"ns_per_op":1.2e8,"counters":{"entries":105001}}
//
// Rows that measure something else than time per op (memory, retention)
// run once and report counters only (runtime.go).
//
// Standard library only: it builds offline.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing/fstest"
	"time"
)

type config struct {
	tree     string
	zip      string // the tree as a deflated zip (zip rows)
	zipReads int    // entries read per op in the zip read row
	mapFiles int
	fileSize int
	procs    int     // GOMAXPROCS of the runtime rows
	fibers   int     // goroutines spawned / parked in the runtime rows
	blockers int     // goroutines blocked in system calls in the retention rows
	window   float64 // seconds each retention phase computes for
}

// A contender: setup builds its data and returns the loop that runs the
// operation n times, plus counters that check it did the same work as ours;
// a nil loop means its data was not given (as vfs_bench skips such rows).
// A contender with once instead of setup runs once and reports counters.
type contender struct {
	name  string
	setup func(cfg config) (loop func(n int) error, counters map[string]float64, err error)
	once  func(cfg config) (counters map[string]float64, err error)
}

var contenders = []contender{
	{name: "walk_dir", setup: walkDir},
	{name: "zip_walk_stat", setup: zipWalkStat},
	{name: "zip_read_random", setup: zipReadRandom},
	{name: "mapfs_open_read_close", setup: mapFSOpenReadClose},
	{name: "spawn_join", setup: spawnJoin},
	{name: "ping_pong", setup: pingPong},
	{name: "park_memory", once: parkMemory},
	{name: "handoff_read", once: handoffRead},
	{name: "handoff_nanosleep", once: handoffNanosleep},
}

// Row "walk_dir": fs.WalkDir over os.DirFS, counting entries.
func walkDir(cfg config) (func(int) error, map[string]float64, error) {
	if cfg.tree == "" {
		return nil, nil, nil
	}
	fsys := os.DirFS(cfg.tree)
	counters := map[string]float64{}
	loop := func(n int) error {
		for i := 0; i < n; i++ {
			entries := 0
			err := fs.WalkDir(fsys, ".", func(_ string, _ fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				entries++
				return nil
			})
			if err != nil {
				return err
			}
			counters["entries"] = float64(entries)
		}
		return nil
	}
	return loop, counters, nil
}

// mapName is file i of the MapFS rows, as map_name in vfs_bench.cc.
func mapName(i int) string { return fmt.Sprintf("d%02d/f%05d.txt", i%100, i) }

// Row "mapfs_open_read_close": Open, Read into a caller-owned buffer until
// io.EOF, Close, cycling through the files.
func mapFSOpenReadClose(cfg config) (func(int) error, map[string]float64, error) {
	fsys := fstest.MapFS{}
	names := make([]string, cfg.mapFiles)
	for i := range names {
		names[i] = mapName(i)
		fsys[names[i]] = &fstest.MapFile{Data: []byte(strings.Repeat("x", cfg.fileSize)), Mode: 0644}
	}
	counters := map[string]float64{}
	buf := make([]byte, 4096)
	next := 0
	loop := func(n int) error {
		bytes := 0
		for i := 0; i < n; i++ {
			m, err := openRead(fsys, names[next], buf)
			if next++; next == len(names) {
				next = 0
			}
			bytes += m
			if err != nil {
				return err
			}
		}
		counters["bytes_per_op"] = float64(bytes) / float64(n)
		return nil
	}
	return loop, counters, nil
}

// openRead opens name, reads it to io.EOF into buf (the caller's, as in
// vfs_bench.cc) and closes it; it returns the bytes read.
func openRead(fsys fs.FS, name string, buf []byte) (int, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return 0, err
	}
	bytes := 0
	for {
		m, err := f.Read(buf)
		bytes += m
		if err == io.EOF {
			return bytes, f.Close()
		}
		if err != nil {
			f.Close()
			return bytes, err
		}
	}
}

// measure is Google Benchmark 1.7's iteration scheme (BenchmarkRunner):
// start at one iteration and grow the count until a run lasts min_time; the
// last run is the result.
func measure(minTime float64, loop func(int) error) (iters int, nsPerOp float64, err error) {
	const maxIters = 1_000_000_000
	iters = 1
	for {
		start := time.Now()
		if err := loop(iters); err != nil {
			return 0, 0, err
		}
		secs := time.Since(start).Seconds()
		if iters >= maxIters || secs >= minTime {
			return iters, secs * 1e9 / float64(iters), nil
		}
		multiplier := 10.0 // at most 10x while a run is under 10% of min_time
		if secs/minTime > 0.1 {
			multiplier = minTime * 1.4 / secs
		}
		next := int(multiplier*float64(iters) + 0.5)
		if next < iters+1 {
			next = iters + 1
		}
		if next > maxIters {
			next = maxIters
		}
		iters = next
	}
}

type result struct {
	Name       string             `json:"name"`
	Iterations int                `json:"iterations"`
	NsPerOp    float64            `json:"ns_per_op"`
	Counters   map[string]float64 `json:"counters"`
}

func main() {
	var cfg config
	flag.StringVar(&cfg.tree, "tree", "", "generated directory tree (walk rows)")
	flag.StringVar(&cfg.zip, "zip", "", "the tree as a deflated zip (zip rows)")
	flag.IntVar(&cfg.zipReads, "zip_reads", 10000, "entries read per op in the zip read row")
	flag.IntVar(&cfg.mapFiles, "map_files", 10000, "files in the MapFS rows")
	flag.IntVar(&cfg.fileSize, "file_size", 100, "bytes per MapFS file")
	flag.IntVar(&cfg.procs, "procs", 2, "GOMAXPROCS of the runtime rows")
	flag.IntVar(&cfg.fibers, "fibers", 1000000, "goroutines of the spawn and memory rows")
	flag.IntVar(&cfg.blockers, "blockers", 64, "blocked goroutines of the retention rows")
	flag.Float64Var(&cfg.window, "window", 0.5, "seconds per retention phase")
	minTime := flag.Float64("min_time", 0.5, "seconds each measurement runs at least")
	filter := flag.String("filter", ".", "regexp of the contenders to run")
	flag.Parse()
	re, err := regexp.Compile(*filter)
	if err != nil {
		fail(err)
	}
	for _, c := range contenders {
		if !re.MatchString(c.name) {
			continue
		}
		if c.once != nil {
			counters, err := c.once(cfg)
			if err != nil {
				fail(fmt.Errorf("%s: %w", c.name, err))
			}
			line, _ := json.Marshal(result{c.name, 1, 0, counters})
			fmt.Println(string(line))
			continue
		}
		loop, counters, err := c.setup(cfg)
		if err != nil {
			fail(fmt.Errorf("%s: %w", c.name, err))
		}
		if loop == nil {
			continue
		}
		iters, ns, err := measure(*minTime, loop)
		if err != nil {
			fail(fmt.Errorf("%s: %w", c.name, err))
		}
		line, _ := json.Marshal(result{c.name, iters, ns, counters})
		fmt.Println(string(line))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vfsbench:", err)
	os.Exit(1)
}
