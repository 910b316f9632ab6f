// Go's peer in bench/gzip_run: compress/gzip (multistream, as ours) reading
// a file through a 1 MiB bufio.Reader, output discarded. Prints the bytes
// inflated as JSON, like gzip_bench.
//
//	gunzip FILE.gz
//
// Standard library only: it builds offline.
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gunzip FILE.gz")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n, err := io.CopyBuffer(io.Discard, r, make([]byte, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"bytes\": %d}\n", n)
}
