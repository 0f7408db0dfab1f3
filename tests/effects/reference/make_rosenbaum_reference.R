# Reference values for evaltools.sensitivity.rosenbaum_bounds.
#
# Upper-bound p-values of Wilcoxon's signed-rank test under hidden bias Gamma from
#   DOS2::senWilcox (Rosenbaum; DOS2 0.5.2): zero differences ranked, then scored 0;
#   rbounds::psens (Keele; rbounds 2.2): zero differences dropped, p-values rounded to 4 dp.
# Data: 'lead' is the exposed-minus-control blood lead differences of the 33 matched pairs
# of Morton et al. (1982, Am J Epidemiol 115:549-555), the example of Rosenbaum (2002,
# Observational Studies, 2nd ed., section 4.3; one pair has a zero difference);
# 'ties' is a small made-up vector with zeros and tied absolute differences.
# Run: Rscript make_rosenbaum_reference.R  (writes rosenbaum_reference.csv)
library(DOS2)
library(rbounds)

lead <- c(1, -3, 14, 23, -6, 42, 22, 5, 18, 47, 6, 36, 25, 30, 25, 16, 32, 16, 60, 17,
          15, 9, 4, 1, 23, 0, 25, 13, 2, 7, 14, -9, -3)
ties <- c(0, 0, 1.5, -1.5, 2, 2, 3, -0.5, 4, 0, 5, 2, -2, 6, 7, 1.5)
gammas <- c(1, 1.5, 2, 3, 4, 4.25, 5)

rows <- list()
for (name in c("lead", "ties")) {
  d <- get(name)
  drop <- psens(d, rep(0, length(d)), Gamma = 5, GammaInc = 0.25)$bounds
  for (g in gammas) {
    keep <- senWilcox(d, gamma = g)$pval
    dropped <- drop[abs(drop$Gamma - g) < 1e-9, "Upper bound"]
    rows[[length(rows) + 1]] <- data.frame(data = name, gamma = g, keep_upper = keep,
                                           drop_upper = dropped)
  }
}
out <- do.call(rbind, rows)
write.csv(out, "rosenbaum_reference.csv", row.names = FALSE)
print(out, digits = 10)
