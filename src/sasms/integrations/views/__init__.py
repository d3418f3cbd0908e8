"""Pages of the integrations: classifier and triage, robots, webhooks and the delivery log."""
