// The Go peer of bench/http_run: net/http's FileServer over an embedded
// directory (static/, holding the 4 KiB file of the small-file row), or
// over a directory on disk (-dir, for the large-file row).
//
//	fileserver -port 8081             # http.FileServer(http.FS(embedFS))
//	fileserver -port 8081 -dir /tmp/d # http.FileServer(http.FS(os.DirFS(d)))
package main

import (
	"embed"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"os"
)

//go:embed static
var embedded embed.FS

func main() {
	port := flag.Int("port", 8081, "port on 127.0.0.1")
	dir := flag.String("dir", "", "serve this directory from disk instead of the embedded one")
	flag.Parse()
	var fsys fs.FS
	if *dir != "" {
		fsys = os.DirFS(*dir)
	} else {
		sub, err := fs.Sub(embedded, "static")
		if err != nil {
			log.Fatal(err)
		}
		fsys = sub
	}
	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	fmt.Fprintf(os.Stderr, "listening on http://%s/\n", addr)
	log.Fatal(http.ListenAndServe(addr, http.FileServer(http.FS(fsys))))
}
