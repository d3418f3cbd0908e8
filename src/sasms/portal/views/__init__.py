"""Pages of the customer portal and the staff-facing survey and deflection reports."""
