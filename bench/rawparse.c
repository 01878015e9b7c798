/*
 * rawparse: the ceiling for casefind's prescriptions ingest.
 *
 *     cc -O2 -o rawparse rawparse.c -lcsv
 *     rawparse FILE.csv [DATE_COLUMN]        (DATE_COLUMN defaults to issue_date)
 *
 * Parses FILE with libcsv (the parser casefind uses), reading it with read(2) into a 1 MiB
 * buffer. The callbacks count fields and records and, for every data record, parse the
 * YYYY-MM-DD date in the DATE_COLUMN field (found by header name, case-insensitively) from
 * the raw bytes into a day number, without allocating. That is the least work any ingester of
 * this file has to do, so its throughput is an upper bound for casefind's read_prescriptions.
 *
 * Prints one line:
 *     rows N fields N dates N bad_dates N checksum N bytes N seconds S
 * rows counts data records (the header is not a row); blank lines are not records.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (1u << 20)

struct state {
    const char *date_column;
    long date_col;      /* index of the date column, -1 until the header is read */
    long col;           /* index of the current field in the current record */
    uint64_t records;   /* including the header */
    uint64_t fields;
    uint64_t dates;
    uint64_t bad_dates;
    int64_t checksum;   /* sum of day numbers, so the parse cannot be optimised away */
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Parses YYYY-MM-DD (surrounding spaces allowed); returns 0 and the day number, or -1. */
static int parse_iso_date(const unsigned char *s, size_t len, int64_t *out) {
    static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    while (len && *s == ' ') { s++; len--; }
    while (len && s[len - 1] == ' ') len--;
    if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
    unsigned v[8];
    static const int pos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    for (int i = 0; i < 8; i++) {
        unsigned c = (unsigned)s[pos[i]] - '0';
        if (c > 9) return -1;
        v[i] = c;
    }
    unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    unsigned m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
    if (m < 1 || m > 12 || d < 1 || d > mdays[m] || (m == 2 && d == 29 && !is_leap(y)))
        return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

static void on_field(void *data, size_t len, void *ctx) {
    struct state *st = ctx;
    st->fields++;
    if (st->records == 0) {
        /* the header: find the date column by name */
        const char *s = data;
        while (len && *s == ' ') { s++; len--; }
        while (len && s[len - 1] == ' ') len--;
        if (len == strlen(st->date_column) && strncasecmp(s, st->date_column, len) == 0)
            st->date_col = st->col;
    } else if (st->col == st->date_col) {
        int64_t day;
        if (parse_iso_date(data, len, &day) == 0) {
            st->dates++;
            st->checksum += day;
        } else {
            st->bad_dates++;
        }
    }
    st->col++;
}

static void on_record(int terminator, void *ctx) {
    (void)terminator;
    struct state *st = ctx;
    st->records++;
    st->col = 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: rawparse FILE.csv [DATE_COLUMN]\n");
        return 64;
    }
    struct state st = {.date_column = argc == 3 ? argv[2] : "issue_date", .date_col = -1};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "rawparse: %s: %s\n", argv[1], strerror(errno));
        return 66;
    }
    unsigned char *buf = malloc(BUF_SIZE);
    struct csv_parser p;
    if (!buf || csv_init(&p, 0) != 0) {
        fprintf(stderr, "rawparse: out of memory\n");
        return 71;
    }
    uint64_t bytes = 0;
    int first = 1;
    for (;;) {
        ssize_t n = read(fd, buf, BUF_SIZE);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "rawparse: %s: %s\n", argv[1], strerror(errno));
            return 74;
        }
        if (n == 0) break;
        bytes += (uint64_t)n;
        unsigned char *b = buf;
        size_t len = (size_t)n;
        if (first && len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
            b += 3; /* UTF-8 byte-order mark */
            len -= 3;
        }
        first = 0;
        if (csv_parse(&p, b, len, on_field, on_record, &st) != len) {
            fprintf(stderr, "rawparse: %s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 65;
        }
    }
    csv_fini(&p, on_field, on_record, &st);
    csv_free(&p);
    close(fd);
    free(buf);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    if (st.date_col < 0) {
        fprintf(stderr, "rawparse: %s: no column named %s\n", argv[1], st.date_column);
        return 65;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("rows %llu fields %llu dates %llu bad_dates %llu checksum %lld bytes %llu seconds %.6f\n",
           (unsigned long long)(st.records ? st.records - 1 : 0), (unsigned long long)st.fields,
           (unsigned long long)st.dates, (unsigned long long)st.bad_dates,
           (long long)st.checksum, (unsigned long long)bytes, secs);
    return 0;
}
