# Writes supp_sdcmicro.txt, the reference cases of test_supp.c, with
# sdcMicro's own code (not part of mtm or its tests: sdcMicro is not in
# Debian). Run from a folder holding, from sdcTools/sdcMicro,
# R/freqCalc.r, R/indivRisk.R, R/localSuppression.R and
# src/calcSuppInds.cpp, with r-cran-data.table and r-cran-rcpp installed:
#   Rscript supp_sdcmicro.R 2026  (then prepend the header comment)
suppressMessages(library(data.table)); suppressMessages(library(Rcpp))
source("freqCalc.r"); source("indivRisk.R"); suppressMessages(source("localSuppression.R"))
sourceCpp("calcSuppInds.cpp")
set.seed(as.integer(commandArgs(TRUE)[1]))
con <- file("supp_cases.txt", "w")
for (it in 1:30) {
  n <- sample(6:40,1); K <- sample(2:5,1); na <- runif(1,0,0.3); kk <- sample(2:4,1)
  d <- as.data.frame(matrix(sample(1:3, n*K, TRUE, prob=c(.6,.3,.1)), n, K))
  d[matrix(runif(n*K) < na, n, K)] <- NA
  imp <- sample(1:K)
  r <- tryCatch(localSuppressionWORK(d, keyVars=1:K, strataVars=NULL, k=kk, importance=imp, alpha=1, combs=NULL)$xAnon, error=function(e) NULL)
  if (is.null(r)) next
  writeLines(paste("case", n, K, kk, paste(imp, collapse=" ")), con)
  for (i in 1:n) writeLines(paste(paste(ifelse(is.na(unlist(d[i,])), -1, unlist(d[i,])), collapse=" "), "|", paste(ifelse(is.na(unlist(r[i,])), -1, unlist(r[i,])), collapse=" ")), con)
}
close(con)
