# Recomputes every share and mean of mtm's results table (overall and by
# one group) with R's survey package, from the clean data mtm holds (its
# frame dumps): a submission-level variable on the submissions, a repeat's
# variable on the repeat's instances clustered by submission (or by the
# design's cluster). Usage: Rscript cmp.R RESULTS CLUSTER MAIN.csv REPEAT.csv...
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust", warn = -1)
a <- commandArgs(TRUE)
rd <- function(f) read.csv(f, stringsAsFactors = FALSE, na.strings = "", check.names = FALSE,
                           colClasses = "character")
res <- rd(a[1]); cl <- a[2]
sets <- lapply(a[-(1:2)], rd)
own <- lapply(seq_along(sets), function(k) if (k == 1) names(sets[[1]]) else
  setdiff(names(sets[[k]]), names(sets[[1]])))
design <- function(d) {
  ids <- if (cl == "-") (if ("_position" %in% names(d)) ~`_uuid` else ~1) else as.formula(paste0("~`", cl, "`"))
  svydesign(ids = ids, data = d)
}
des <- lapply(sets, design)
same <- function(a, b, tol = 1e-9) isTRUE(abs(a - b) <= tol * abs(b) + 1e-12)
tot <- 0; bad <- 0
for (i in seq_len(nrow(res))) {
  r <- res[i, ]
  if (!(r$analysis_type %in% c("prop_select_one", "prop_select_multiple", "mean"))) next
  if (!is.na(r$group_var) && grepl("-/-", r$group_var)) next
  k <- which(sapply(own, function(o) r$analysis_var %in% o))[1]
  if (is.na(k)) { cat("FAIL no data for", r$analysis_var, "\n"); bad <- bad + 1; next }
  d <- sets[[k]]; x <- d[[r$analysis_var]]
  y <- switch(r$analysis_type,
    prop_select_one = ifelse(is.na(x), NA, as.numeric(x == r$analysis_var_value)),
    prop_select_multiple = ifelse(is.na(x), NA, sapply(strsplit(x, " "), function(s) as.numeric(r$analysis_var_value %in% s))),
    mean = as.numeric(x))
  ok <- if (is.na(r$group_var)) rep(TRUE, nrow(d)) else !is.na(d[[r$group_var]]) & d[[r$group_var]] == r$group_var_value
  ok <- ok & !is.na(y)
  if (sum(ok) == 0) next
  dd <- update(des[[k]], .y = y)[ok, ]
  s <- svymean(~.y, dd)
  good <- same(as.numeric(r$stat), coef(s)[[1]]) && same(as.numeric(r$se), SE(s)[[1]]) &&
    as.numeric(r$n_total) == sum(ok)
  if (!good) cat(sprintf("FAIL %s: mtm %s %s (n_total %s), R %.15g %.15g (%d)\n", r$analysis_key,
                         r$stat, r$se, r$n_total, coef(s)[[1]], SE(s)[[1]], sum(ok)))
  tot <- tot + 1; bad <- bad + !good
}
cat(sprintf("%s: %d estimates equal R survey's, %d differ\n", basename(a[1]), tot - bad, bad))
