"""Pages of the asset register, one module per area."""
