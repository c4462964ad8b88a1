# The R side of bench/analyse.sh (bench helper, not part of mtm): the same
# indicator set as mtm's default plan with --by sex,nationality, computed
# with R's survey package on the benchmark's CSV export. QUESTIONS.csv
# (written by bench/analyse_gen.py: kind,name,options) lists the questions:
# svymean of every select_one (as a factor), of every select_multiple option
# (as 0/1, NA where the question is unanswered) and of every numeric, and
# svyquantile medians (with Woodruff SEs) of the numerics, each overall and
# by sex and by nationality (svyby). Unanswered and not-relevant cells are
# left out (na.rm = TRUE, a domain of the full design, as mtm does).
# Writes OUT (analysis_type, analysis_var, analysis_var_value, group_var,
# group_var_value, stat, se) and prints the elapsed seconds (reading the CSV
# included).
#
#   Rscript bench/analyse_r.R EXPORT.csv QUESTIONS.csv OUT.csv
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(TRUE)
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[1], stringsAsFactors = FALSE, na.strings = "",
              colClasses = c(cluster = "integer", weight = "numeric"))
q <- read.csv(args[2], stringsAsFactors = FALSE, na.strings = "NA", colClasses = "character")
groups <- c("sex", "nationality")
ones <- q$name[q$kind == "one"]
nums <- q$name[q$kind == "num"]
for (v in ones) d[[v]] <- factor(d[[v]])
mvars <- list()
for (i in which(q$kind == "multi")) {
  m <- q$name[i]
  for (o in strsplit(q$options[i], " ")[[1]]) {
    nm <- paste0(m, "__", o)
    x <- as.numeric(grepl(paste0("(^| )", o, "( |$)"), d[[m]]))
    x[is.na(d[[m]])] <- NA
    d[[nm]] <- x
    mvars[[nm]] <- c(m, o)
  }
}
des <- svydesign(ids = ~cluster, strata = ~region, weights = ~weight, nest = TRUE, data = d)
rows <- list()
add <- function(type, var, val, gvar, gval, est, se) {
  rows[[length(rows) + 1]] <<- data.frame(analysis_type = type, analysis_var = var,
    analysis_var_value = val, group_var = gvar, group_var_value = gval, stat = est, se = se)
}
one <- function(type, var, f, vals, gs, extra = list()) {
  fo <- as.formula(paste0("~", var))
  r <- do.call(f, c(list(fo, des), extra))
  add(type, vals$var, vals$val, "", "", as.numeric(coef(r)), as.numeric(SE(r)))
  for (g in gs) {
    b <- do.call(svyby, c(list(fo, as.formula(paste0("~", g)), des, f), extra))
    k <- (ncol(b) - 1) / 2
    for (i in seq_len(nrow(b)))
      add(type, vals$var, vals$val, g, as.character(b[[g]][i]), as.numeric(b[i, 2:(1 + k)]),
          as.numeric(b[i, (2 + k):ncol(b)]))
  }
}
for (v in ones)
  one("prop_select_one", v, svymean, list(var = v, val = levels(d[[v]])), setdiff(groups, v),
      list(na.rm = TRUE))
for (mv in names(mvars))
  one("prop_select_multiple", mv, svymean, list(var = mvars[[mv]][1], val = mvars[[mv]][2]),
      groups, list(na.rm = TRUE))
for (v in nums) {
  one("mean", v, svymean, list(var = v, val = ""), groups, list(na.rm = TRUE))
  one("median", v, svyquantile, list(var = v, val = ""), groups,
      list(quantiles = 0.5, na.rm = TRUE, ci = TRUE))
}
out <- do.call(rbind, rows)
el <- proc.time()[["elapsed"]] - t0
write.csv(out, args[3], row.names = FALSE)
cat(sprintf("%.2f\n", el))
