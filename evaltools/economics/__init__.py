"""Economics: discounting (HM Treasury Green Book), savings and benefit-cost ratios with
uncertainty, social-value adjustments, break-even effects and outcome-payment schedules."""

from .benefits import BenefitCost, adjusted_value, benefit_cost, break_even_effect
from .discounting import (
    GREEN_BOOK_RATE,
    HEALTH_RATE,
    declining_schedule,
    discount_factors,
    present_value,
)
from .outcome_payments import OutcomePayments, outcome_payments

__all__ = ["present_value", "discount_factors", "declining_schedule", "GREEN_BOOK_RATE",
           "HEALTH_RATE", "benefit_cost", "BenefitCost", "adjusted_value", "break_even_effect",
           "outcome_payments", "OutcomePayments"]
