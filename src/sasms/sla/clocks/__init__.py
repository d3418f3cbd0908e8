"""SLA clocks on service requests: engine (pure state machine), store, services, selectors, replay."""
