"""The only writers of intake rows: configuration, mail, alerts, BMC polls and triage decisions."""
