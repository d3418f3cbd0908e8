"""Pages of the analytics app: the role dashboards, the landing page and the drill-down list."""
