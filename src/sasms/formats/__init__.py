"""Number and date formats that differ from Django's for the languages SASMS speaks."""
