"""Intake: e-mail, monitoring alerts and Redfish BMCs turned into service requests.

Two layers. The adapters — ``email/`` (parse, decode, classify), ``alertmanager``, ``zabbix``,
``generic_alerts``, ``alerts`` and ``redfish/`` — are pure Python: no database, no settings, tested
against real-world material alone. The Django app on top (models, ``services/``, ``webhooks``,
pages, API, tasks) polls mailboxes and BMCs, receives webhooks and writes through the tickets and
assets services, exactly once per message, alert occurrence and fault.
"""
