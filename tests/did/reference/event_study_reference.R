# Reference numbers for evaltools.did.event_study (with time-varying covariates) and twfe.
#
# Simulates a staggered-adoption panel (seeded), writes it to event_study_panel.csv, and
# fits the two-way fixed-effects event study by two independent routes:
#   1. lm() on unit and period dummies, clustered covariance from sandwich::vcovCL
#      (type = "HC0", cadjust = TRUE: G/(G-1)), times (n-1)/(n-k) with k the number of
#      regressors other than the fixed effects (fixest's ssc(fixef.K = "none"));
#   2. plm(effect = "twoways", model = "within") with vcovHC(method = "arellano",
#      type = "sss", cluster = "group") (Stata's G/(G-1)(n-1)/(n-k)).
#   3. did_2x2: lm / glm(poisson, offset = log(years)) with vcovCL(cluster = ~unit,
#      type = "HC1"), on the same panel.
# Output: event_study_reference.csv (term, estimate, std_error, std_error_plm, model).
# Run from this folder: Rscript event_study_reference.R  (R 4.2, sandwich 3.0, plm 2.6)

suppressPackageStartupMessages({library(sandwich); library(plm)})
set.seed(20261125)
n_units <- 60; periods <- 1:8
cohorts <- rep(c(0, 4, 6), each = n_units / 3)
d <- expand.grid(time = periods, unit = seq_len(n_units))[, c("unit", "time")]
d$cohort <- cohorts[d$unit]
d$region <- (d$unit - 1) %% 12 + 1
alpha <- rnorm(n_units)[d$unit]
gamma <- 0.3 * d$time
# Time-varying covariates that move with adoption (so leaving them out would bias).
d$x1 <- round(rnorm(nrow(d)) + 0.5 * (d$cohort > 0) * (d$time >= d$cohort) + 0.1 * d$time, 6)
d$x2 <- round(runif(nrow(d)) + 0.05 * alpha, 6)
rel <- ifelse(d$cohort > 0, d$time - d$cohort, NA)
effect <- ifelse(!is.na(rel) & rel >= 0, -1 - 0.5 * rel, 0)
d$y <- round(alpha + gamma + 0.8 * d$x1 - 1.2 * d$x2 + effect + rnorm(nrow(d)), 6)
# A count outcome and person-time for the Poisson 2x2 (drawn last: the columns above keep
# their values).
d$years <- round(runif(nrow(d), 0.5, 1), 6)
d$count <- rpois(nrow(d), d$years * exp(1 + 0.05 * d$time + 0.3 * d$x2 -
                                           0.2 * (d$cohort > 0) * (d$time >= 5)))
write.csv(d, "event_study_panel.csv", row.names = FALSE)

# Event-time indicators: window (-3, 3), end points binned, reference -1.
binned <- pmin(pmax(rel, -3), 3)
keep <- setdiff(-3:3, -1)
for (k in keep) d[[paste0("e", sub("-", "m", k))]] <- as.numeric(!is.na(binned) & binned == k)
ev <- paste0("e", sub("-", "m", keep))
terms <- paste0("event_time::", keep)

fit_both <- function(rhs, labels, model, cluster) {
  f <- as.formula(paste("y ~", paste(rhs, collapse = " + "), "+ factor(unit) + factor(time)"))
  fit <- lm(f, data = d)
  n <- nrow(d); k <- length(rhs)
  v <- vcovCL(fit, cluster = d[[cluster]], type = "HC0", cadjust = TRUE) * (n - 1) / (n - k)
  p <- plm(as.formula(paste("y ~", paste(rhs, collapse = " + "))), data = d,
           index = c("unit", "time"), effect = "twoways", model = "within")
  vp <- if (cluster == "unit") vcovHC(p, method = "arellano", type = "sss", cluster = "group")
        else NA
  data.frame(term = labels, estimate = unname(coef(fit)[rhs]),
             std_error = unname(sqrt(diag(v)[rhs])),
             std_error_plm = if (cluster == "unit") unname(sqrt(diag(vp)[rhs])) else NA,
             estimate_plm = unname(coef(p)[rhs]), model = model)
}

d$treated <- as.numeric(d$cohort > 0 & d$time >= d$cohort)
out <- rbind(
  fit_both(c(ev, "x1", "x2"), c(terms, "x1", "x2"), "event_study_covariates", "unit"),
  fit_both(ev, terms, "event_study", "unit"),
  fit_both(c(ev, "x1", "x2"), c(terms, "x1", "x2"), "event_study_covariates_region", "region"),
  fit_both("treated", "treated", "twfe", "unit")
)
# 2x2 on the same panel: group = ever treated, post = period 5 on; statsmodels' clustered
# covariance is vcovCL's default for lm (type "HC1", cadjust: G/(G-1)(n-1)/(n-k)).
d$group <- as.numeric(d$cohort > 0); d$post <- as.numeric(d$time >= 5)
two <- function(fit, model, type) {
  v <- vcovCL(fit, cluster = ~unit, type = type, cadjust = TRUE)
  data.frame(term = "group:post", estimate = unname(coef(fit)["group:post"]),
             std_error = unname(sqrt(v["group:post", "group:post"])), std_error_plm = NA,
             estimate_plm = NA, model = model)
}
out <- rbind(out,
  two(lm(y ~ group * post + x1 + x2, data = d), "did_2x2_covariates", "HC1"),
  two(glm(count ~ group * post + x2, family = poisson, offset = log(years), data = d),
      "did_2x2_poisson", "HC1"))
u2 <- !startsWith(out$model, "did_2x2")
stopifnot(max(abs(out$estimate[u2] - out$estimate_plm[u2])) < 1e-8)
u <- out$model != "event_study_covariates_region" & u2
stopifnot(max(abs(out$std_error[u] - out$std_error_plm[u])) < 1e-8)
write.csv(out, "event_study_reference.csv", row.names = FALSE)
print(out, digits = 8)
