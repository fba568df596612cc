/*
 * args.c — argument parsing helpers for the jmd CLI (see cli.h): every bad
 * value produces one line naming the flag, what was expected and what was
 * found.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "jmd/error.h"

int jmd_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "jmd%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return JMD_EXIT_USAGE;
}

int jmd_cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "jmd%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return JMD_EXIT_FAIL;
}

/* strtod over the whole of [s, s+len): a plain decimal number (digits,
 * sign, point, exponent: no blanks, no hexadecimal "0x1p3", no "inf" or
 * "nan", as in the YAML files), nothing left over, finite. A value that
 * underflows to zero or a subnormal is accepted; one that overflows is
 * not. Works on a copy so that "1,2" can be split without writing. */
static int parse_double(const char *s, size_t len, double *out)
{
    char buf[64];
    char *end;
    if (len == 0 || len >= sizeof buf) return JMD_EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    for (size_t k = 0; k < len; k++)
        if (!strchr("0123456789+-.eE", buf[k]) || buf[k] == '\0') return JMD_EINVAL;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) return JMD_EINVAL;
    *out = v;
    return 0;
}

int jmd_cli_number(const char *cmd, const char *flag, const char *text, double lo,
                   double hi, const char *what, double *out)
{
    double v;
    if (parse_double(text, strlen(text), &v) != 0) {
        jmd_cli_usage_error(cmd, "%s: expected %s, found \"%s\"", flag, what, text);
        return JMD_EINVAL;
    }
    if (v < lo || v > hi) {
        jmd_cli_usage_error(cmd, "%s: expected %s, found \"%s\" (out of range)", flag, what,
                            text);
        return JMD_EINVAL;
    }
    *out = v;
    return 0;
}

/* Split text at commas into exactly n numbers. */
static int split_numbers(const char *text, int n, double *v)
{
    const char *p = text;
    for (int k = 0; k < n; k++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if ((k < n - 1) != (comma != NULL)) return JMD_EINVAL;
        if (parse_double(p, len, &v[k]) != 0) return JMD_EINVAL;
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}

static int check_latlon(const char *cmd, const char *flag, const char *text, double lat_deg,
                        double lon_deg)
{
    if (lat_deg < -90.0 || lat_deg > 90.0) {
        jmd_cli_usage_error(cmd, "%s: expected a latitude in [-90, 90] degrees, found %g in \"%s\"",
                            flag, lat_deg, text);
        return JMD_EINVAL;
    }
    if (lon_deg < -180.0 || lon_deg >= 360.0) {
        jmd_cli_usage_error(cmd,
                            "%s: expected a longitude in [-180, 360) degrees, found %g in \"%s\"",
                            flag, lon_deg, text);
        return JMD_EINVAL;
    }
    return 0;
}

int jmd_cli_latlon(const char *cmd, const char *flag, const char *text, double *lat,
                   double *lon)
{
    double v[2];
    if (split_numbers(text, 2, v) != 0) {
        jmd_cli_usage_error(cmd, "%s: expected LAT,LON in degrees (e.g. 55.75,37.62), found \"%s\"",
                            flag, text);
        return JMD_EINVAL;
    }
    if (check_latlon(cmd, flag, text, v[0], v[1]) != 0) return JMD_EINVAL;
    *lat = v[0] * JMD_DEG;
    *lon = (v[1] > 180.0 ? v[1] - 360.0 : v[1]) * JMD_DEG;
    return 0;
}

int jmd_cli_latlonalt(const char *cmd, const char *flag, const char *text, double *lat,
                      double *lon, double *alt)
{
    double v[3];
    if (split_numbers(text, 3, v) != 0) {
        jmd_cli_usage_error(cmd,
                            "%s: expected LAT,LON,ALT_M (degrees, degrees, metres), found \"%s\"",
                            flag, text);
        return JMD_EINVAL;
    }
    if (check_latlon(cmd, flag, text, v[0], v[1]) != 0) return JMD_EINVAL;
    if (v[2] < -500.0 || v[2] > 1e7) {
        jmd_cli_usage_error(cmd, "%s: expected an altitude in [-500, 1e7] m, found %g in \"%s\"",
                            flag, v[2], text);
        return JMD_EINVAL;
    }
    *lat = v[0] * JMD_DEG;
    *lon = (v[1] > 180.0 ? v[1] - 360.0 : v[1]) * JMD_DEG;
    *alt = v[2];
    return 0;
}

int jmd_cli_value(const char *cmd, int argc, char **argv, int *i, const char **out)
{
    const char *flag = argv[*i];
    if (*i + 1 >= argc) {
        jmd_cli_usage_error(cmd, "%s: expected a value, found the end of the arguments", flag);
        return JMD_EINVAL;
    }
    const char *v = argv[*i + 1];
    /* "--x -5" is a negative number, "--x --y" a missing value. */
    if (v[0] == '-' && v[1] == '-') {
        jmd_cli_usage_error(cmd, "%s: expected a value, found the flag \"%s\"", flag, v);
        return JMD_EINVAL;
    }
    *out = v;
    *i += 1;
    return 0;
}

void jmd_cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}
