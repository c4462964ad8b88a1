/* Calendar arithmetic (Howard Hinnant's civil-days algorithms) and parsers
 * for the date and date-time forms that KoBo, ODK and Excel write. */
#include "core/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int32_t mtm_days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int32_t)doe - 719468;
}

void mtm_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = (int)yoe + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

static int days_in_month(int y, unsigned m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

/* Reads exactly k digits. */
static int digits(const char **p, const char *end, int k, int *out) {
  int v = 0;
  for (int i = 0; i < k; i++) {
    if (*p >= end || !isdigit((unsigned char)**p)) return -1;
    v = v * 10 + (**p - '0');
    (*p)++;
  }
  *out = v;
  return 0;
}

/* Reads 1 or 2 digits. */
static int digits12(const char **p, const char *end, int *out) {
  if (digits(p, end, 1, out)) return -1;
  if (*p < end && isdigit((unsigned char)**p)) *out = *out * 10 + (*(*p)++ - '0');
  return 0;
}

static int valid_ymd(int y, int m, int d) {
  return y >= 1800 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, (unsigned)m);
}

/* Parses the date part; leaves *p after it. */
static int parse_date_part(const char **p, const char *end, int32_t *days) {
  const char *s = *p;
  int y, m, d;
  if (end - s >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) &&
      s[4] == '-') {
    if (digits(&s, end, 4, &y) || *s++ != '-' || digits12(&s, end, &m) ||
        s >= end || *s++ != '-' || digits12(&s, end, &d))
      return MTM_EINVAL;
  } else {
    /* DD.MM.YYYY or DD/MM/YYYY, the European order used in the region. */
    if (digits12(&s, end, &d) || s >= end || (*s != '.' && *s != '/'))
      return MTM_EINVAL;
    char sep = *s++;
    if (digits12(&s, end, &m) || s >= end || *s++ != sep || digits(&s, end, 4, &y))
      return MTM_EINVAL;
  }
  if (!valid_ymd(y, m, d)) return MTM_EINVAL;
  *days = mtm_days_from_civil(y, (unsigned)m, (unsigned)d);
  *p = s;
  return 0;
}

int mtm_parse_date(mtm_slice in, int32_t *days) {
  in = mtm_slice_trim(in);
  const char *p = in.p, *end = in.p + in.n;
  if (!in.n || parse_date_part(&p, end, days)) return MTM_EINVAL;
  if (p == end) return 0;
  /* A date-time where a date is expected: keep the date. */
  if (*p == 'T' || *p == ' ') {
    int64_t secs;
    if (mtm_parse_datetime(in, &secs) == 0) return 0;
  }
  return MTM_EINVAL;
}

int mtm_parse_datetime(mtm_slice in, int64_t *secs) {
  in = mtm_slice_trim(in);
  const char *p = in.p, *end = in.p + in.n;
  int32_t days;
  if (!in.n || parse_date_part(&p, end, &days)) return MTM_EINVAL;
  int h = 0, mi = 0, s = 0;
  long tz = 0;
  if (p < end) {
    if (*p != 'T' && *p != ' ') return MTM_EINVAL;
    p++;
    if (digits(&p, end, 2, &h) || p >= end || *p++ != ':' || digits(&p, end, 2, &mi))
      return MTM_EINVAL;
    if (p < end && *p == ':') {
      p++;
      if (digits(&p, end, 2, &s)) return MTM_EINVAL;
      if (p < end && (*p == '.' || *p == ',')) {
        p++;
        if (p >= end || !isdigit((unsigned char)*p)) return MTM_EINVAL;
        while (p < end && isdigit((unsigned char)*p)) p++;
      }
    }
    if (p < end && *p == 'Z') p++;
    else if (p < end && (*p == '+' || *p == '-')) {
      int sign = *p++ == '-' ? -1 : 1, th, tm = 0;
      if (digits(&p, end, 2, &th)) return MTM_EINVAL;
      if (p < end && *p == ':') p++;
      if (p < end && digits(&p, end, 2, &tm)) return MTM_EINVAL;
      tz = sign * (th * 3600L + tm * 60L);
    }
    if (p != end || h > 23 || mi > 59 || s > 60) return MTM_EINVAL;
  }
  *secs = (int64_t)days * 86400 + h * 3600 + mi * 60 + s - tz;
  return 0;
}

void mtm_format_date(int32_t days, char out[11]) {
  int y;
  unsigned m, d;
  mtm_civil_from_days(days, &y, &m, &d);
  snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100u, d % 100u);
}

int32_t mtm_today(void) {
  const char *fixed = getenv("MTM_TODAY");
  int32_t d;
  if (fixed && mtm_parse_date(mtm_slice_c(fixed), &d) == 0) return d;
  return (int32_t)(time(NULL) / 86400);
}
