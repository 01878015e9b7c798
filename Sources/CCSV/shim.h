#ifndef CASEFINDER_CCSV_SHIM_H
#define CASEFINDER_CCSV_SHIM_H
// libcsv (Debian package libcsv-dev) ships csv.h and libcsv.so but no pkg-config file.
#include <csv.h>
#endif
