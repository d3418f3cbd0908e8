"""Operations: health and readiness probes, Prometheus metrics, JSON logs and replica routing.

A plain package (not a Django app): settings and URLs wire it in, see ``docs/deploy.md``.
"""
