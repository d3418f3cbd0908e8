"""Pages of the tickets app: queues, the request page and its actions, phone intake."""
