// zlib (Debian's zlib1g-dev), for reading gzip-compressed extracts as a stream. ZIPFoundation
// has its own zlib module for the workbooks; this one is the ingest's.
#include <zlib.h>
