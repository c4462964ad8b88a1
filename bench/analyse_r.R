# The R side of bench/analyse.sh (bench helper, not part of mtm): the same
# indicator set as mtm's default plan with --by sex, computed with R's survey
# package on the benchmark's CSV export: svymean of every select_one (as a
# factor), of every select_multiple option (as 0/1) and of every numeric,
# overall and by sex (svyby), and svyquantile medians of the numerics.
# Writes OUT (analysis_type, analysis_var, analysis_var_value, group_var,
# group_var_value, stat, se) and prints the elapsed seconds (reading the CSV
# included).
#
#   Rscript bench/analyse_r.R EXPORT.csv OUT.csv
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(TRUE)
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[1], stringsAsFactors = FALSE, na.strings = "")
ones <- c("sex", "contract", "registered", "sector", "plans")
multis <- list(needs = c("food", "shelter", "health", "work", "documents", "education"),
               langs = c("agri", "constr", "trade", "services", "transport", "other"))
nums <- c("age", "hh_size", "income")
for (v in ones) d[[v]] <- factor(d[[v]])
mvars <- character(0)
for (m in names(multis)) for (o in multis[[m]]) {
  nm <- paste0(m, "__", o)
  d[[nm]] <- as.numeric(grepl(paste0("(^| )", o, "( |$)"), d[[m]]))
  mvars <- c(mvars, nm)
}
des <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
rows <- list()
add <- function(type, var, val, gval, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(analysis_type = type, analysis_var = var,
    analysis_var_value = val, group_var = ifelse(is.na(gval), "", "sex"),
    group_var_value = ifelse(is.na(gval), "", gval), stat = est, se = se)
}
one <- function(type, var, f, vals, extra = list()) {
  fo <- as.formula(paste0("~", var))
  r <- do.call(f, c(list(fo, des), extra))
  add(type, vals$var, vals$val, NA, as.numeric(coef(r)), as.numeric(SE(r)))
  b <- do.call(svyby, c(list(fo, ~sex, des, f), extra))
  k <- (ncol(b) - 1) / 2
  for (i in seq_len(nrow(b)))
    add(type, vals$var, vals$val, as.character(b$sex[i]), as.numeric(b[i, 2:(1 + k)]),
        as.numeric(b[i, (2 + k):ncol(b)]))
}
for (v in ones) one("prop_select_one", v, svymean, list(var = v, val = levels(d[[v]])))
for (mv in mvars) {
  p <- strsplit(mv, "__")[[1]]
  one("prop_select_multiple", mv, svymean, list(var = p[1], val = p[2]), list(na.rm = TRUE))
}
for (v in nums) {
  one("mean", v, svymean, list(var = v, val = ""), list(na.rm = TRUE))
  one("median", v, svyquantile, list(var = v, val = ""),
      list(quantiles = 0.5, na.rm = TRUE, ci = TRUE))
}
out <- do.call(rbind, rows)
el <- proc.time()[["elapsed"]] - t0
write.csv(out, args[2], row.names = FALSE)
cat(sprintf("%.2f\n", el))
