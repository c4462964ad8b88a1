/* Unit tests of the map projection: Albers keeps areas (two one-degree
 * cells far apart in latitude keep the ratio of their areas on the
 * sphere), and the standard parallels sit at 1/6 and 5/6 of the span. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>

#include "map/map.h"

/* The projected area of the lon/lat cell, its border sampled densely. */
static double cell_area(const mtm_map_albers *p, double lon, double lat, double d) {
  enum { N = 200 };
  double xs[4 * N], ys[4 * N];
  int k = 0;
  for (int i = 0; i < N; i++) mtm_map_albers_project(p, lon + d * i / N, lat, &xs[k], &ys[k]), k++;
  for (int i = 0; i < N; i++) mtm_map_albers_project(p, lon + d, lat + d * i / N, &xs[k], &ys[k]), k++;
  for (int i = 0; i < N; i++) mtm_map_albers_project(p, lon + d - d * i / N, lat + d, &xs[k], &ys[k]), k++;
  for (int i = 0; i < N; i++) mtm_map_albers_project(p, lon, lat + d - d * i / N, &xs[k], &ys[k]), k++;
  double s = 0;
  for (int i = 0, j = k - 1; i < k; j = i++) s += xs[j] * ys[i] - xs[i] * ys[j];
  return fabs(s) / 2;
}

/* The area of the cell on the unit sphere. */
static double sphere_area(double lat, double d) {
  double r = M_PI / 180;
  return d * r * (sin((lat + d) * r) - sin(lat * r));
}

static void albers_preserves_area(void **state) {
  (void)state;
  mtm_map_albers p;
  mtm_map_albers_fit(&p, 46.5, 40.5, 87.3, 55.5); /* Kazakhstan's box */
  double south = cell_area(&p, 50, 41, 1), north = cell_area(&p, 80, 54, 1);
  /* Same-size cells in degrees; on the sphere the northern one is about
   * 20% smaller, and so it is on the map. */
  double ts = sphere_area(41, 1), tn = sphere_area(54, 1);
  assert_true(fabs(south / ts - 1) < 0.01);
  assert_true(fabs(north / tn - 1) < 0.01);
  assert_true(fabs((south / north) / (ts / tn) - 1) < 0.01);
  assert_true(south / north > 1.15); /* a plate carree would give 1 */
}

static void albers_parallels_and_origin(void **state) {
  (void)state;
  mtm_map_albers p;
  mtm_map_albers_fit(&p, 46.5, 40.5, 87.3, 55.5);
  double r = M_PI / 180;
  assert_true(fabs(p.n - (sin(43 * r) + sin(53 * r)) / 2) < 1e-12);
  assert_true(fabs(p.lon0 - 66.9 * r) < 1e-12);
  double x, y;
  mtm_map_albers_project(&p, 66.9, 48, &x, &y); /* the middle of the box */
  assert_true(fabs(x) < 1e-12 && fabs(y) < 1e-12);
  /* East is +x, north is +y. */
  double x2, y2;
  mtm_map_albers_project(&p, 70, 48, &x2, &y2);
  assert_true(x2 > 0);
  mtm_map_albers_project(&p, 66.9, 50, &x2, &y2);
  assert_true(y2 > 0 && fabs(x2) < 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(albers_preserves_area),
      cmocka_unit_test(albers_parallels_and_origin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
