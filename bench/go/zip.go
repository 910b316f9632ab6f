// The zip rows: archive/zip's Reader, which is an fs.FS, on the same
// archive as ours (bench/run makes it from the generated tree).
package main

import (
	"archive/zip"
	"io/fs"
	"sort"
)

// Row "zip_walk_stat": zip.OpenReader, fs.WalkDir over it, fs.Stat of
// every path; one op includes the open (reading the central directory), as
// ours includes ZipFS::make and `unzip -Z1` its own.
func zipWalkStat(cfg config) (func(int) error, map[string]float64, error) {
	if cfg.zip == "" {
		return nil, nil, nil
	}
	counters := map[string]float64{}
	loop := func(n int) error {
		for i := 0; i < n; i++ {
			zr, err := zip.OpenReader(cfg.zip)
			if err != nil {
				return err
			}
			entries, size := 0, int64(0)
			err = fs.WalkDir(zr, ".", func(path string, _ fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				info, err := fs.Stat(zr, path)
				if err != nil {
					return err
				}
				size += info.Size()
				entries++
				return nil
			})
			zr.Close()
			if err != nil {
				return err
			}
			counters["entries"] = float64(entries)
		}
		return nil
	}
	return loop, counters, nil
}

// The entries the read row reads: the zip's files sorted by name, picked
// by the LCG zip_picks in vfs_bench.cc uses.
func zipPicks(zr *zip.ReadCloser, count int) []string {
	var files []string
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			files = append(files, f.Name)
		}
	}
	sort.Strings(files)
	picks := make([]string, 0, count)
	x := uint64(1)
	for i := 0; i < count && len(files) > 0; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		picks = append(picks, files[(x>>33)%uint64(len(files))])
	}
	return picks
}

// Row "zip_read_random": the archive opened once; one op opens, reads to
// io.EOF into a caller-owned buffer, and closes cfg.zipReads entries.
func zipReadRandom(cfg config) (func(int) error, map[string]float64, error) {
	if cfg.zip == "" {
		return nil, nil, nil
	}
	zr, err := zip.OpenReader(cfg.zip)
	if err != nil {
		return nil, nil, err
	}
	picks := zipPicks(zr, cfg.zipReads)
	counters := map[string]float64{}
	buf := make([]byte, 4096)
	loop := func(n int) error {
		bytes := 0
		for i := 0; i < n; i++ {
			for _, name := range picks {
				m, err := openRead(zr, name, buf)
				bytes += m
				if err != nil {
					return err
				}
			}
		}
		counters["read_bytes"] = float64(bytes) / float64(n)
		return nil
	}
	return loop, counters, nil
}
