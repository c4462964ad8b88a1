/* Unit tests of analysis: the design indices, the t quantile, a hand-worked
 * variance, and the cross-check against R's survey package: a generated
 * data set (strata with several PSUs and one lonely-PSU stratum, weights, a
 * four-level select_one with missing answers, a 0/1 multi-select option, a
 * numeric variable, a domain and the lonely stratum as a domain, where
 * the design has no degrees of freedom) is written to CSV, Rscript computes every
 * estimate with survey on it, and each must agree with ours: estimates
 * within 1e-9 relative, SEs, intervals and design effects within 1e-6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"

#define assert_close(a, b, tol)                                                             \
  do {                                                                                      \
    double a_ = (a), b_ = (b);                                                              \
    if (!(fabs(a_ - b_) <= (tol))) fail_msg("%.17g is not %.17g (within %g)", a_, b_, (tol)); \
  } while (0)

/* Reference values: R 4.2.2 qt() and qnorm() printed with 17 digits. */
static void t_and_normal_quantiles(void **state) {
  (void)state;
  assert_close(mtm_analysis_qt(0.975, 10), 2.2281388519862739, 1e-13);
  assert_close(mtm_analysis_qt(0.975, 3), 3.1824463052837078, 1e-13);
  assert_close(mtm_analysis_qt(0.975, 1e5), 1.9599877075346088, 1e-10);
  assert_close(mtm_analysis_qt(0.975, 0), 1.9599639845400536, 1e-14);
  assert_close(mtm_analysis_qt(0.9, 1), 3.0776835371752544, 1e-13);
  assert_close(mtm_analysis_qt(0.025, 10), -2.2281388519862739, 1e-13);
  /* Large df, where the tails need the series and the y fraction. */
  assert_close(mtm_analysis_qt(0.975, 1e6), 1.9599663568141066, 1e-13);
  assert_close(mtm_analysis_qt(0.975, 3e8), 1.9599639924476244, 1e-13);
  assert_close(mtm_analysis_qt(0.975, 50), 2.0085591121007607, 1e-13);
  assert_close(mtm_analysis_qt(0.975, 2), 4.3026527297494619, 1e-13);
}

/* Two strata: A with PSUs 1 and 2 (totals 3 and 7), B with one PSU (total
 * 4). Variance of the total: 2/1*((3-5)^2+(7-5)^2) = 16, plus 4^2 = 16 for
 * the lonely PSU under "adjust" and 0 under "remove". */
static void variance_by_hand(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  int64_t strata[] = {1, 1, 1, 2, 2};
  int64_t cluster[] = {1, 2, 2, 1, 1};
  double z[] = {3, 5, 2, 1, 3};
  mtm_analysis_design d;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_analysis_design_init(&d, &a, 5, NULL, strata, cluster,
                                            MTM_ANALYSIS_LONELY_ADJUST, &err),
                   0);
  assert_int_equal(d.npsu, 3);
  assert_int_equal(d.nstrata, 2);
  assert_close(mtm_analysis_var(&d, z), 32, 1e-12);
  assert_int_equal(mtm_analysis_design_init(&d, &a, 5, NULL, strata, cluster,
                                            MTM_ANALYSIS_LONELY_REMOVE, &err),
                   0);
  assert_close(mtm_analysis_var(&d, z), 16, 1e-12);
  mtm_arena_free(&a);
}

/* A negative weight is refused with a sentence naming the row. */
static void negative_weight_refused(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  double w[] = {1, 2, -0.5};
  mtm_analysis_design d;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_analysis_design_init(&d, &a, 3, w, NULL, NULL,
                                            MTM_ANALYSIS_LONELY_ADJUST, &err),
                   MTM_EINVAL);
  assert_string_equal(err.msg, "The weight of row 3 is -0.5; a weight must be "
                               "a number of zero or more.");
  assert_int_equal(err.row, 3);
  mtm_arena_free(&a);
}

/* The radix order: negatives, zeros, ties in row order, NaN left out. */
static void order_of_values(void **state) {
  (void)state;
  mtm_arena a;
  mtm_arena_init(&a);
  double y[] = {3, -1, NAN, -2.5, 0, 3, 1e300, -1e-300, 0.5, -1};
  mtm_analysis_design d;
  mtm_err err;
  mtm_err_clear(&err);
  assert_int_equal(mtm_analysis_design_init(&d, &a, 10, NULL, NULL, NULL,
                                            MTM_ANALYSIS_LONELY_ADJUST, &err),
                   0);
  size_t m = 0;
  uint32_t *o = mtm_analysis_order(&d, y, &m);
  assert_non_null(o);
  uint32_t want[] = {3, 1, 9, 7, 4, 8, 0, 5, 6};
  assert_int_equal(m, 9);
  for (size_t i = 0; i < m; i++) assert_int_equal(o[i], want[i]);
  /* Equal weights, 9 values: the median is the 5th, 0. */
  mtm_analysis_est e;
  assert_int_equal(mtm_analysis_quantile_sorted(&d, y, o, m, 0.5, NULL, NULL, &e), 0);
  assert_close(e.est, 0, 0);
  assert_close(e.n, 9, 0);
  free(o);
  mtm_arena_free(&a);
}

/* ---- the cross-check with R ---------------------------------------------- */

#define NROW 420
#define NLEV 4

typedef struct data {
  int64_t stratum[NROW], cluster[NROW];
  double w[NROW], one[NROW];
  int32_t v4[NROW];
  double ms[NROW], num[NROW], hh[NROW];
  uint8_t gx[NROW], gy[NROW], gz[NROW]; /* gz: the lonely stratum 5 */
} data;

static uint64_t rng_state = 88172645463325252ull;

/* xorshift64: a reproducible stream. */
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state % n);
}

/* Generates the data: strata 1-4 with 3 to 6 PSUs, stratum 5 with one PSU;
 * cluster numbers restart in each stratum (nest=TRUE). Every value is exact
 * in binary with few digits, so R reads the same doubles. */
static void generate(data *D) {
  int npsu[] = {4, 3, 6, 5, 1};
  for (int i = 0; i < NROW; i++) {
    int h = i < 20 ? 4 : (int)rnd(4);
    D->stratum[i] = h + 1;
    D->cluster[i] = 1 + rnd((uint32_t)npsu[h]);
    D->w[i] = (1 + rnd(20) + 4.0 * h) / 4.0;
    D->one[i] = 1;
    D->v4[i] = rnd(10) == 0 ? -1 : (int32_t)rnd(h == 2 ? 3 : 4) + (h == 2 ? 1 : 0);
    D->ms[i] = rnd(20) == 0 ? NAN : (double)(rnd(3) == 0);
    D->num[i] = rnd(20) == 0 ? NAN : rnd(60) + 0.5 * rnd(2) + 3 * h;
    D->hh[i] = 1 + rnd(8);
    D->gx[i] = rnd(5) < 2;
    D->gy[i] = !D->gx[i];
    D->gz[i] = h == 4;
  }
}

/* Writes the data as CSV, NA for missing. */
static void write_csv(const data *D, const char *path) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "stratum,cluster,w,one,v4,ms,num,hh,g\n");
  for (int i = 0; i < NROW; i++) {
    char v[4] = "NA";
    if (D->v4[i] >= 0) snprintf(v, sizeof v, "%c", 'a' + D->v4[i]);
    fprintf(f, "%lld,%lld,%.17g,1,%s,", (long long)D->stratum[i],
            (long long)D->cluster[i], D->w[i], v);
    if (isnan(D->ms[i])) fprintf(f, "NA,");
    else fprintf(f, "%g,", D->ms[i]);
    if (isnan(D->num[i])) fprintf(f, "NA,");
    else fprintf(f, "%.17g,", D->num[i]);
    fprintf(f, "%g,%s\n", D->hh[i], D->gx[i] ? "x" : "y");
  }
  fclose(f);
}

/* The R side: for each design and domain, one line per estimate:
 * key est se low upp deff ("SKIP" where R has no such figure). */
static const char rscript[] =
    "suppressPackageStartupMessages(library(survey))\n"
    "d <- read.csv('data.csv')\n"
    "d$v4 <- factor(d$v4, levels=c('a','b','c','d'))\n"
    "f <- function(x) if (is.character(x)) x else sprintf('%.17g', x)\n"
    "out <- function(key, est, se, low, upp, deff) cat(key, f(est), f(se), f(low), f(upp), f(deff), '\\n')\n"
    "designs <- list(\n"
    "  A=list(svydesign(ids=~cluster, strata=~stratum, weights=~w, nest=TRUE, data=d), 'adjust'),\n"
    "  B=list(svydesign(ids=~cluster, strata=~stratum, weights=~one, nest=TRUE, data=d), 'adjust'),\n"
    "  C=list(svydesign(ids=~1, weights=~w, data=d), 'adjust'),\n"
    "  D=list(svydesign(ids=~cluster, strata=~stratum, weights=~w, nest=TRUE, data=d), 'remove'),\n"
    "  E=list(svydesign(ids=~cluster, strata=~stratum, weights=~w, nest=TRUE, data=d), 'certainty'),\n"
    "  F=list(svydesign(ids=~cluster, weights=~w, data=d), 'adjust'))\n"
    "for (dn in names(designs)) {\n"
    "  options(survey.lonely.psu=designs[[dn]][[2]])\n"
    "  des <- designs[[dn]][[1]]\n"
    "  for (dom in c('all','x','y','z')) {\n"
    "    s <- if (dom == 'all') des else if (dom == 'z') subset(des, stratum == 5) else subset(des, g == dom)\n"
    "    k <- paste(dn, dom, sep='|')\n"
    "    m <- svymean(~v4, s, na.rm=TRUE, deff=TRUE)\n"
    "    ci <- confint(m)\n"
    "    sv <- subset(s, !is.na(v4))\n"
    "    for (j in 1:4) {\n"
    "      L <- levels(d$v4)[j]\n"
    "      out(paste(k,'share',L,sep='|'), coef(m)[j], SE(m)[j], ci[j,1], ci[j,2], deff(m)[j])\n"
    "      cp <- eval(bquote(svyciprop(~I(v4 == .(L)), sv, method='logit')))\n"
    "      ci2 <- attr(cp, 'ci')\n"
    "      out(paste(k,'logit',L,sep='|'), coef(m)[j], SE(m)[j], ci2[1], ci2[2], 'SKIP')\n"
    "    }\n"
    "    m <- svymean(~ms, s, na.rm=TRUE, deff=TRUE)\n"
    "    out(paste(k,'ms',sep='|'), coef(m), SE(m), confint(m)[1], confint(m)[2], deff(m))\n"
    "    cp <- svyciprop(~I(ms == 1), subset(s, !is.na(ms)), method='logit')\n"
    "    out(paste(k,'mslogit',sep='|'), coef(m), SE(m), attr(cp,'ci')[1], attr(cp,'ci')[2], 'SKIP')\n"
    "    m <- svymean(~num, s, na.rm=TRUE, deff=TRUE)\n"
    "    out(paste(k,'mean',sep='|'), coef(m), SE(m), confint(m)[1], confint(m)[2], deff(m))\n"
    "    m <- svytotal(~num, s, na.rm=TRUE, deff=TRUE)\n"
    "    out(paste(k,'total',sep='|'), coef(m), SE(m), confint(m)[1], confint(m)[2], deff(m))\n"
    "    m <- svyratio(~num, ~hh, s, na.rm=TRUE)\n"
    "    out(paste(k,'ratio',sep='|'), coef(m), SE(m), confint(m)[1], confint(m)[2], 'SKIP')\n"
    "    q <- svyquantile(~num, s, 0.5, na.rm=TRUE)[[1]]\n"
    "    out(paste(k,'median',sep='|'), q[1,1], q[1,4], q[1,2], q[1,3], 'SKIP')\n"
    "  }\n"
    "}\n";

typedef struct rline {
  char key[64];
  char f[5][40];
} rline;

/* Whether R and we agree within tol relative ("SKIP" is not compared; NaN
 * and infinities must match exactly). */
static int agree(const char *rtext, double c, double tol) {
  if (strcmp(rtext, "SKIP") == 0) return 1;
  char *end;
  double r = strtod(rtext, &end);
  if (*end) r = NAN; /* "NA" */
  if (isnan(r) || isnan(c)) return isnan(r) && isnan(c);
  if (isinf(r) || isinf(c)) return r == c;
  /* 1e-14 absolute: a variance that is 0 exactly comes out of R as
   * rounding noise (3e-17 for the lonely stratum as a domain). */
  return fabs(r - c) <= tol * fmax(fabs(r), fabs(c)) + 1e-14;
}

/* Compares one estimate with R's line for key; fails naming both. */
static void check(const rline *R, int nr, const char *key,
                  const mtm_analysis_est *e, int *used) {
  for (int i = 0; i < nr; i++) {
    if (strcmp(R[i].key, key) != 0) continue;
    used[i] = 1;
    double c[5] = {e->est, e->se, e->low, e->upp, e->deff};
    double tol[5] = {1e-9, 1e-6, 1e-6, 1e-6, 1e-6};
    const char *name[5] = {"estimate", "SE", "lower bound", "upper bound",
                           "design effect"};
    for (int k = 0; k < 5; k++)
      if (!(k == 4 && e->se <= 1e-14) && /* deff 0/0: R's is noise/0 */
          !agree(R[i].f[k], c[k], tol[k]))
        fail_msg("%s: %s is %.17g, R says %s", key, name[k], c[k], R[i].f[k]);
    return;
  }
  fail_msg("%s: R printed no such estimate", key);
}

/* Runs R on the generated data and compares every estimate. */
static void matches_r_survey(void **state) {
  (void)state;
  static data D;
  generate(&D);
  char dir[] = "/tmp/mtm-analysis-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256], cmd[512];
  snprintf(path, sizeof path, "%s/data.csv", dir);
  write_csv(&D, path);
  snprintf(path, sizeof path, "%s/check.R", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(rscript, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "cd %s && Rscript check.R 2>err.txt", dir);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  static rline R[512];
  int nr = 0;
  char line[1024];
  while (fgets(line, sizeof line, p) && nr < 512) {
    rline *r = &R[nr];
    if (sscanf(line, "%63s %39s %39s %39s %39s %39s", r->key, r->f[0], r->f[1],
               r->f[2], r->f[3], r->f[4]) == 6)
      nr++;
  }
  int rc = pclose(p);
  if (rc != 0) {
    snprintf(cmd, sizeof cmd, "cat %s/err.txt >&2", dir);
    if (system(cmd)) {}
    fail_msg("Rscript failed (status %d): is r-cran-survey installed?", rc);
  }
  assert_int_equal(nr, 6 * 4 * (2 * NLEV + 6));

  static int used[512];
  mtm_arena a;
  mtm_arena_init(&a);
  const char *dn = "ABCDEF";
  for (int di = 0; di < 6; di++) {
    mtm_analysis_design d;
    mtm_err err;
    mtm_err_clear(&err);
    int lonely = di == 3   ? MTM_ANALYSIS_LONELY_REMOVE
                 : di == 4 ? MTM_ANALYSIS_LONELY_CERTAINTY
                           : MTM_ANALYSIS_LONELY_ADJUST;
    assert_int_equal(
        mtm_analysis_design_init(&d, &a, NROW, di == 1 ? D.one : D.w,
                                 di == 2 || di == 5 ? NULL : D.stratum,
                                 di == 2 ? NULL : D.cluster, lonely, &err),
        0);
    if (di == 5) {
      /* Without strata, cluster numbers are shared across strata. */
      assert_int_equal(d.npsu, 6);
    }
    for (int gi = 0; gi < 4; gi++) {
      const uint8_t *dom = gi == 0 ? NULL : gi == 1 ? D.gx : gi == 2 ? D.gy : D.gz;
      const char *gname = gi == 0 ? "all" : gi == 1 ? "x" : gi == 2 ? "y" : "z";
      char key[64];
      mtm_analysis_opts wald = {MTM_ANALYSIS_CI_WALD, 0.95, 0, 0};
      mtm_analysis_opts logit = {MTM_ANALYSIS_CI_LOGIT, 0.95, 1, 0};
      mtm_analysis_est e[NLEV], e2[NLEV], one;
      assert_int_equal(mtm_analysis_shares(&d, D.v4, NLEV, dom, &wald, e), 0);
      assert_int_equal(mtm_analysis_shares(&d, D.v4, NLEV, dom, &logit, e2), 0);
      for (int k = 0; k < NLEV; k++) {
        snprintf(key, sizeof key, "%c|%s|share|%c", dn[di], gname, 'a' + k);
        check(R, nr, key, &e[k], used);
        snprintf(key, sizeof key, "%c|%s|logit|%c", dn[di], gname, 'a' + k);
        check(R, nr, key, &e2[k], used);
      }
      mtm_analysis_mean(&d, D.ms, dom, &wald, &one);
      snprintf(key, sizeof key, "%c|%s|ms", dn[di], gname);
      check(R, nr, key, &one, used);
      /* The multi-select option as a two-level share with the logit CI. */
      int32_t ms2[NROW];
      for (int i = 0; i < NROW; i++) ms2[i] = isnan(D.ms[i]) ? -1 : (int32_t)D.ms[i];
      assert_int_equal(mtm_analysis_shares(&d, ms2, 2, dom, &logit, e2), 0);
      snprintf(key, sizeof key, "%c|%s|mslogit", dn[di], gname);
      check(R, nr, key, &e2[1], used);
      mtm_analysis_mean(&d, D.num, dom, &wald, &one);
      snprintf(key, sizeof key, "%c|%s|mean", dn[di], gname);
      check(R, nr, key, &one, used);
      mtm_analysis_total(&d, D.num, dom, &wald, &one);
      snprintf(key, sizeof key, "%c|%s|total", dn[di], gname);
      check(R, nr, key, &one, used);
      mtm_analysis_ratio(&d, D.num, D.hh, dom, &wald, &one);
      snprintf(key, sizeof key, "%c|%s|ratio", dn[di], gname);
      check(R, nr, key, &one, used);
      assert_int_equal(mtm_analysis_quantile(&d, D.num, 0.5, dom, &wald, &one), 0);
      snprintf(key, sizeof key, "%c|%s|median", dn[di], gname);
      check(R, nr, key, &one, used);
    }
    /* The same shares in one pass for both groups, and overall. */
    int32_t grp[NROW], ms2[NROW];
    for (int i = 0; i < NROW; i++) {
      grp[i] = D.gx[i] ? 0 : 1;
      ms2[i] = isnan(D.ms[i]) ? -1 : (int32_t)D.ms[i];
    }
    mtm_analysis_opts wald = {MTM_ANALYSIS_CI_WALD, 0.95, 0, 0};
    mtm_analysis_opts logit = {MTM_ANALYSIS_CI_LOGIT, 0.95, 1, 0};
    mtm_analysis_est by[2 * NLEV], all[NLEV];
    char key[64];
    assert_int_equal(mtm_analysis_shares_by(&d, D.v4, NLEV, grp, 2, NULL, &wald, by), 0);
    assert_int_equal(mtm_analysis_shares_by(&d, D.v4, NLEV, NULL, 0, NULL, &wald, all), 0);
    for (int k = 0; k < NLEV; k++) {
      snprintf(key, sizeof key, "%c|x|share|%c", dn[di], 'a' + k);
      check(R, nr, key, &by[k], used);
      snprintf(key, sizeof key, "%c|y|share|%c", dn[di], 'a' + k);
      check(R, nr, key, &by[NLEV + k], used);
      snprintf(key, sizeof key, "%c|all|share|%c", dn[di], 'a' + k);
      check(R, nr, key, &all[k], used);
    }
    assert_int_equal(mtm_analysis_shares_by(&d, ms2, 2, grp, 2, NULL, &logit, by), 0);
    snprintf(key, sizeof key, "%c|x|mslogit", dn[di]);
    check(R, nr, key, &by[1], used);
    snprintf(key, sizeof key, "%c|y|mslogit", dn[di]);
    check(R, nr, key, &by[3], used);
    /* A domain filter on top of the groups: group x within stratum 2. */
    uint8_t s2[NROW];
    for (int i = 0; i < NROW; i++) s2[i] = D.stratum[i] == 2 && D.gx[i];
    mtm_analysis_est dm[NLEV];
    assert_int_equal(mtm_analysis_shares(&d, D.v4, NLEV, s2, &wald, dm), 0);
    for (int i = 0; i < NROW; i++) s2[i] = D.stratum[i] == 2;
    assert_int_equal(mtm_analysis_shares_by(&d, D.v4, NLEV, grp, 2, s2, &wald, by), 0);
    for (int k = 0; k < NLEV; k++) {
      assert_close(by[k].est, dm[k].est, 1e-15);
      assert_close(by[k].se, dm[k].se, 1e-9 * dm[k].se);
      assert_true(by[k].n == dm[k].n && by[k].df == dm[k].df);
    }
  }
  for (int i = 0; i < nr; i++)
    if (!used[i]) fail_msg("R's estimate %s was not compared", R[i].key);
  mtm_arena_free(&a);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(t_and_normal_quantiles),
      cmocka_unit_test(variance_by_hand),
      cmocka_unit_test(negative_weight_refused),
      cmocka_unit_test(order_of_values),
      cmocka_unit_test(matches_r_survey),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
