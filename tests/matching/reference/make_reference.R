# Reference outputs of R's MatchIt for tests/matching/test_matchit_reference.py.
# Run from this folder:  Rscript make_reference.R
# Needs R with MatchIt (Debian: r-base-core, r-cran-matchit). The test suite itself does
# not need R: it reads the CSV files this script writes.
suppressPackageStartupMessages(library(MatchIt))
cat("MatchIt", as.character(packageVersion("MatchIt")), "\n")

data("lalonde", package = "MatchIt")
lalonde$id <- seq_len(nrow(lalonde)) - 1L          # 0-based row ids for Python
write.csv(lalonde, "lalonde.csv", row.names = FALSE)

f <- treat ~ age + educ + race + married + nodegree + re74 + re75

# The propensity score of the default call (distance = "glm"), to compare scores.
ps <- matchit(f, data = lalonde, method = "nearest")$distance
write.csv(data.frame(id = lalonde$id, ps = ps), "matchit_ps.csv", row.names = FALSE)

# Nearest-neighbour matching is compared on a supplied distance that puts every control
# below every treated unit (ps + treat). Debian's MatchIt 4.5.1 build compares distances
# with an integer abs() in its C++ search, so it always takes the lower neighbour and
# ignores the distance caliper; on this distance the lower neighbour is the nearest, so
# the comparison checks order, rounds, strata and weights without meeting that defect.
# (The same build also lets a treated unit take one control twice in k:1 matching with
# replacement, an off-by-one in its "already matched" check, so replacement is 1:1 here.)
lalonde$dist <- ps + lalonde$treat
write.csv(lalonde, "lalonde.csv", row.names = FALSE)
specs <- list(
  nearest = list(),
  ratio2 = list(ratio = 2),
  exact_race = list(exact = ~race),
  smallest = list(m.order = "smallest"),
  replace = list(replace = TRUE)
)
pairs_out <- list()
weights_out <- list()
for (name in names(specs)) {
  args <- c(list(formula = f, data = lalonde, method = "nearest", distance = lalonde$dist),
            specs[[name]])
  m <- do.call(matchit, args)
  mm <- m$match.matrix
  for (j in seq_len(ncol(mm))) {
    ok <- !is.na(mm[, j])
    pairs_out[[length(pairs_out) + 1]] <- data.frame(
      spec = name, round = j,
      treated_id = match(rownames(mm)[ok], rownames(lalonde)) - 1L,
      control_id = match(mm[ok, j], rownames(lalonde)) - 1L)
  }
  weights_out[[name]] <- data.frame(spec = name, id = lalonde$id, weights = m$weights,
                                    distance = m$distance)
}
write.csv(do.call(rbind, pairs_out), "matchit_pairs.csv", row.names = FALSE)
write.csv(do.call(rbind, weights_out), "matchit_weights.csv", row.names = FALSE)

# Balance of the 1:1 match (standardised by the treated SD, as summary.matchit).
m <- matchit(f, data = lalonde, method = "nearest", distance = lalonde$dist)
s <- summary(m, standardize = TRUE)
bal <- data.frame(variable = rownames(s$sum.all),
                  smd_before = s$sum.all[, "Std. Mean Diff."],
                  var_ratio_before = s$sum.all[, "Var. Ratio"],
                  ecdf_mean_before = s$sum.all[, "eCDF Mean"],
                  ecdf_max_before = s$sum.all[, "eCDF Max"],
                  smd_after = s$sum.matched[, "Std. Mean Diff."],
                  var_ratio_after = s$sum.matched[, "Var. Ratio"],
                  ecdf_mean_after = s$sum.matched[, "eCDF Mean"],
                  ecdf_max_after = s$sum.matched[, "eCDF Max"])
write.csv(bal, "matchit_balance.csv", row.names = FALSE)

# Exact and coarsened exact matching weights.
me <- matchit(treat ~ race + married + nodegree, data = lalonde, method = "exact")
mc <- matchit(treat ~ age + educ + race + married, data = lalonde, method = "cem")
write.csv(data.frame(id = lalonde$id, exact = me$weights, cem = mc$weights),
          "matchit_subclass_weights.csv", row.names = FALSE)

# Effect estimates as MatchIt's vignette computes them: weighted regression on the matched
# data, standard errors clustered on pair membership (sandwich::vcovCL, HC1).
if (requireNamespace("sandwich", quietly = TRUE)) {
  m <- matchit(f, data = lalonde, method = "nearest", distance = lalonde$dist, ratio = 2)
  md <- match.data(m)
  rows <- list()
  for (spec in c("difference", "regression")) {
    fml <- if (spec == "difference") re78 ~ treat else
      re78 ~ treat + age + educ + race + married + nodegree + re74 + re75
    fit <- lm(fml, data = md, weights = weights)
    v <- sandwich::vcovCL(fit, cluster = ~subclass)
    rows[[spec]] <- data.frame(model = spec, estimate = coef(fit)[["treat"]],
                               se = sqrt(v["treat", "treat"]))
  }
  fit <- glm(I(round(re78 / 1000)) ~ treat, data = md, weights = weights,
             family = quasipoisson)
  v <- sandwich::vcovCL(fit, cluster = ~subclass)
  rows[["poisson"]] <- data.frame(model = "poisson", estimate = coef(fit)[["treat"]],
                                  se = sqrt(v["treat", "treat"]))
  write.csv(do.call(rbind, rows), "matchit_effects.csv", row.names = FALSE)
}
