"""The proactive app's writers: advisories and baselines, campaigns, health checks."""
